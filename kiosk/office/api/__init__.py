"""HTTP API of the office (/api/...): routes grouped by subject, who-is-calling dependencies
(deps.py), response models (schemas.py) and the one JSON error shape (errors.py).

Routes stay thin: they check the caller and the request, open a transaction through the
`Office` and call an operation; the answer's shape is declared in schemas.py.
"""

from __future__ import annotations

from fastapi import FastAPI


def include_all(app: FastAPI) -> None:
    """Mount every API router. The web pages (kiosk.office.web) are mounted by the app factory
    after these: they sit above the API (they use its caller dependencies) and their catch-alls
    must come last."""
    from kiosk.office.api import (admin, admin_volunteers, auth, connector, counters, dossier_forms, dossiers, events,
                                  help_requests, kiosks, procedures, public, ratings, reports, tickets, volunteers,
                                  ward)

    for module in (public, auth, tickets, counters, kiosks, admin, events, dossiers, procedures, volunteers,
                   help_requests, admin_volunteers, dossier_forms, connector, ratings, reports, ward):
        app.include_router(module.router)
