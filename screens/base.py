"""The base of every kiosk screen: forgets what a citizen typed when the session is wiped."""

from kivy.uix.screenmanager import Screen
from kivy.uix.textinput import TextInput

from screens.widgets import theme


class KioskScreen(Screen):
    def __init__(self, **kwargs) -> None:
        theme.fit()  # sizes in dp and sp follow the window this screen is built for
        super().__init__(**kwargs)

    def reset(self) -> None:
        """Clear every text field on this screen; screens with more state extend this."""
        for widget in self.walk(restrict=True):
            if isinstance(widget, TextInput):
                widget.text = ""
