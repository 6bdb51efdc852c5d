from kivy.app import App
from kivy.properties import ListProperty, NumericProperty, StringProperty

from screens.base import KioskScreen
from screens.widgets.common import BigButton
from screens.widgets.vnkeyboard import VNKeyboard


class FormScreen(KioskScreen):
    """One form field a page: its label, hint, the value being typed on the Vietnamese keyboard
    (or big buttons for a choice), and a plain error sentence when it is not right."""

    step = NumericProperty(1)
    steps = NumericProperty(1)
    group = StringProperty("")
    label = StringProperty("")
    hint = StringProperty("")
    value = StringProperty("")
    error = StringProperty("")
    widget = StringProperty("text")  # text | digits | date | textarea | choice | address
    choices = ListProperty([])  # [(value, label)]
    note = StringProperty("")  # the card's address page: its current name, or why to check it
    step_text = StringProperty("")  # "Bước 2/7 · Người yêu cầu" (form.kv): in the bar, or under it in portrait

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        # the keyboard leaves the layout on choice pages: keep the widget itself (ids are weak)
        self._keyboard = next(w for w in self.walk(restrict=True) if isinstance(w, VNKeyboard))
        self._keyboard_parent = self._keyboard.parent
        kb.bind(on_text=lambda _kb, text: App.get_running_app().dossier.form_input(text))
        kb.bind(on_ok=lambda _kb, _text: App.get_running_app().dossier.form_next())

    def show(self, widget: str, value: str, choices: list) -> None:
        """Set up the page for one field (called by the app on every page change)."""
        self.widget = widget
        self.choices = choices
        self.value = value
        kb = self.ids.keyboard
        kb.input_type = "digits" if widget == "digits" else "text"
        kb.layout = "digits" if widget in ("digits", "date") else "letters"
        kb.auto_capitalize = False
        kb.target = self.ids.field_value
        kb.set_text(value)
        kb.rebuild()
        self._show_keyboard(widget not in ("choice", "address"))
        box = self.ids.choice_box
        box.clear_widgets()
        address = widget == "address"  # the card's address: its buttons answer at once, the first leads
        for n, (val, label) in enumerate(choices):
            b = BigButton(text=label, kid=f"{'address' if address else 'choice'}_{val}",
                          primary=n == 0 if address else val == value)
            if address:
                b.bind(on_release=lambda _b, v=val: App.get_running_app().dossier.address_choose(v))
            else:
                b.bind(on_release=lambda _b, v=val: App.get_running_app().dossier.form_choose(v))
            box.add_widget(b)

    def _show_keyboard(self, visible: bool) -> None:
        """A choice page has no keyboard: it is taken out of the layout, so it neither takes room
        nor touches (a disabled or zero-height Kivy widget still swallows the taps that hit it)."""
        kb, parent = self._keyboard, self._keyboard_parent
        if visible and kb.parent is None:
            parent.add_widget(kb)  # back at the bottom, under the page
        elif not visible and kb.parent is not None:
            kb.parent.remove_widget(kb)

    def reset(self) -> None:
        super().reset()
        self.group = self.label = self.hint = self.value = self.error = self.note = ""
        self.choices = []
        self.ids.choice_box.clear_widgets()
        self.ids.keyboard.set_text("")
