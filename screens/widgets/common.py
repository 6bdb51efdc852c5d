"""Shared widgets: big buttons, the top bar, the step indicator, the notice band."""

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label


class BigButton(Button):
    """A large, high-contrast button; `primary` for the one main action of a screen."""

    primary = BooleanProperty(False)
    kid = StringProperty("")  # stable id for tests and logs


class BodyLabel(Label):
    pass


class TitleLabel(Label):
    pass


class TopBar(BoxLayout):
    pass


class StepIndicator(BoxLayout):
    """'Bước 2/4' with one dot per step."""

    step = NumericProperty(1)
    steps = NumericProperty(1)
    labels = ListProperty([])


class NoticeBand(Label):
    pass
