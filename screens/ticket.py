from kivy.properties import BooleanProperty, StringProperty

from screens.base import KioskScreen


class TicketScreen(KioskScreen):
    """Step 2: the number, very large, with where to go and how long to wait."""

    number = StringProperty("")
    service_name = StringProperty("")
    counters = StringProperty("")
    ahead = StringProperty("")
    priority_text = StringProperty("")
    print_state = StringProperty("")  # printing | printed | failed
    can_reprint = BooleanProperty(False)
    print_text = StringProperty("")  # ticket.kv: the printer's state in words
    note_beside = BooleanProperty(False)  # ticket.kv: that sentence beside "Xong" rather than above

    def reset(self) -> None:
        super().reset()
        self.number = self.service_name = self.counters = self.ahead = ""
        self.priority_text = self.print_state = ""
        self.can_reprint = False
