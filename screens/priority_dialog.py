from kivy.uix.modalview import ModalView


class PriorityDialog(ModalView):
    """Choose a priority category; all of them are confirmed by staff at the counter."""
