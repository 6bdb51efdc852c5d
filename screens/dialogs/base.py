"""The base of every kiosk dialog: opened and closed without animation (a kiosk's touch panel
and a Pi's GPU gain nothing from it), with its callbacks passed in as `on_*` events."""

from kivy.uix.modalview import ModalView

from screens.widgets import theme


class KioskDialog(ModalView):
    def __init__(self, **kwargs) -> None:
        theme.fit()  # sizes in dp and sp follow the window the dialog opens on
        super().__init__(**kwargs)

    def show(self) -> "KioskDialog":
        self.open(animation=False)
        return self

    def close(self) -> None:
        self.dismiss(animation=False)
