"""The base of every kiosk dialog: opened and closed without animation (a kiosk's touch panel
and a Pi's GPU gain nothing from it), with its callbacks passed in as `on_*` events."""

from kivy.uix.modalview import ModalView


class KioskDialog(ModalView):
    def show(self) -> "KioskDialog":
        self.open(animation=False)
        return self

    def close(self) -> None:
        self.dismiss(animation=False)
