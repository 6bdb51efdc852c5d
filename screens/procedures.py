from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from screens.base import KioskScreen
from screens.widgets.common import BigButton
from screens.widgets import theme
from screens.widgets.pictograms import field_icon
from screens.widgets.theme import dp


class ProceduresScreen(KioskScreen):
    """The procedure list, filtered by field; each button opens the procedure's detail."""

    fields = ListProperty([])  # [(field_code, label)]
    field_filter = StringProperty("")
    procedures = ListProperty([])  # [(code, name)] already in the UI language
    empty_text = StringProperty("")
    large_text = BooleanProperty(False)  # app.large_text (procedures.kv)

    def on_large_text(self, *_args) -> None:
        """Large text: the fields' buttons, too tall now to leave the list room, scroll with it."""
        if "field_bar" not in self.ids:  # the rule is still being applied: on_kv_post does it
            return
        bar = self.ids.field_bar
        place = self.ids.fields_in_list if self.large_text else self.ids.fields_above
        if bar.parent is not place:
            bar.parent.remove_widget(bar)
            place.add_widget(bar)

    def on_kv_post(self, _base) -> None:
        self.on_large_text()

    def on_fields(self, *_args) -> None:
        bar = self.ids.field_bar
        bar.clear_widgets()
        for code, label in [("", App.get_running_app().t("dossier.all_fields"))] + list(self.fields):
            b = BigButton(text=label, kid=f"field_{code or 'all'}", primary=code == self.field_filter,
                          icon=self._icon(code) if code else "all_fields")
            # as tall as its name needs (two lines for "Culture and social affairs"), at least 64 dp;
            # set after the kv rule, which sizes primary buttons taller
            b.bind(texture_size=lambda btn, size: setattr(btn, "height", max(dp(64), size[1] + dp(16))))
            b.height = dp(64)
            b.bind(on_release=lambda _b, c=code: App.get_running_app().procedures.filter(c))
            bar.add_widget(b)

    def on_field_filter(self, *_args) -> None:
        self.on_fields()

    def on_procedures(self, *_args) -> None:
        box = self.ids.procedure_list
        box.clear_widgets()
        catalogue = App.get_running_app().catalogue
        for code, name in self.procedures:
            entry = catalogue.by_code(code) if catalogue is not None else None
            b = BigButton(text=name, kid=f"procedure_{code}", icon=self._icon(entry.field_code) if entry else "other")
            # as tall as its name needs (large text wraps long names), at least 76 dp
            b.bind(texture_size=lambda btn, size: setattr(btn, "height", max(dp(theme.TOUCH_MIN + 16),
                                                                             size[1] + dp(16))))
            b.height = dp(theme.TOUCH_MIN + 16)
            b.bind(on_release=lambda _b, c=code: App.get_running_app().procedures.open(c))
            box.add_widget(b)
        self.ids.procedure_scroll.scroll_y = 1

    @staticmethod
    def _icon(field_code: str) -> str:
        """A catalogue field's pictogram, by its code or its Vietnamese name."""
        catalogue = App.get_running_app().catalogue
        entry = next((p for p in catalogue or () if p.field_code == field_code), None)
        return field_icon(field_code, entry.field_vi if entry else "")

    def reset(self) -> None:
        super().reset()
        self.field_filter = ""
        self.empty_text = ""
