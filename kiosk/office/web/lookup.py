"""Server-side checks the pages need from the office core (kept apart so the pages stay thin)."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import select

from kiosk.office.storage.models import Dossier, Ticket


def public_ticket_exists(request: Request, public_token: str) -> bool | None:
    """True/False when the office can tell, None when it cannot (the page then asks the API)."""
    office = getattr(request.app.state, "office", None)
    if office is None:
        return None
    if not 8 <= len(public_token) <= 64:
        return False
    with office.db.read() as s:
        return s.scalar(select(Ticket.id).where(Ticket.public_token == public_token)) is not None


def public_dossier_exists(request: Request, public_token: str) -> bool | None:
    """Like public_ticket_exists, for the slip's dossier token (/d/{public_token}); a dossier's
    sequential code is not found here (anyone could count them)."""
    office = getattr(request.app.state, "office", None)
    if office is None:
        return None
    if not 8 <= len(public_token) <= 64:  # the token column's width
        return False
    with office.db.read() as s:
        return s.scalar(select(Dossier.id).where(Dossier.public_token == public_token)) is not None
