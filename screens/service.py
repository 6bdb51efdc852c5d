from kivy.properties import BooleanProperty, ListProperty, StringProperty

from screens.base import KioskScreen
from screens.widgets.common import BigButton
from screens.widgets.pictograms import field_icon


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
            button.bind(on_release=lambda _b, code=s["code"]: App.get_running_app().ticket.take(code))
            grid.add_widget(button)

    def reset(self) -> None:
        super().reset()
        self.priority_text = ""
        self.elderly_offer = False
        self.busy = False
