"""The floor for the kiosk's start and idle figures: a bare Kivy app, a Label in a window,
with the same Kivy settings (from the same config file, through kiosk.kivy_setup) and maxfps.

It reports READY=1 to $NOTIFY_SOCKET the same way KioskApp does (Clock.schedule_once(..., 0)
from on_start), so both start times end at the same moment of the first frame.
Run: python bench/bare_kivy.py CONFIG.toml
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import kivy_setup  # noqa: E402

from kiosk.system import sdnotify  # noqa: E402
from kiosk.config import load  # noqa: E402


def main(config: str) -> int:
    settings = load(config)
    kivy_setup.apply(kivy_setup.kivy_options(settings))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.label import Label

    class BareApp(App):
        def build(self):
            return Label(text="Trung tâm Phục vụ hành chính công", font_size="32sp")

        def on_start(self):
            Clock.schedule_once(lambda _dt: sdnotify.ready(), 0)

    BareApp().run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
