from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from screens.widgets.theme import dp
from screens.base import KioskScreen
from screens.widgets.common import BigButton, BodyLabel


class ReviewScreen(KioskScreen):
    """Every answer on one page, each with 'Sửa'; then 'Gửi hồ sơ'."""

    title = StringProperty("")
    rows = ListProperty([])  # [(path, label, value, error)]
    step = NumericProperty(1)
    steps = NumericProperty(1)
    high_contrast = BooleanProperty(False)  # app.large_text (review.kv): the labels' grey turns black

    def on_rows(self, *_args) -> None:
        app = App.get_running_app()
        box = self.ids.review_rows
        box.clear_widgets()
        grey = "#000000" if self.high_contrast else "#444a55"
        for path, label, value, error in self.rows:
            text = f"[color={grey}]{label}[/color]\n[b]{value or '—'}[/b]"
            if error:
                text += f"\n[color=#b00020]{error}[/color]"
            label_widget = BodyLabel(text=text, markup=True, size_hint_x=0.8, pos_hint={"center_y": 0.5})
            # the row as tall as its answer needs (large text wraps it), at least 84 dp
            row = BoxLayout(size_hint_y=None, height=dp(84), spacing=dp(10))
            label_widget.bind(height=lambda _l, h, row=row: setattr(row, "height", max(dp(84), h + dp(4))))
            row.add_widget(label_widget)
            edit = BigButton(text=app.t("dossier.edit"), kid=f"edit_{path}", height=dp(76), size_hint_x=0.2,
                             pos_hint={"center_y": 0.5})
            edit.bind(on_release=lambda _b, p=path: app.dossier.form_edit(p))
            row.add_widget(edit)
            box.add_widget(row)

    def on_high_contrast(self, *_args) -> None:
        self.on_rows()

    def reset(self) -> None:
        super().reset()
        self.title = ""
        self.rows = []
