"""Kivy settings derived from the kiosk config, applied before the window exists.

`kivy_options` is plain data (testable without Kivy); `apply` writes it into kivy.config.
"""

from __future__ import annotations

import os
from typing import Any

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


def install_frame_rate(policy: Any) -> None:
    """Give Kivy's Clock the frame-rate policy's sleep (kiosk.framerate.FrameRate.sleep) between
    frames at the low rate: it ends as soon as another thread posts work (Clock.schedule_once(fn, 0)
    from a scanner's reader or a job: seen through the Clock's on_schedule hook), and does not
    begin while input read from SDL waits for dispatch. At full rate Kivy sleeps its own way. The
    rate itself is set through set_max_fps (Clock.idle reads `_max_fps` at each frame)."""
    import threading

    from kivy.base import EventLoop
    from kivy.clock import Clock

    posted = threading.Event()
    ui_thread = threading.main_thread()
    kivy_usleep = Clock.usleep

    def on_schedule(event: Any) -> None:  # called by the Clock for every event scheduled, any thread
        if policy.idle and not event.timeout and threading.current_thread() is not ui_thread:
            posted.set()

    def nap(seconds: float) -> bool:
        if posted.wait(seconds):
            posted.clear()
            return True
        return False

    def pending() -> bool:  # a touch queued, or read from SDL by the window and not yet dispatched
        return bool(EventLoop.input_events) or any(getattr(p, "waiting_event", None)
                                                   for p in EventLoop.input_providers)

    def usleep(microseconds: float) -> None:
        if not policy.idle:  # full rate: Kivy's own sleep, cheaper than a wait on an Event; posted
            kivy_usleep(microseconds)  # work waits at most one frame, as in any Kivy app
            return
        # Kivy ends each sleep 4/5·1/(3·fps) early ("10 fps" ran at 13.6/s): 10 it is
        seconds = max(microseconds / 1e6, 1.0 / policy.fps - (Clock.time() - Clock._last_tick))
        if policy.sleep(seconds, pending, nap):
            # Clock.idle compares with the rate it read before sleeping: make this frame due now
            Clock._last_tick = Clock.time() - 1.0 / policy.idle_fps

    Clock.on_schedule = on_schedule
    Clock.usleep = usleep


def set_max_fps(fps: float) -> None:
    """Kivy's frame-rate cap, at run time (Config's maxfps is only read when the Clock is made)."""
    from kivy.clock import Clock

    Clock._max_fps = float(fps)
