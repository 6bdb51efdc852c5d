"""The office service's FastAPI app factory."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kiosk import __version__
from kiosk.office import delivery
from kiosk.office.api import docs, errors, guards, include_all
from kiosk.office.api.dossiers import mask_access_log
from kiosk.office.operations.catalogue import seed_catalogue_once
from kiosk.office.service import Office, utcnow
from kiosk.office.settings import OfficeSettings
from kiosk.office.web import router as web_router
from kiosk.office.web.badge import router as badge_router


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
        app.state.delivery = delivery.start(office)  # hand-off to the province (kind != "none")
        try:
            yield
        finally:
            if app.state.delivery:
                app.state.delivery.stop()
            office.close()

    app = FastAPI(title="motcua-kiosk office service", version=__version__, lifespan=lifespan,
                  description="Queue of a ward's one-stop reception department. See kiosk/office/API.md.",
                  docs_url=None, redoc_url=None, openapi_url=None,  # staff-only and offline: api/docs.py
                  default_response_class=errors.SafeJSONResponse)
    app.state.office = office
    errors.install(app)
    guards.install(app, settings)
    include_all(app)
    docs.install(app)
    app.include_router(badge_router)  # pages after the API: their catch-alls come last
    app.include_router(web_router)
    mask_access_log()
    return app
