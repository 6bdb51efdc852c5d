from kivy.properties import BooleanProperty, StringProperty

from screens.dialogs.base import KioskDialog


class CardDialog(KioskDialog):
    """The scanned card's details to confirm, with 'Không phải tôi' to discard them.

    CardDialog(name=..., on_confirm=fn, on_reject=fn)."""

    __events__ = ("on_confirm", "on_reject")

    name = StringProperty("")
    masked_id = StringProperty("")
    dob = StringProperty("")
    address = StringProperty("")
    warning = StringProperty("")
    replacing = BooleanProperty(False)  # a form already holds an applicant: the buttons say replace / keep

    def on_confirm(self) -> None:
        pass

    def on_reject(self) -> None:
        pass

    def on_dismiss(self) -> None:
        # nothing personal stays in a widget once the dialog is gone
        self.name = self.masked_id = self.dob = self.address = self.warning = ""
