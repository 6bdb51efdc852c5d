"""Kivy screens: one .py and one .kv per screen. Thin: they show state and forward intents."""
