"""What every flow shares: the parts of the kiosk (`Kiosk`), the UI port (`Shell`) and a `Flow` base.

Flows are plain objects. They never import Kivy or a screen: timers, dialogs and navigation come
through the Shell, which the Kivy App implements (tests use a recording double). Blocking work
goes to `Kiosk.jobs` on worker threads; its answer comes back on the UI thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from kiosk.domain.ward import WardIdentity

log = logging.getLogger(__name__)


class Cancel(Protocol):
    def cancel(self) -> None: ...


class Dialog(Protocol):
    """An open dialog: flows set its shown values as attributes and close it."""

    def close(self) -> None: ...


class Shell(Protocol):
    """The UI edge as flows see it. All calls happen on the UI thread."""

    lang: str

    def go(self, name: str) -> None:
        """Show the screen called name (built on first use)."""

    def screen(self, name: str) -> Any:
        """The screen called name, whose properties a flow fills in."""

    def current(self) -> str:
        """The name of the screen on show."""

    def t(self, key: str, **values: Any) -> str:
        """Text in the UI language."""

    def show_notice(self, text: str, seconds: float = ...) -> None:
        """One plain sentence in the notice band; it is spoken too."""

    def say(self, text: str) -> None:
        """Speak text in the UI language (kiosk/voice), cutting what was being said."""

    def clear_notice(self) -> None: ...

    def activity(self) -> None:
        """A citizen did something: restart the idle clock."""

    def later(self, seconds: float, fn: Callable[[], None]) -> Cancel:
        """Run fn once on the UI thread after seconds."""

    def every(self, seconds: float, fn: Callable[[], None]) -> Cancel:
        """Run fn on the UI thread every seconds until cancelled."""

    def open_dialog(self, name: str, **values: Any) -> Dialog:
        """Open a dialog; `on_*` values are its callbacks, called with the dialog's values only."""

    def set_volunteer_band(self, text: str) -> None:
        """The band naming the volunteer on every screen ("" hides it)."""

    def show_ward(self, ward: Any) -> None:
        """The ward's identity changed (an admin's change, brought by a heartbeat): relabel the top bar."""

    def end_session(self) -> None:
        """Wipe the citizen's session and return home."""

    def end_session_after(self, seconds: float) -> None:
        """End the session after seconds unless something else ends it first (one such timer)."""


@dataclass
class Kiosk:
    """The kiosk's parts that flows share. The printer is never None (devices' NullPrinter)."""

    settings: Any
    session: Any  # kiosk.domain.session.CitizenSession
    jobs: Any  # kiosk.system.jobs.Jobs
    client: Any = None  # kiosk.link.client.OfficeClient
    printer: Any = None
    outbox: Any = None  # kiosk.link.outbox.Outbox
    sender: Any = None  # kiosk.link.outbox.Sender
    public_base_url: str = ""
    catalogue: Any = None  # the procedure catalogue in use; set on the UI thread only
    services: list[dict] = field(default_factory=list)  # last copy from the office
    # the ward's identity (kiosk.domain.ward.WardIdentity): the office's once a heartbeat brought it,
    # the config's [ward] until then or while the office is unreachable; set on the UI thread only
    ward: Any = None

    def __post_init__(self) -> None:
        if self.ward is None:
            self.ward = WardIdentity.from_config(getattr(self.settings, "ward", None))

    def submit_for_session(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None],
                           on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run fn on a worker for the current citizen. If the session ends before it answers,
        the answer is dropped: the next citizen never sees the previous one's ticket or dossier."""
        session_id = self.session.id

        def mine(callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
            if callback is None:
                return None
            return lambda value: callback(value) if self.session.id == session_id else None

        self.jobs.submit(fn, *args, on_done=mine(on_done), on_error=mine(on_error))


def print_blocks(printer: Any, blocks: list, job: str) -> tuple[bool, str]:
    """Worker thread: print blocks; (ok, what went wrong). A NullPrinter answers "offline"."""
    result = printer.print_blocks(blocks, job)
    return result.ok, "" if result.ok else str(result.fault)


class Flow:
    """Base of the flow objects: the shared parts, the UI port, the office-failure notice."""

    def __init__(self, kiosk: Kiosk, shell: Shell) -> None:
        self.kiosk = kiosk
        self.shell = shell

    @property
    def session(self) -> Any:
        return self.kiosk.session

    @property
    def lang(self) -> str:
        return self.shell.lang

    def t(self, key: str, **values: Any) -> str:
        return self.shell.t(key, **values)

    def office_failed(self, exc: BaseException, quiet: bool = False) -> None:
        log.warning("office service: %s", exc)
        if not quiet:
            self.shell.show_notice(self.t("notice.office_offline"))

    def reset(self) -> None:
        """The session ended: forget dialogs and timers that belonged to it."""
