"""Start the kiosk: `kiosk run` (from its config) and `kiosk demo` (everything simulated).

Order matters: Kivy's config is applied before kiosk.app (and so kivy.core.window) is imported.
"""

from __future__ import annotations

import logging
import os
import functools
import sys
import threading
import time
from typing import Any

from kiosk import kivy_setup

from kiosk.system import signals as stopping
from kiosk.config import PUBLIC_URL_HINT, Settings

log = logging.getLogger(__name__)

# How long the kiosk's office calls wait for the embedded office to start (migrations on a Pi's SD
# card take seconds); after that they go ahead and fail as for an unreachable office.
OFFICE_START_WAIT = 60.0
# The embedded office starts this long after the kiosk's first frame: importing FastAPI and
# SQLAlchemy holds the GIL in bursts, and on a 2-core box it made the home screen 0.5 s later.
OFFICE_START_AFTER_FIRST_FRAME = 0.5


def demo_settings(settings: Settings) -> Settings:
    """The demo runs with a PNG-preview printer, a pty scanner and an embedded office."""
    return settings.model_copy(
        update={
            "printer": settings.printer.model_copy(update={"connection": "preview"}),
            "scanner": settings.scanner.model_copy(update={"connection": "pty"}),
            "office": settings.office.model_copy(update={"url": "embedded"}),
            # the demo's voice goes into a folder as WAV files, as its tickets go into previews
            "audio": settings.audio.model_copy(update={"output": f"file:{settings.kiosk.state_path() / 'voice-out'}"})
            if settings.audio.output == "default" else settings.audio,
        }
    )


class OfficeStarter:
    """Start the embedded office service in the background (`start()`, called once the home screen
    is on show), so the kiosk's window does not wait for FastAPI, SQLAlchemy and the migrations
    (seconds on a Pi). Its address is fixed up front;
    `ready` is set once it answers (or has failed to start), and the kiosk's client waits for it
    before its first request (`WaitForOffice`), so the first seconds log no connection failures."""

    def __init__(self, settings: Settings, *, demo: bool) -> None:
        import socket

        with socket.socket() as probe:  # a free loopback port, chosen now so the URL is known
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.office: Any = None
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._start, args=(settings, demo), name="office-start", daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive() and not self.ready.is_set():
            self._thread.start()

    def _start(self, settings: Settings, demo: bool) -> None:
        from kiosk.office.embedded import start_embedded

        began = time.monotonic()
        try:
            self.office = start_embedded(settings, database_url=settings.office.database or None, demo=demo,
                                         port=self.port)
            log.info("embedded office service ready at %s after %.1f s", self.url, time.monotonic() - began)
        except Exception:  # e.g. a database it cannot open: the kiosk still runs and says so
            log.exception("the embedded office service did not start")
        finally:
            self.ready.set()  # started or failed: either way nobody need wait any longer

    def stop(self) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        if self.office is not None:
            self.office.stop()


class WaitForOffice:
    """The office client of a kiosk with an embedded office: until that office answers, each call
    first waits for it (at most `timeout` seconds). Calls run on worker threads and the outbox's
    sender, never on the UI thread, so the window does not wait; the flows need not know."""

    def __init__(self, client: Any, ready: threading.Event, timeout: float = OFFICE_START_WAIT) -> None:
        self._client, self._ready, self._timeout = client, ready, timeout

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if not callable(attr) or self._ready.is_set():
            return attr

        @functools.wraps(attr)
        def after_office_start(*args: Any, **kwargs: Any) -> Any:
            if not self._ready.wait(self._timeout):
                log.warning("the embedded office service has not started after %s s", self._timeout)
            return attr(*args, **kwargs)

        return after_office_start


class LazyClient:
    """The office client, made at its first call: importing it (requests, urllib3: ~110 ms) is then
    off the way to the first frame. Its calls run on worker threads (the first, a heartbeat, 2 s
    after start), so that is where the import lands; every attribute the kiosk uses is a method."""

    def __init__(self, make: Any) -> None:
        self._make, self._client, self._lock = make, None, threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._make()
            return self._client

    def __getattr__(self, name: str) -> Any:
        if self._client is not None:
            return getattr(self._client, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self._get(), name)(*args, **kwargs)

        call.__name__ = name
        return call


def make_client(settings: Settings, base_url: str) -> Any:
    def make() -> Any:
        from kiosk.link.client import OfficeClient

        return OfficeClient(base_url, settings.kiosk.api_key, settings.kiosk.id, settings.office.timeout,
                            ca_file=settings.office.ca_file)

    return LazyClient(make)


def open_printer(settings: Settings) -> Any:
    """The printer from its config string; `none` gives devices' NullPrinter, never None."""
    from devices.printer import open_printer as open_from_spec

    return open_from_spec(
        settings.printer.connection,
        paper_width=settings.printer.paper_width,
        profile=settings.printer.profile,
        mode=settings.printer.mode,
        state_dir=settings.kiosk.state_path(),
    )


def open_scanner(settings: Settings, app: Any) -> Any:
    """The scanner from its config string (`none`: NullScanner); its callbacks go to the app
    from its reader thread."""
    from devices.scanner import open_scanner as open_from_spec

    return open_from_spec(
        settings.scanner.connection,
        terminator=settings.scanner.terminator,
        quiet_gap_ms=settings.scanner.quiet_gap_ms,
        on_frame=app.scanner_frame,
        on_state=app.scanner_state,
    )


def open_outbox(settings: Settings, client: Any) -> tuple[Any, Any]:
    """The durable outbox and the thread that delivers it; what was left from a previous run
    (a crash, a power cut) is sent as soon as the office answers."""
    import sqlite3
    import time
    from datetime import datetime, timedelta, timezone

    from kiosk.flows.dossier import outbox_changed
    from kiosk.link.outbox import Outbox, Sender

    try:
        outbox = Outbox.for_settings(settings)
    except sqlite3.DatabaseError as exc:
        # never delete it: it may still hold dossiers that were not sent; keep it for the IT person
        path = settings.kiosk.state_path() / "outbox.db"
        aside = path.with_name(f"outbox.db.corrupt-{int(time.time())}")
        path.rename(aside)
        log.error("outbox %s is unreadable (%s); moved to %s and started a new one", path, exc, aside)
        outbox = Outbox.for_settings(settings)
    # finished entries hold no personal data, only codes; keep them a year for look-ups by reference
    outbox.purge(datetime.now(timezone.utc) - timedelta(days=365))
    sender = Sender(outbox, client.submit_dossier, on_change=outbox_changed).start()
    return outbox, sender


def run_kiosk(settings: Settings, *, demo: bool = False, windowed: bool = False) -> int:
    if demo:
        settings = demo_settings(settings)
    kivy_setup.apply(kivy_setup.kivy_options(settings, windowed=windowed or demo and settings.display.fullscreen == "auto"))
    running: dict[str, Any] = {}

    def request_stop() -> None:
        if "app" in running:
            running["app"].request_stop()
        else:  # still starting up: unwind from here, stopping the office on the way out
            raise SystemExit(0)

    stopping.install(request_stop)  # before the window exists, so SDL leaves SIGTERM to us
    level = logging.getLogger().level
    from kiosk.app import KioskApp  # imports Kivy's window: after the config above

    logging.getLogger().setLevel(level)  # Kivy's own log mode, if one is forced, resets it to NOTSET
    office = OfficeStarter(settings, demo=demo) if settings.office.url == "embedded" else None
    try:
        base_url = office.url if office is not None else settings.office.url
        client = make_client(settings, base_url)
        if office is not None:
            client = WaitForOffice(client, office.ready)
        outbox, sender = open_outbox(settings, client)
        running["outbox"] = outbox
        from kiosk.voice import build_voice

        # QR codes hold the address phones reach ([office] public_url), never the office's own (issue 15)
        app = KioskApp(settings, client=client, printer=open_printer(settings), outbox=outbox, sender=sender,
                       public_base_url=settings.office.public_url, voice=build_voice(settings))
        running["app"] = app
        app.scanner = open_scanner(settings, app)  # its callbacks need the app
        if office is not None:  # the home screen first, then the office (see OFFICE_START_AFTER_FIRST_FRAME)
            from kivy.clock import Clock

            def start_office_later(*_args: Any) -> None:  # returns None: a true value would stop on_start
                Clock.schedule_once(lambda _dt: office.start(), OFFICE_START_AFTER_FIRST_FRAME)

            app.bind(on_start=start_office_later)
        if demo:
            _print_demo_help(settings, app, base_url)
        app.run()
    finally:
        if office is not None:
            office.stop()
        if "outbox" in running:
            running["outbox"].close()
    # Everything durable is committed by now. Python's own teardown of Kivy's thousands of
    # objects (a full garbage collection) took 6 s on a busy 2-core machine, longer than a
    # clean stop may take under systemd: skip it.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _print_demo_help(settings: Settings, app: Any, base_url: str) -> None:
    out = sys.stdout
    print("motcua-kiosk demo", file=out)
    print(f"  office service:  {base_url}  (staff console {base_url}/counter, lobby board {base_url}/board)", file=out)
    print("  staff logins:    admin / admin-demo, canbo1 / canbo1-demo, canbo2 / canbo2-demo", file=out)
    if settings.office.public_url:
        print(f"  phone QR codes:  {settings.office.public_url}/t/…", file=out)
    else:
        print(f"  phone QR codes:  off (tickets print no QR): {PUBLIC_URL_HINT}", file=out)
    print("  volunteer:       badge MCVOL:DEM0TNV00001 (scan it like a card), PIN 1234", file=out)
    preview = getattr(app.printer, "folder", None) if getattr(app.printer, "kind", "") == "preview" else None
    if preview:
        print(f"  print previews:  {preview}  (PNG + raw ESC/POS bytes per job)", file=out)
    voice = getattr(app, "voice", None)
    if voice is not None:
        said = voice.output.describe if voice.available else f"silent ({voice.silent_reason})"
        print(f"  voice:           {said} (WAV files per prompt with file:)", file=out)
    path = getattr(app.scanner, "path", None)
    if path:
        print(f"  scanner (pty):   {path}", file=out)
        sample = "001050012345||Nguyễn Văn An|01011950|Nam|Phường Bến Thành, TP. Hồ Chí Minh|15082021"
        print(f"  scan a card:     printf '{sample}\\r' > {path}", file=out)
    out.flush()
