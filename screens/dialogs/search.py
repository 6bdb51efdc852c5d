from kivy.properties import ListProperty, StringProperty

from screens.dialogs.base import KioskDialog
from screens.widgets.common import BigButton
from screens.widgets import theme
from screens.widgets.theme import dp


class SearchDialog(KioskDialog):
    """Type part of a procedure's name on the Vietnamese keyboard; matches appear as buttons.

    SearchDialog(on_search=fn(text), on_choose=fn(code), on_close=fn); the caller fills
    `query`, `matches` and `empty_text`."""

    __events__ = ("on_search", "on_choose", "on_close")

    query = StringProperty("")
    matches = ListProperty([])  # [(code, name)]
    empty_text = StringProperty("")

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        kb.target = None  # the query label shows a placeholder when empty: it is not the text typed
        kb.bind(on_text=lambda _kb, text: self.dispatch("on_search", text))
        kb.bind(on_ok=lambda _kb, _text: self.dispatch("on_close"))

    def on_matches(self, *_args) -> None:
        box = self.ids.matches
        box.clear_widgets()
        for code, name in self.matches[:6]:
            b = BigButton(text=name, kid=f"match_{code}", height=dp(theme.TOUCH_MIN + 10),
                          text_sp=theme.SMALL + 2)
            b.bind(on_release=lambda _b, c=code: self.dispatch("on_choose", c))
            box.add_widget(b)
        self.ids.matches_scroll.scroll_y = 1

    def on_search(self, text: str) -> None:
        pass

    def on_choose(self, code: str) -> None:
        pass

    def on_close(self) -> None:
        pass
