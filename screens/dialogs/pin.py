from kivy.properties import StringProperty

from screens.dialogs.base import KioskDialog


class PinDialog(KioskDialog):
    """A volunteer types their PIN on a digits keyboard (fallback for a forgotten badge).

    PinDialog(on_pin=fn(pin), on_cancel=fn)."""

    __events__ = ("on_pin", "on_cancel")

    masked = StringProperty("")

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        kb.bind(on_text=lambda _kb, text: setattr(self, "masked", "•" * len(text)))
        kb.bind(on_ok=lambda _kb, text: self.dispatch("on_pin", text))

    def on_pin(self, pin: str) -> None:
        pass

    def on_cancel(self) -> None:
        pass

    def on_dismiss(self) -> None:
        self.ids.keyboard.set_text("")  # the PIN never stays in a widget
        self.masked = ""
