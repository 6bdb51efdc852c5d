from kivy.app import App
from kivy.properties import ListProperty, StringProperty
from kivy.uix.modalview import ModalView

from screens.widgets import BigButton


class SearchDialog(ModalView):
    """Type part of a procedure's name on the Vietnamese keyboard; matches appear as buttons."""

    query = StringProperty("")
    matches = ListProperty([])  # [(code, name)]
    empty_text = StringProperty("")

    def on_kv_post(self, _base) -> None:
        kb = self.ids.keyboard
        kb.target = self.ids.search_query
        kb.bind(on_text=lambda _kb, text: App.get_running_app().search_procedures(text))
        kb.bind(on_ok=lambda _kb, _text: App.get_running_app().close_procedure_search())

    def on_matches(self, *_args) -> None:
        box = self.ids.matches
        box.clear_widgets()
        for code, name in self.matches[:3]:
            b = BigButton(text=name, kid=f"match_{code}", height=76, font_size=26)
            b.bind(on_release=lambda _b, c=code: App.get_running_app().search_chosen(c))
            box.add_widget(b)
