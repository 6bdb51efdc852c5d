"""Kivy screens: one .py and one .kv per screen. Thin: they show state and forward intents to
the App's flow objects (`app.ticket`, `app.dossier`, ...).

dialogs/: the modal dialogs, each given its callbacks (on_*) by whoever opens it.
widgets/: what screens and dialogs share (buttons and labels, the theme, the Vietnamese keyboard).
"""
