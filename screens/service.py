from kivy.properties import BooleanProperty, ListProperty, StringProperty

from screens.base import KioskScreen
from screens.widgets.common import BigButton
from screens.widgets import theme
from screens.widgets.pictograms import field_icon
from screens.widgets.theme import dp


class ServiceScreen(KioskScreen):
    """Step 1 of taking a number: one big button per field (lĩnh vực) of the office."""

    services = ListProperty([])  # [{"code", "prefix", "name_vi", "name_en"}] from the office
    priority_text = StringProperty("")  # the chosen priority, shown in a band
    elderly_offer = BooleanProperty(False)
    busy = BooleanProperty(False)  # a ticket is being issued: taps are ignored meanwhile

    def on_services(self, *_args) -> None:
        self._fill()

    def on_lang_change(self) -> None:
        self._fill()

    def _fill(self) -> None:
        from kivy.app import App

        grid = self.ids.service_grid
        grid.clear_widgets()
        lang = App.get_running_app().lang
        for s in self.services:
            name = s.get(f"name_{lang}") or s.get("name_vi", "")
            button = BigButton(text=f"{s.get('prefix', '')}   {name}", kid=f"service_{s['code']}",
                               icon=field_icon(s["code"]))
            # large text: a field's name on two or three lines makes its button taller
            button.bind(texture_size=lambda b, size: setattr(b, "height", max(dp(theme.BUTTON_H), size[1] + dp(8))))
            button.bind(on_release=lambda _b, code=s["code"]: App.get_running_app().ticket.take(code))
            grid.add_widget(button)

    def reset(self) -> None:
        super().reset()
        self.priority_text = ""
        self.elderly_offer = False
        self.busy = False
