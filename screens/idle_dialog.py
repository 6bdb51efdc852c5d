from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView


class IdleDialog(ModalView):
    """'Bạn còn tiếp tục không?' with a countdown; the app drives `seconds`."""

    seconds = NumericProperty(0)
