from kivy.properties import StringProperty

from screens.base import KioskScreen


class DossierResultScreen(KioskScreen):
    """After 'Gửi hồ sơ': the dossier code (or 'saved, will be sent') and what the declaration slip
    says: the next step, the papers to bring, the fee, the expected appointment."""

    title = StringProperty("")
    code = StringProperty("")
    detail = StringProperty("")
    print_note = StringProperty("")

    def reset(self) -> None:
        super().reset()
        self.title = self.code = self.detail = self.print_note = ""
