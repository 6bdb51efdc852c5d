"""Shared widgets: big buttons, the top bar, the step indicator, the notice band."""

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from screens.widgets import theme


def shown(widget) -> bool:
    """Whether a person can see the widget: drawn (opacity above 0) and given some room."""
    return widget.opacity > 0 and widget.width > 0 and widget.height > 0


class TouchWhenShown:
    """Mixin: a widget that is not shown takes no touch. Kivy lets a disabled widget swallow the
    touches that hit it, and a widget shrunk to nothing may still have children where it was; so
    whatever is hidden lets touches through to what a person sees there."""

    def on_touch_down(self, touch):
        if not shown(self):
            return False
        return super().on_touch_down(touch)


class WithPictogram:
    """Mixin for a button: `icon` names a pictogram (screens/widgets/pictograms.py), drawn at the
    left of the words by the button's kv rule, `icon_size` pixels high."""

    icon = StringProperty("")
    icon_size = NumericProperty(0)  # pixels; set by the kv rule from the button's height
    icon_texture = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fbind("icon", self._render_icon)
        self.fbind("icon_size", self._render_icon)
        self._render_icon()

    def _render_icon(self, *_args) -> None:
        from screens.widgets.pictograms import texture

        self.icon_texture = texture(self.icon, self.icon_size) if self.icon else None


class BigButton(WithPictogram, TouchWhenShown, Button):
    """A large, high-contrast button; `primary` for the one main action of a screen; `icon` a
    pictogram drawn at its left, the words centred beside it."""

    primary = BooleanProperty(False)
    kid = StringProperty("")  # stable id for tests and logs
    text_sp = NumericProperty(theme.BODY)
    large_text_grows = BooleanProperty(True)


class BodyLabel(Label):
    text_sp = NumericProperty(theme.BODY)  # font size in sp (common.kv scales it with large text)
    ink = ObjectProperty(theme.TEXT)  # text colour (common.kv swaps it for high contrast)


class TitleLabel(Label):
    text_sp = NumericProperty(theme.TITLE)
    ink = ObjectProperty(theme.TEXT)


class TopBar(BoxLayout):
    pass


class BarButton(WithPictogram, TouchWhenShown, Button):
    """A button of a top bar (may be hidden, e.g. 'end assisted mode' when nobody assists), its
    pictogram at the left of its words."""

    kid = StringProperty("")


class StepIndicator(BoxLayout):
    """'Bước 2/4' with one dot per step."""

    step = NumericProperty(1)
    steps = NumericProperty(1)
    labels = ListProperty([])


class NoticeBand(Label):
    pass


class Spring(Widget):
    """Empty room in a vertical BoxLayout: `stretch` is its share of the free height, 0 for none
    (e.g. `stretch: 1 if app.portrait else 0` pushes what follows to the lower half in portrait).
    Setting size_hint_y to None alone would keep the height the layout last gave it."""

    stretch = NumericProperty(1)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fbind("stretch", self._apply)
        self._apply()

    def _apply(self, *_args) -> None:
        if self.stretch > 0:
            self.size_hint_y = self.stretch
        else:
            self.size_hint_y, self.height = None, 0
