from kivy.properties import NumericProperty

from screens.dialogs.base import KioskDialog


class IdleDialog(KioskDialog):
    """'Bạn còn tiếp tục không?' with a countdown; the caller drives `seconds`.

    IdleDialog(seconds=15, on_continue=fn, on_end=fn)."""

    __events__ = ("on_continue", "on_end")

    seconds = NumericProperty(0)

    def on_continue(self) -> None:
        pass

    def on_end(self) -> None:
        pass
