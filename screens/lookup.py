from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from screens.base import KioskScreen
from screens.widgets.vnkeyboard import VNKeyboard


class LookupScreen(KioskScreen):
    """Status look-up: scan the receipt or the ID card, or type the dossier code.

    While a result is on show the keyboard is out of the layout, so the result has the room;
    'Gõ mã khác' brings the keyboard back for another code.

    A card scanned here first asks for its confirmation (`confirming`): the last 4 digits of the
    phone number on the dossier, or the code on the slip, typed on the keyboard (digits first)."""

    code = StringProperty("")
    results = ListProperty([])  # already formatted paragraphs
    confirming = BooleanProperty(False)  # a scanned card waits for the phone's digits or the slip's code
    confirm_failed = BooleanProperty(False)  # what was typed opened nothing: the hint says what to do

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        self._keyboard = next(w for w in self.walk(restrict=True) if isinstance(w, VNKeyboard))
        self._keyboard_parent = self._keyboard.parent
        kb.target = self.ids.lookup_code
        kb.bind(on_text=lambda _kb, text: setattr(self, "code", text))
        kb.bind(on_ok=lambda _kb, text: App.get_running_app().lookup.find(text))

    def on_results(self, *_args) -> None:
        kb, parent = self._keyboard, self._keyboard_parent
        if self.results and kb.parent is not None:
            kb.parent.remove_widget(kb)
        elif not self.results and kb.parent is None:
            parent.add_widget(kb)
        if not self.results:
            self.ids.results_scroll.height = 0  # the height it had while stretched would stay
        self.ids.results_scroll.scroll_y = 1

    def on_confirming(self, _screen, confirming: bool) -> None:
        self.confirm_failed = False
        if not hasattr(self, "_keyboard"):  # set while the kv rules are applied
            return
        self._keyboard.set_text("")
        self._keyboard.layout = "digits" if confirming else "letters"

    def on_code(self, _screen, code: str) -> None:
        if not code and hasattr(self, "_keyboard") and self._keyboard.text:  # the flow cleared a wrong confirmation
            self._keyboard.set_text("")

    def type_again(self) -> None:
        """Clear the code and the result (and a card's confirmation step); the keyboard comes back."""
        App.get_running_app().activity()
        self.results = []
        self.confirming = False
        self.code = ""
        self._keyboard.set_text("")

    def reset(self) -> None:
        super().reset()
        self.code = ""
        self.results = []
        self.confirming = False
        self._keyboard.set_text("")
