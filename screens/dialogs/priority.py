from screens.dialogs.base import KioskDialog


class PriorityDialog(KioskDialog):
    """Choose a priority category; all of them are confirmed by staff at the counter.

    PriorityDialog(on_choose=fn(category or None))."""

    __events__ = ("on_choose",)

    def on_choose(self, category: str | None) -> None:
        pass
