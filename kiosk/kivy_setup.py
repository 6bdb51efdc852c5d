"""Kivy settings derived from the kiosk config, applied before the window exists.

`kivy_options` is plain data (testable without Kivy); `apply` writes it into kivy.config.
"""

from __future__ import annotations

import os

from kiosk.config import Settings

# Set before the first `import kivy`: no argv parsing, no log files, no ~/.kivy config writes.
# KIVY_LOG_MODE=PYTHON: Kivy's messages go through the logging the CLI set up (INFO, DEBUG with -v);
# Kivy's default mode would open the root logger to every DEBUG line and take over sys.stderr.
KIVY_ENV = {"KIVY_NO_ARGS": "1", "KIVY_NO_FILELOG": "1", "KIVY_NO_CONSOLELOG": "0", "KIVY_LOG_MODE": "PYTHON"}


def kivy_options(settings: Settings, *, windowed: bool = False) -> dict[tuple[str, str], str]:
    d = settings.display
    fullscreen = {"auto": "auto", "yes": "1", "no": "0"}[d.fullscreen]
    if windowed:
        fullscreen = "0"
    return {
        ("kivy", "exit_on_escape"): "0",  # Esc must not leave the kiosk
        ("kivy", "keyboard_mode"): "system",  # our own on-screen keyboard, never Kivy's
        ("kivy", "pause_on_minimize"): "0",
        ("graphics", "fullscreen"): fullscreen,
        ("graphics", "width"): str(d.width),
        ("graphics", "height"): str(d.height),
        ("graphics", "rotation"): str(d.rotation),
        ("graphics", "maxfps"): str(d.maxfps),
        ("graphics", "show_cursor"): "1" if d.show_cursor else "0",
        ("graphics", "resizable"): "0",
        # One provider for touches: under KMS/DRM, SDL already turns touches into mouse
        # events, and probesysfs would open the same device again (every tap twice).
        # multitouch_on_demand: no red dots on right click.
        ("input", "mouse"): "mouse,multitouch_on_demand",
    }


def apply(options: dict[tuple[str, str], str]) -> None:
    for key, value in KIVY_ENV.items():
        os.environ.setdefault(key, value)
    from kivy.config import Config

    for section in ("kivy", "graphics", "input"):
        if not Config.has_section(section):
            Config.add_section(section)
    # Drop every other input provider (probesysfs, mtdev...) so a tap arrives once.
    for name, _ in list(Config.items("input")):
        if name != "mouse":
            Config.remove_option("input", name)
    for (section, key), value in options.items():
        Config.set(section, key, value)
