"""Flow objects without Kivy: a recording Shell stands in for the UI edge; everything else is
real (an embedded office service on SQLite, the preview printer, the durable outbox, Jobs on
worker threads). The test's own thread plays the UI thread: jobs post their answers to a queue
that `ui.run_until` drains, so a callback that ran anywhere else would be caught.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from kiosk import i18n
from kiosk.domain.session import CitizenSession
from kiosk.flows.base import Kiosk
from kiosk.link.client import OfficeClient
from kiosk.system.jobs import Jobs
from ui_harness import ui_settings



class UiLoop:
    """The UI thread's queue of posted callbacks, run on the thread that made the loop."""

    def __init__(self) -> None:
        self.thread = threading.current_thread()
        self._posted: queue.Queue[Callable[[], None]] = queue.Queue()

    def post(self, fn: Callable[[], None]) -> None:
        self._posted.put(fn)

    def run_until(self, cond: Callable[[], Any], timeout: float = 15.0) -> Any:
        assert threading.current_thread() is self.thread
        end = time.monotonic() + timeout
        while True:
            value = cond()
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError(f"condition not met within {timeout} s")
            try:
                self._posted.get(timeout=0.05)()
            except queue.Empty:
                pass

    def settle(self, seconds: float = 0.3) -> None:
        """Run whatever arrives for a while (to see that nothing more happens)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self._posted.get(timeout=0.02)()
            except queue.Empty:
                pass


class Screen:
    """What a flow fills in on a screen; an attribute never set reads as None."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def show(self, kind: str, value: str, choices: list) -> None:
        """The form screen's one method: which input it shows, with what in it."""
        self.kind, self.value, self.choices = kind, value, choices


class Timer:
    def __init__(self, seconds: float, fn: Callable[[], None], repeat: bool) -> None:
        self.seconds, self.fn, self.repeat, self.cancelled = seconds, fn, repeat, False

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:
        assert not self.cancelled
        self.fn()


class Dialog:
    def __init__(self, name: str, values: dict[str, Any]) -> None:
        self.name = name
        self.callbacks = {k: v for k, v in values.items() if k.startswith("on_")}
        self.closed = False
        for k, v in values.items():
            if not k.startswith("on_"):
                setattr(self, k, v)

    def close(self) -> None:
        self.closed = True

    def press(self, event: str, *args: Any) -> None:
        """What a touch on the dialog would do."""
        self.callbacks[event](*args)


class RecordingShell:
    """The Shell port as a test double: records what a person would see."""

    def __init__(self, lang: str = "vi") -> None:
        self.lang = lang
        self.screens: dict[str, Screen] = {}
        self.shown: list[str] = []  # screens gone to, in order
        self.notices: list[str] = []
        self.notice = ""
        self.timers: list[Timer] = []
        self.dialogs: list[Dialog] = []
        self.band = ""
        self.wards: list[Any] = []  # identities shown in the top bar (show_ward)
        self.ended = 0
        self.end_after: float | None = None
        self.activity_count = 0
        self.said: list[str] = []

    def go(self, name: str) -> None:
        self.shown.append(name)

    def screen(self, name: str) -> Screen:
        return self.screens.setdefault(name, Screen())

    def current(self) -> str:
        return self.shown[-1] if self.shown else "home"

    def t(self, key: str, **values: Any) -> str:
        return i18n.tr(key, self.lang, **values)

    def show_notice(self, text: str, seconds: float = 12) -> None:
        self.notice = text
        self.notices.append(text)

    def clear_notice(self) -> None:
        self.notice = ""

    def say(self, text: str) -> None:
        self.said.append(text)

    def activity(self) -> None:
        self.activity_count += 1

    def later(self, seconds: float, fn: Callable[[], None]) -> Timer:
        self.timers.append(Timer(seconds, fn, repeat=False))
        return self.timers[-1]

    def every(self, seconds: float, fn: Callable[[], None]) -> Timer:
        self.timers.append(Timer(seconds, fn, repeat=True))
        return self.timers[-1]

    def open_dialog(self, name: str, **values: Any) -> Dialog:
        self.dialogs.append(Dialog(name, values))
        return self.dialogs[-1]

    def open(self, name: str) -> list[Dialog]:
        return [d for d in self.dialogs if d.name == name and not d.closed]

    def set_volunteer_band(self, text: str) -> None:
        self.band = text

    def show_ward(self, ward: Any) -> None:
        self.wards.append(ward)

    def end_session(self) -> None:
        self.ended += 1

    def end_session_after(self, seconds: float) -> None:
        self.end_after = seconds


@pytest.fixture(scope="package")
def flow_office(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One real office service (embedded: uvicorn in a thread, SQLite, demo data) for tests/flows."""
    from kiosk.office.embedded import start_embedded

    tmp = tmp_path_factory.mktemp("flow-office")
    office = start_embedded(ui_settings(tmp), database_url=f"sqlite:///{tmp}/office.db", demo=True)
    yield office
    office.stop()


@pytest.fixture
def ui() -> UiLoop:
    return UiLoop()


@pytest.fixture
def shell() -> RecordingShell:
    return RecordingShell()


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    """The preview printer's folder: a PNG and the raw ESC/POS bytes per printed slip."""
    return tmp_path / "paper"


@pytest.fixture
def kiosk(tmp_path: Path, flow_office: Any, ui: UiLoop, paper: Path) -> Kiosk:
    from devices.printer import open_printer

    settings = ui_settings(tmp_path, office={"url": flow_office.url})
    jobs = Jobs(ui.post)
    parts = Kiosk(settings, CitizenSession(), jobs,
                  client=OfficeClient(flow_office.url, "demo-kiosk-key", "kiosk-1", 5.0),
                  printer=open_printer(f"preview:{paper}"), public_base_url=flow_office.url)
    yield parts
    jobs.shutdown()
