from screens.base import KioskScreen


class HomeScreen(KioskScreen):
    """Welcome: one main action (take a number), two others, and the scan hint."""
