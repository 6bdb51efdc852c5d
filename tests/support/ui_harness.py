"""Drive the real Kivy app offscreen: start it once per test session, tap widgets by id with
real touches through the window's input queue, advance frames, take screenshots.

Kivy allows one window per process, so the app is session-scoped; `kiosk_ui` resets it to a
fresh home screen before each test.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import pytest

from kiosk import config, kivy_setup


def ui_settings(state_dir: Path, **sections: dict) -> config.Settings:
    base = {
        "display": {"maxfps": 60, "fullscreen": "no", "width": 1024, "height": 600},
        "printer": {"connection": f"preview:{state_dir / 'previews'}"},
        "scanner": {"connection": "none"},
        "office": {"url": "http://127.0.0.1:9"},  # unreachable unless a test brings an office
        "kiosk": {"state_dir": str(state_dir)},
    }
    for name, values in sections.items():
        base[name] = {**base.get(name, {}), **values}
    return config.parse(base, "tests")


class Driver:
    def __init__(self, app: Any) -> None:
        self.app = app

    @property
    def window(self) -> Any:
        from kivy.core.window import Window

        return Window

    def frames(self, n: int = 2) -> None:
        from kivy.base import EventLoop

        for _ in range(n):
            EventLoop.idle()

    def wait_until(self, cond: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Advance frames until cond() is truthy (background jobs post back via the Clock)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.frames(1)
            value = cond()
            if value:
                return value
        raise AssertionError(f"condition not met within {timeout} s")

    def widgets(self) -> list:
        """Every widget now on the window: the current screen and any open dialogs."""
        return [w for child in self.window.children for w in child.walk()]

    def find(self, name: str) -> Any:
        for w in self.widgets():
            if getattr(w, "kid", "") == name:
                return w
            ids = getattr(w, "ids", None)
            if ids and name in ids and ids[name].get_root_window() is not None:
                return ids[name]
        raise LookupError(f"no widget {name!r} on screen {self.app.root.current!r}")

    def has(self, name: str) -> bool:
        try:
            self.find(name)
            return True
        except LookupError:
            return False

    def tap(self, name_or_widget: Any) -> None:
        from kivy.tests.common import UnitTestTouch

        from kivy.uix.scrollview import ScrollView

        w = self.find(name_or_widget) if isinstance(name_or_widget, str) else name_or_widget
        self.frames(1)  # let layouts settle so the widget is where it is drawn
        while self.app.tap_guard_active():  # a person does not tap a screen in its first 0.4 s
            self.frames(1)
        parent = w.parent
        while parent is not None and not isinstance(parent, ScrollView):
            parent = None if parent.parent is parent else parent.parent  # the Window is its own parent
        if parent is not None:  # a person scrolls a list before tapping what is further down
            parent.scroll_to(w, padding=10, animate=False)
            self.frames(2)
        x, y = w.to_window(*w.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        self.frames(1)
        touch.touch_up()
        self.frames(2)

    def type_keys(self, text: str) -> None:
        """Type on the on-screen keyboard as a person does (Telex), switching between its letters
        and digits layouts when the next key is not shown."""
        for ch in text:
            if ch == " ":
                self.tap("key-space")
                continue
            key = f"key-{ch.lower()}"
            if not self.has(key):
                self.tap("key-layout-letters" if ch.isalpha() else "key-layout-digits")
            if ch.isupper():
                self.tap("key-shift")
            self.tap(key)

    def double_tap(self, name: str) -> None:
        """Two quick taps on the same spot, a few frames (about 50 ms) apart, as an impatient
        finger does: the second lands on whatever the first tap's result put there."""
        from kivy.tests.common import UnitTestTouch

        w = self.find(name)
        while self.app.tap_guard_active():
            self.frames(1)
        x, y = w.to_window(*w.center)
        for _ in range(2):
            touch = UnitTestTouch(x, y)
            touch.touch_down()
            self.frames(1)
            touch.touch_up()
            self.frames(2)
        self.frames(2)

    def texts(self) -> list[str]:
        """What a person can read: the text of every label and button on the window."""
        from kivy.uix.label import Label

        return [w.text for w in self.widgets() if isinstance(w, Label) and w.text]

    def all_text(self) -> str:
        return "\n".join(self.texts())

    def key(self, key: int, modifiers: list[str] | None = None) -> bool:
        """Dispatch a key as SDL would; returns whether a handler swallowed it."""
        return bool(self.window.dispatch("on_keyboard", key, 0, "", modifiers or []))

    def resize(self, width: int, height: int) -> None:
        """Make the window width×height: the app builds its screens anew for it (KioskApp.relayout),
        as a kiosk started on such a screen builds them (dp, sp and the arrangement follow the
        window), and is back on a fresh home screen."""
        self.app.end_session()
        self.window.size = (width, height)
        self.frames(3)
        assert tuple(self.window.size) == (width, height), f"window is {self.window.size}"
        self.app.relayout()  # a no-op when the size change already did it
        self.frames(3)

    def screenshot(self, path: Path) -> Path:
        self.frames(3)
        saved = self.window.screenshot(str(path))  # Kivy appends 0001 to the name
        return Path(saved)


_app_holder: dict[str, Any] = {}


def start_app(settings: config.Settings, **kwargs: Any) -> Any:
    kivy_setup.apply(kivy_setup.kivy_options(settings, windowed=True))
    from kivy.base import runTouchApp

    from kiosk.app import KioskApp

    from kiosk.link.client import OfficeClient

    kwargs.setdefault("client", OfficeClient(settings.office.url, settings.kiosk.api_key, settings.kiosk.id,
                                             timeout=1.0, retries=0))
    app = KioskApp(settings, **kwargs)
    app._run_prepare()
    runTouchApp(embedded=True)
    return app


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real office service (embedded: uvicorn in a thread, SQLite) with the demo data."""
    from kiosk.office.embedded import start_embedded

    tmp = tmp_path_factory.mktemp("office")
    office = start_embedded(ui_settings(tmp), database_url=f"sqlite:///{tmp}/office.db", demo=True)
    yield office
    office.stop()


@pytest.fixture(scope="session")
def kiosk_session_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    state = tmp_path_factory.mktemp("kiosk-state")
    app = start_app(ui_settings(state))
    yield app
    app.stop()


@pytest.fixture
def kiosk_ui(kiosk_session_app: Any) -> Driver:
    app = kiosk_session_app
    drv = Driver(app)
    app.lang = app.settings.display.language
    app.session.idle_timeout = app.settings.display.idle_timeout
    app.session.idle_countdown = app.settings.display.idle_countdown
    app.end_session()
    drv.frames(2)
    return drv
