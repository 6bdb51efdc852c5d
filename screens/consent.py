from kivy.properties import BooleanProperty, StringProperty

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from screens.base import KioskScreen


class ConsentToggle(ButtonBehavior, BoxLayout):
    """The whole row (box and sentence) is one big touch target."""


class ConsentScreen(KioskScreen):
    """What personal data is used, why and for how long; explicit consent, nothing pre-ticked."""

    text = StringProperty("")
    agreed = BooleanProperty(False)

    def reset(self) -> None:
        super().reset()
        self.text = ""
        self.agreed = False
