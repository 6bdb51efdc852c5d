from kivy.properties import ListProperty, StringProperty

from screens.base import KioskScreen


class ProcedureScreen(KioskScreen):
    """One procedure: papers to bring, fee, time, where originals go; then its next step."""

    title = StringProperty("")
    action = StringProperty("declare")  # "declare" (submit the form here) or "prepare" (take a number)
    documents = ListProperty([])  # already formatted lines
    facts = ListProperty([])  # [(label, value)]
    tip = StringProperty("")

    def on_documents(self, *_args) -> None:
        self._fill()

    def on_facts(self, *_args) -> None:
        self._fill()

    def on_pre_enter(self, *_args) -> None:
        self.ids.details_scroll.scroll_y = 1  # every procedure opens at its top

    def _fill(self) -> None:
        from screens.widgets.common import BodyLabel

        box = self.ids.details
        box.clear_widgets()
        for line in self.documents:
            box.add_widget(BodyLabel(text=line, markup=True))
        for label, value in self.facts:
            box.add_widget(BodyLabel(text=f"[b]{label}:[/b] {value}", markup=True))
        self.ids.details_scroll.scroll_y = 1

    def reset(self) -> None:
        super().reset()
        self.title = self.tip = ""
        self.action = "declare"
        self.documents = []
        self.facts = []
