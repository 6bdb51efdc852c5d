"""HTTP API of the office (/api/...): routes grouped by subject, who-is-calling dependencies
(deps.py), response models (schemas.py) and the one JSON error shape (errors.py).

Routes stay thin: they check the caller and the request, open a transaction through the
`Office` and call an operation; the answer's shape is declared in schemas.py.
"""

from __future__ import annotations

from fastapi import FastAPI


def include_all(app: FastAPI) -> None:
    """Mount every API router, then the web pages (whose catch-alls come last)."""
    from kiosk.office.api import (admin, admin_volunteers, auth, counters, dossiers, events, help_requests, kiosks,
                                  procedures, public, tickets, volunteers)
    from kiosk.office.web import router as web_router
    from kiosk.office.web.badge import router as badge_router

    for module in (public, auth, tickets, counters, kiosks, admin, events, dossiers, procedures, volunteers,
                   help_requests, admin_volunteers):
        app.include_router(module.router)
    app.include_router(badge_router)
    app.include_router(web_router)
