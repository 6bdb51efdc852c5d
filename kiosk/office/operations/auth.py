"""Staff passwords (argon2), staff log-in (a web session), login rate limiting, kiosk API keys."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.office.errors import TooManyAttempts
from kiosk.office.operations import web_sessions
from kiosk.office.operations.web_sessions import sha256
from kiosk.office.storage.models import Kiosk, LoginAttempt, User, WebSession

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")
ROLES = ("staff", "admin")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def check_rate_limit(s: Session, username: str, ip: str, now: dt.datetime, max_failures: int,
                     window: dt.timedelta) -> None:
    """Refuse a login after too many failures for this username from this address."""
    last_ok = s.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.success.is_(True)))
    since = max(now - window, last_ok) if last_ok else now - window
    failures = s.execute(select(LoginAttempt.at).where(
        LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.success.is_(False),
        LoginAttempt.at > since).order_by(LoginAttempt.at)).scalars().all()
    if len(failures) >= max_failures:
        retry = max(1, int((failures[-max_failures] + window - now).total_seconds()) + 1)
        raise TooManyAttempts("too_many_attempts", f"too many failed logins; try again in {retry} s",
                              "password", retry_after=retry)


def password_hash_for(s: Session, username: str) -> str | None:
    user = s.scalar(select(User).where(User.username == username))
    return user.password_hash if user and user.active else None


def check_password(stored: str | None, password: str) -> bool:
    """Slow on purpose (argon2): call it outside any write transaction."""
    return verify_password(stored or _DUMMY_HASH, password) and stored is not None


def record_login(s: Session, username: str, ip: str, now: dt.datetime, ok: bool, *,
                 hours: float) -> tuple[str, User, WebSession] | None:
    """Store the attempt; on success a new staff session token."""
    s.add(LoginAttempt(username=username[:60], ip=ip[:60], at=now, success=ok))
    user = s.scalar(select(User).where(User.username == username)) if ok else None
    if user is None or not user.active:
        s.flush()
        return None
    token, sess = web_sessions.start(s, web_sessions.STAFF, user.id, now, hours)
    return token, user, sess


def user_for_token(s: Session, token: str, now: dt.datetime) -> User | None:
    user_id = web_sessions.subject(s, web_sessions.STAFF, token, now)
    user = s.get(User, user_id) if user_id is not None else None
    return user if user and user.active else None


def kiosk_for_key(s: Session, key: str) -> Kiosk | None:
    k = s.scalar(select(Kiosk).where(Kiosk.api_key_hash == sha256(key)))
    return k if k and k.active else None


def register_kiosk(s: Session, kiosk_id: str, key: str, name: str = "") -> Kiosk:
    """Create the kiosk, or give it this key (idempotent; used at start for configured kiosks)."""
    k = s.get(Kiosk, kiosk_id)
    other = s.scalar(select(Kiosk).where(Kiosk.api_key_hash == sha256(key)))
    if other is not None and other.id != kiosk_id:
        raise ValueError(f"that API key already belongs to kiosk {other.id}")
    if k is None:
        k = Kiosk(id=kiosk_id, name=name or kiosk_id, api_key_hash=sha256(key), active=True)
        s.add(k)
    else:
        k.api_key_hash = sha256(key)
    s.flush()
    return k
