"""The office service's FastAPI app factory."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kiosk import __version__
from kiosk.office.api import admin, auth, counters, errors, events, kiosks, public, tickets
from kiosk.office.api import dossiers as dossiers_api
from kiosk.office.api import procedures as procedures_api
from kiosk.office.api import volunteers as volunteers_api
from kiosk.office.dossiers import seed_catalogue_once
from kiosk.office.runtime import Office, utcnow
from kiosk.office.settings import OfficeSettings


def _end_streams_on_signal(office: Office) -> None:
    """uvicorn waits for open connections before the app hears of shutdown; event streams never
    end on their own, so close them as soon as SIGTERM/SIGINT arrives (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)
        if callable(previous):
            def handler(signum, frame, previous=previous):
                office.hub.close_streams()
                previous(signum, frame)
            signal.signal(sig, handler)


def create_app(settings: OfficeSettings, *, clock: Callable[[], dt.datetime] = utcnow) -> FastAPI:
    """Build the app; the database is migrated and seeded here, the event listener starts with
    the app's lifespan (one per worker process)."""
    office = Office(settings, clock)
    office.prepare()
    seed_catalogue_once(office)  # the bundled catalogue on first start; admins edit it afterwards

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        office.hub.start()
        _end_streams_on_signal(office)
        try:
            yield
        finally:
            office.close()

    app = FastAPI(title="motcua-kiosk office service", version=__version__, lifespan=lifespan,
                  description="Queue of a ward's one-stop reception department. See kiosk/office/API.md.")
    app.state.office = office
    errors.install(app)
    for module in (public, auth, tickets, counters, kiosks, admin, events):
        app.include_router(module.router)
    for module in (dossiers_api, procedures_api):
        app.include_router(module.router)
    app.include_router(volunteers_api.router)  # volunteers, help requests (issue 8)
    dossiers_api.mask_access_log()
    from kiosk.office.web import router as web_router
    app.include_router(web_router)
    return app
