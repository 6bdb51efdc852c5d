"""The office service inside the kiosk process: uvicorn in a background thread on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from kiosk.office.service import utcnow
from kiosk.office.settings import OfficeSettings


class EmbeddedOffice:
    def __init__(self, url: str, server, thread: threading.Thread, settings: OfficeSettings, app):
        self.url, self.server, self.thread, self.settings, self.app = url, server, thread, settings, app

    @property
    def office(self):
        return self.app.state.office

    def stop(self, timeout: float = 10.0) -> None:
        self.office.hub.close_streams()  # open event streams would hold the shutdown up
        self.server.should_exit = True
        self.server.wake()
        self.thread.join(timeout)


def _quiet_server(uvicorn):
    """uvicorn's Server, ticking once a second instead of ten times. Its main loop only refreshes the
    Date header (each second) and checks whether to exit; in a kiosk that idles, ten wake-ups a second
    were most of the embedded office's idle CPU. stop() wakes it at once."""

    class QuietServer(uvicorn.Server):
        tick = 1.0

        async def main_loop(self) -> None:
            self._loop, self._woken = asyncio.get_running_loop(), asyncio.Event()
            counter = 0
            should_exit = await self.on_tick(counter)
            while not should_exit:
                counter = (counter + 10) % 864000  # on_tick refreshes the Date header when counter % 10 == 0
                try:
                    await asyncio.wait_for(self._woken.wait(), self.tick)
                except asyncio.TimeoutError:
                    pass
                should_exit = await self.on_tick(counter)

        def wake(self) -> None:
            loop = getattr(self, "_loop", None)
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._woken.set)

    return QuietServer


def start_embedded(settings, *, database_url: str | None = None, demo: bool = True,
                   clock: Callable[[], dt.datetime] = utcnow, port: int = 0, **overrides: Any) -> EmbeddedOffice:
    """Start the office service for this kiosk (SQLite in the state folder by default).

    The kiosk's own id and API key (settings.kiosk) are registered so its client can issue tickets.
    """
    import uvicorn

    from kiosk.office.app import create_app

    overrides.setdefault("kiosk_keys", {settings.kiosk.id: settings.kiosk.api_key})
    # one process: its own commits wake the event listener, so polling is only a safety net
    overrides.setdefault("event_poll_seconds", 2.0)
    office_settings = OfficeSettings.from_settings(settings, database_url=database_url, demo=demo, **overrides)
    app = create_app(office_settings, clock=clock)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # proto set: asyncio then sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1, lifespan="on")
    server = _quiet_server(uvicorn)(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="office-embedded", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            server.wake()
            raise RuntimeError("the embedded office service did not start")
        time.sleep(0.02)
    host, bound = sock.getsockname()[:2]
    return EmbeddedOffice(f"http://{host}:{bound}", server, thread, office_settings, app)
