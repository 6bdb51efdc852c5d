from kivy.app import App
from kivy.properties import ListProperty, StringProperty

from screens.base import KioskScreen


class LookupScreen(KioskScreen):
    """Status look-up: scan the receipt or the ID card, or type the dossier code."""

    code = StringProperty("")
    results = ListProperty([])  # already formatted paragraphs

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        kb.target = self.ids.lookup_code
        kb.bind(on_text=lambda _kb, text: setattr(self, "code", text))
        kb.bind(on_ok=lambda _kb, text: App.get_running_app().lookup.find(text))

    def reset(self) -> None:
        super().reset()
        self.code = ""
        self.results = []
        self.ids.keyboard.set_text("")
