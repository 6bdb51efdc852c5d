"""Widgets shared by screens and dialogs: big buttons and labels, the theme, the Vietnamese keyboard."""
