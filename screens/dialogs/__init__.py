"""Dialogs: each gets its callbacks from the caller (on_*), never calls the App by name."""
