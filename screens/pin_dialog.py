from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView


class PinDialog(ModalView):
    """A volunteer types their PIN on a digits keyboard (fallback for a forgotten badge)."""

    masked = StringProperty("")

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        kb.bind(on_text=lambda _kb, text: setattr(self, "masked", "•" * len(text)))
        kb.bind(on_ok=lambda _kb, text: App.get_running_app().volunteer_pin_entered(text))

    def on_dismiss(self) -> None:
        self.ids.keyboard.set_text("")  # the PIN never stays in a widget
        self.masked = ""
