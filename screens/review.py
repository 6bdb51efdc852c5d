from kivy.app import App
from kivy.properties import ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from screens.widgets import theme
from screens.widgets.theme import dp, sp
from screens.base import KioskScreen
from screens.widgets.common import BigButton


class ReviewScreen(KioskScreen):
    """Every answer on one page, each with 'Sửa'; then 'Gửi hồ sơ'."""

    title = StringProperty("")
    rows = ListProperty([])  # [(path, label, value, error)]
    step = NumericProperty(1)
    steps = NumericProperty(1)

    def on_rows(self, *_args) -> None:
        app = App.get_running_app()
        box = self.ids.review_rows
        box.clear_widgets()
        for path, label, value, error in self.rows:
            row = BoxLayout(size_hint_y=None, height=dp(84), spacing=dp(10))
            text = f"[color=#444a55]{label}[/color]\n[b]{value or '—'}[/b]"
            if error:
                text += f"\n[color=#b00020]{error}[/color]"
                row.height = dp(120)
            row.add_widget(Label(text=text, markup=True, color=theme.TEXT, font_size=sp(26),
                                 text_size=(None, None), halign="left", valign="middle",
                                 size_hint_x=0.8, shorten=False))
            row.children[0].bind(size=lambda lbl, size: setattr(lbl, "text_size", (size[0], None)))
            edit = BigButton(text=app.t("dossier.edit"), kid=f"edit_{path}", height=dp(76), size_hint_x=0.2)
            edit.bind(on_release=lambda _b, p=path: app.dossier.form_edit(p))
            row.add_widget(edit)
            box.add_widget(row)

    def reset(self) -> None:
        super().reset()
        self.title = ""
        self.rows = []
