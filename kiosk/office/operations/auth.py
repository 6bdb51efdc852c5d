"""Staff passwords (argon2), staff log-in (a web session), login rate limiting, kiosk API keys.

Log-in costs (issue 19): argon2 takes ~0.3 s of CPU and 64 MiB per check, so an anonymous client
must not get it for free.
- Limits are checked BEFORE any hashing: failures from one address across all usernames
  (`max_per_address`, against sprayers with random usernames) and failures for one username from
  one address. A refused attempt costs two small queries.
- An unknown username still runs argon2, against a dummy hash, but only while its address is under
  the limit: known and unknown usernames take the same time (no user enumeration by timing), and
  the CPU an address can burn is bounded by the limit per window.
- Checks run on a few low-priority threads of their own (`PasswordPool`): a flood waits in a short
  line (busy beyond it: 503, before any database work) instead of holding the web threads and the
  CPU the kiosks' tickets need, and memory stays at slots x 64 MiB.
- A known device (a cookie set at a successful log-in, signed with the user's password hash, so a
  password change revokes it) counts its failures on its own: a colleague's wrong tries from the
  same address (or a NAT) do not lock the user out of their own PC. An admin can lift a lockout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from kiosk.office.errors import TooManyAttempts, Unavailable
from kiosk.office.operations import web_sessions
from kiosk.office.operations.web_sessions import sha256
from kiosk.office.storage.db import after_commit
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
                     window: dt.timedelta, *, max_per_address: int | None = None, device: str | None = None) -> None:
    """Refuse a login, before any hashing, after too many failures: from this address across all
    usernames, or for this username from this address. A known `device` of this user is counted on
    its own instead of by address."""
    since = now - window
    if device is None and max_per_address is not None:
        from_address = s.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.ip == ip, LoginAttempt.success.is_(False), LoginAttempt.at > since))
        if from_address >= max_per_address:
            retry = int(window.total_seconds())
            raise TooManyAttempts("too_many_attempts", f"too many failed logins from this address; try again in "
                                  f"{retry} s", "password", retry_after=retry)
    source = attempt_source(ip, device)
    last_ok = s.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.ip == source, LoginAttempt.success.is_(True)))
    since = max(since, last_ok) if last_ok else since
    failures = s.execute(select(LoginAttempt.at).where(
        LoginAttempt.username == username, LoginAttempt.ip == source, LoginAttempt.success.is_(False),
        LoginAttempt.at > since).order_by(LoginAttempt.at)).scalars().all()
    if len(failures) >= max_failures:
        retry = max(1, int((failures[-max_failures] + window - now).total_seconds()) + 1)
        raise TooManyAttempts("too_many_attempts", f"too many failed logins; try again in {retry} s",
                              "password", retry_after=retry)


def attempt_source(ip: str, device: str | None) -> str:
    """What a login attempt is counted under: the address, or the user's known device."""
    return f"device:{device}" if device else ip


def lift_lockout(s: Session, username: str) -> int:
    """An admin lifts a lockout: the user's failed attempts are forgotten (from every address)."""
    return s.execute(delete(LoginAttempt).where(LoginAttempt.username == username,
                                                LoginAttempt.success.is_(False))).rowcount


# ---- known devices: a cookie "<device id>.<mac>", the mac keyed by the user's password hash
DEVICE_COOKIE = "motcua_device"


def _device_mac(password_hash: str, device_id: str, username: str) -> str:
    return hmac.new(password_hash.encode(), f"known-device:{device_id}:{username}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def new_device_cookie(password_hash: str, username: str) -> str:
    device_id = secrets.token_hex(8)
    return f"{device_id}.{_device_mac(password_hash, device_id, username)}"


def known_device(s: Session, username: str, cookie: str | None) -> str | None:
    """The device id when `cookie` was set by a successful log-in of this (active) user, else None."""
    device_id, _, mac = (cookie or "").partition(".")
    stored = password_hash_for(s, username) if device_id and mac else None
    if stored is None or not hmac.compare_digest(mac, _device_mac(stored, device_id, username)):
        return None
    return device_id


# ---- argon2 on a few threads of its own
class PasswordPool:
    """At most `slots` password checks at once, and a short line of waiting log-ins; beyond: 503 busy.

    The threads run at the lowest CPU priority (nice 19, per thread on Linux; argon2's own lane
    threads inherit it): under a flood of log-ins the kiosks' tickets get the CPU first and
    log-ins wait instead.
    """

    def __init__(self, slots: int, queue: int | None = None):
        self._pool = ThreadPoolExecutor(slots, thread_name_prefix="argon2", initializer=_lowest_priority)
        self._room = threading.BoundedSemaphore(slots + (queue if queue is not None else 4 * slots))

    @contextmanager
    def place(self) -> Iterator[ThreadPoolExecutor]:
        """Hold a place in line for one log-in (taken before any database work), or raise Unavailable (503)."""
        if not self._room.acquire(blocking=False):
            raise Unavailable("busy", "too many log-ins at once; try again in a moment", None, retry_after=2)
        try:
            yield self._pool
        finally:
            self._room.release()


def _lowest_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except (OSError, AttributeError):  # not Linux: the bound on slots still holds
        pass


_pools: dict[int, PasswordPool] = {}
_pools_lock = threading.Lock()


def password_pool(slots: int) -> PasswordPool:
    with _pools_lock:
        if slots not in _pools:
            _pools[slots] = PasswordPool(slots)
        return _pools[slots]


def password_hash_for(s: Session, username: str) -> str | None:
    user = s.scalar(select(User).where(User.username == username))
    return user.password_hash if user and user.active else None


def check_password(stored: str | None, password: str) -> bool:
    """Slow on purpose (argon2): call it outside any write transaction."""
    return verify_password(stored or _DUMMY_HASH, password) and stored is not None


def record_login(s: Session, username: str, ip: str, now: dt.datetime, ok: bool, *,
                 hours: float) -> tuple[str, User, WebSession] | None:
    """Store the attempt (`ip`: its attempt_source); on success a new staff session token."""
    s.add(LoginAttempt(username=username[:60], ip=ip[:60], at=now, success=ok))
    user = s.scalar(select(User).where(User.username == username)) if ok else None
    if user is None or not user.active:
        s.flush()
        return None
    token, sess = web_sessions.start(s, web_sessions.STAFF, user.id, now, hours)
    return token, user, sess


def user_for_token(s: Session, token: str, now: dt.datetime) -> Any | None:
    """The active user behind a live staff session token, as a light row (id, username,
    full_name, role, and the session's expires_at): one prebuilt join instead of two ORM loads
    on every staff request (issue 18)."""
    return s.execute(_STAFF_BY_TOKEN, {"h": sha256(token), "kind": web_sessions.STAFF, "now": now}).first()


_STAFF_BY_TOKEN = (select(User.id, User.username, User.full_name, User.role, WebSession.expires_at)
                   .join(WebSession, WebSession.subject_id == User.id)
                   .where(WebSession.token_hash == bindparam("h"), WebSession.kind == bindparam("kind"),
                          WebSession.expires_at > bindparam("now"), User.active.is_(True)))


def kiosk_for_key(s: Session, key: str) -> str | None:
    """The id of the active kiosk holding this API key (a prebuilt column query: loading the whole
    Kiosk row was a tenth of a ticket's CPU, issue 18)."""
    row = s.execute(_KIOSK_BY_KEY_HASH, {"h": sha256(key)}).first()
    return row.id if row is not None and row.active else None


_KIOSK_BY_KEY_HASH = select(Kiosk.id, Kiosk.active).where(Kiosk.api_key_hash == bindparam("h"))


class KnownTokens:
    """Tokens (kiosk keys, staff session tokens) this worker has seen valid, with what they
    proved, for `ttl` seconds: a request from a known token needs no database read and no
    thread-pool hop before its endpoint runs, which was a sixth of a ticket's server CPU
    (issue 18). Only valid tokens are kept: an unknown one always goes to the database.
    A commit that changes credentials (`web_sessions.credentials_changed`: a logout, a user
    deactivated or edited, a kiosk key replaced) empties every cache of this process at once; the
    other workers of a multi-worker office see it within `ttl` seconds.
    A reader takes `epoch()` before its database read and hands it to `put`: a change committed
    in between makes the entry stale rather than keeping what was read before it."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._known: dict[str, tuple[float, int, Any]] = {}  # sha256(token) -> (valid until, epoch, value)
        self._epoch = 0
        self._lock = threading.Lock()
        _token_caches.add(self)

    def epoch(self) -> int:
        return self._epoch

    def get(self, token: str) -> Any | None:
        hit = self._known.get(sha256(token))
        return hit[2] if hit is not None and hit[0] > self._clock() and hit[1] == self._epoch else None

    def put(self, token: str, value: Any, epoch: int) -> None:
        with self._lock:
            if len(self._known) > 256:  # a worker serves a handful of kiosks and counters; never grow unbounded
                self._known.clear()
            self._known[sha256(token)] = (self._clock() + self.ttl, epoch, value)

    def clear(self) -> None:
        with self._lock:
            self._epoch += 1
            self._known.clear()


_token_caches: "weakref.WeakSet[KnownTokens]" = weakref.WeakSet()


@after_commit(web_sessions.CREDENTIALS_CHANGED)
def _forget_known_tokens() -> None:
    for cache in list(_token_caches):
        cache.clear()


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
    web_sessions.credentials_changed(s)
    s.flush()
    return k
