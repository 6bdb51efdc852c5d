"""Browser log-ins, one mechanism for staff and volunteers: start, look up, end.

The token goes to the browser (cookie) or the API client (bearer); the table keeps only its
SHA-256, with the kind of subject (staff -> users.id, volunteer -> volunteers.id) and an expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kiosk.office.storage.db import mark_for_commit
from kiosk.office.storage.models import WebSession

STAFF, VOLUNTEER = "staff", "volunteer"
KINDS = (STAFF, VOLUNTEER)
CREDENTIALS_CHANGED = "credentials_changed"  # Session.info flag: its commit empties the token caches (auth.KnownTokens)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start(s: Session, kind: str, subject_id: int, now: dt.datetime, hours: float) -> tuple[str, WebSession]:
    """A new session token (returned once; only its hash is stored). Expired sessions go too."""
    if kind not in KINDS:
        raise ValueError(f"unknown session kind {kind!r}")
    token = secrets.token_urlsafe(32)
    sess = WebSession(token_hash=sha256(token), kind=kind, subject_id=subject_id, created_at=now,
                      expires_at=now + dt.timedelta(hours=hours))
    s.add(sess)
    s.execute(delete(WebSession).where(WebSession.expires_at < now))
    s.flush()
    return token, sess


def subject(s: Session, kind: str, token: str, now: dt.datetime) -> int | None:
    """The id behind a live session token of this kind, else None."""
    sess = s.get(WebSession, sha256(token))
    if sess is None or sess.kind != kind or sess.expires_at <= now:
        return None
    return sess.subject_id


def end(s: Session, token: str) -> None:
    s.execute(delete(WebSession).where(WebSession.token_hash == sha256(token)))
    credentials_changed(s)


def end_all(s: Session, kind: str, subject_id: int) -> None:
    """Log someone out everywhere (deactivated, or a new password or PIN)."""
    s.execute(delete(WebSession).where(WebSession.kind == kind, WebSession.subject_id == subject_id))
    credentials_changed(s)


def credentials_changed(s: Session) -> None:
    """Mark this transaction as changing who may call (a session ended, a user or a kiosk key
    changed): its commit empties this process's caches of valid tokens (auth.KnownTokens)."""
    mark_for_commit(s, CREDENTIALS_CHANGED)
