from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView


class CardDialog(ModalView):
    """The scanned card's details to confirm, with 'Không phải tôi' to discard them."""

    name = StringProperty("")
    masked_id = StringProperty("")
    dob = StringProperty("")
    address = StringProperty("")
    warning = StringProperty("")

    def on_dismiss(self) -> None:
        # nothing personal stays in a widget once the dialog is gone
        self.name = self.masked_id = self.dob = self.address = self.warning = ""
