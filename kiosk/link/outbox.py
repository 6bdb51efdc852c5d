"""The kiosk's durable outbox: what it must still deliver to the office service.

A dossier is written here (SQLite, WAL, synchronous=FULL) before anything is sent, with its
idempotency key and a short local reference the citizen can read off the receipt. A `Sender`
thread delivers pending entries in order, retrying with backoff while the office is unreachable;
the same key on every retry means the office stores each dossier exactly once.

Once the office acknowledges (or refuses) an entry, its personal payload is deleted: only the
local reference, the office's dossier code and appointment date (or the refusal) remain, so a
receipt's local reference still resolves to the code. `secure_delete` and a WAL checkpoint make
sure the deleted bytes do not linger in the database or WAL files.

Logs name entries by local reference and state only, never by payload.

Errors from `send`: an exception with an int `status` in REJECT_STATUSES (an OfficeError 4xx
from kiosk.link.errors) is a refusal of this entry (never retried, its `detail` and `field`
kept); anything else (connection error, timeout, 5xx, 401/403 from a misconfigured key, 429)
means "try again later".
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

# OfficeError is imported for those who send through the outbox and raise it (kiosk.link.errors).
from kiosk.link.errors import OfficeError, OfficeUnavailable

__all__ = ["Outbox", "Sender", "Entry", "EntryState", "PENDING", "SENT", "REJECTED", "REJECT_STATUSES",
           "OfficeError", "OfficeUnavailable", "is_rejection", "ref_prefix", "retry_delay"]

log = logging.getLogger(__name__)

EntryState = Literal["pending", "sent", "rejected"]
PENDING: Final = "pending"
SENT: Final = "sent"
REJECTED: Final = "rejected"

# The refusals that are about the entry itself; other 4xx (401/403 key, 404 old office, 408, 429)
# are about the kiosk or the moment, so the entry waits and is tried again.
REJECT_STATUSES = frozenset({400, 409, 410, 413, 415, 422})

# What is kept of the office's answer: no personal data, even if the office sends some back.
# public_token: the slip's QR and URL (a re-printed slip needs it; the public look-up takes nothing else)
KEPT_RESPONSE_KEYS = ("code", "status", "declared_at", "received_at", "appointment_date", "public_token")


def is_rejection(exc: BaseException) -> bool:
    """True when `exc` says the office refused this entry for good.

    Read from the exception's `status` (or `status_code`), not its class, so any `send` that
    raises with an HTTP status works, not only the kiosk's OfficeClient."""
    status = getattr(exc, "status", getattr(exc, "status_code", None))
    return isinstance(status, int) and status in REJECT_STATUSES


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    idempotency_key: str
    local_ref: str
    created_at: str  # UTC, ISO 8601
    state: EntryState
    payload: dict | None  # None once acknowledged or refused
    attempts: int = 0
    last_error: str | None = None
    code: str | None = None  # the office's dossier code once sent
    response: dict | None = None
    reject_status: int | None = None
    reject_detail: str | None = None
    reject_field: str | None = None

    def request(self) -> dict:
        """What is sent: the payload with the entry's idempotency key and local reference."""
        if self.payload is None:
            raise ValueError(f"outbox entry {self.local_ref} has no payload any more")
        return {**self.payload, "idempotency_key": self.idempotency_key, "local_ref": self.local_ref}

    # Personal data never lands in a log line by accident.
    def __repr__(self) -> str:
        return f"Entry({self.id}, {self.local_ref}, {self.state}" + (f", {self.code})" if self.code else ")")

    __str__ = __repr__


_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    local_ref TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    payload TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    code TEXT,
    response TEXT,
    reject_status INTEGER,
    reject_detail TEXT,
    reject_field TEXT,
    done_at TEXT
);
CREATE INDEX IF NOT EXISTS entries_pending ON entries (state, id);
CREATE TABLE IF NOT EXISTS ref_sequence (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
"""


def ref_prefix(kiosk_id: str) -> str:
    """The kiosk part of a local reference: "kiosk-1" -> "KIOSK1", "ks1" -> "KS1"."""
    return re.sub(r"[^A-Z0-9]", "", kiosk_id.upper())[:10] or "KS"


class Outbox:
    """A durable queue of requests for the office service, in one SQLite file.

    Safe to share between threads (one connection behind a lock). Every method returns only
    after its change is committed to disk.
    """

    def __init__(self, path: str | Path, *, kiosk_id: str = "kiosk-1", tz: str = "Asia/Ho_Chi_Minh",
                 prefix: str | None = None, now: Callable[[], datetime] | None = None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.kiosk_id = kiosk_id
        self.prefix = prefix or ref_prefix(kiosk_id)
        self._tz = ZoneInfo(tz)
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed entry survives a power cut
        self._db.execute("PRAGMA secure_delete=ON")  # deleted payloads are overwritten, not just unlinked
        self._db.executescript(_SCHEMA)

    @classmethod
    def for_settings(cls, settings: Any) -> "Outbox":
        """The kiosk's outbox: state folder/outbox.db, named for this kiosk, dated in the ward's zone."""
        return cls(settings.kiosk.state_path() / "outbox.db", kiosk_id=settings.kiosk.id, tz=settings.ward.timezone)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------

    def put(self, kind: str, payload: dict) -> Entry:
        """Store a new entry (key and local reference assigned here); returns once it is on disk."""
        # The office's contract wants the kiosk id with every dossier; the caller may set its own.
        body = json.dumps({"kiosk_id": self.kiosk_id, **payload}, ensure_ascii=False)  # not JSON: fails now
        now = self._now()
        day = now.astimezone(self._tz).strftime("%Y%m%d")
        key = str(uuid.uuid4())
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT last FROM ref_sequence WHERE day = ?", (day,)).fetchone()
                seq = (row["last"] if row else 0) + 1
                self._db.execute("INSERT OR REPLACE INTO ref_sequence (day, last) VALUES (?, ?)", (day, seq))
                local_ref = f"{self.prefix}-{day}-{seq:04d}"
                cur = self._db.execute(
                    "INSERT INTO entries (kind, idempotency_key, local_ref, created_at, payload) VALUES (?, ?, ?, ?, ?)",
                    (kind, key, local_ref, now.astimezone(timezone.utc).isoformat(), body),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        log.info("outbox: stored %s (%s)", local_ref, kind)
        return self.get(cur.lastrowid)

    def note_failure(self, entry_id: int, reason: str) -> None:
        """Count a failed attempt (the reason must not contain personal data)."""
        with self._lock:
            self._db.execute("UPDATE entries SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                             (reason[:200], entry_id))

    def mark_sent(self, entry_id: int, response: dict) -> Entry:
        """The office has the entry: keep its code and appointment, delete the personal payload."""
        kept = {k: response[k] for k in KEPT_RESPONSE_KEYS if k in response}
        self._finish(
            entry_id,
            "state = 'sent', code = ?, response = ?",
            (str(kept["code"]) if kept.get("code") is not None else None, json.dumps(kept, ensure_ascii=False)),
        )
        entry = self.get(entry_id)
        log.info("outbox: %s sent as %s", entry.local_ref, entry.code)
        return entry

    def mark_rejected(self, entry_id: int, status: int, detail: str = "", field: str | None = None) -> Entry:
        """The office refused the entry (4xx): never retried; the payload is deleted, the reason kept."""
        self._finish(entry_id, "state = 'rejected', reject_status = ?, reject_detail = ?, reject_field = ?",
                     (int(status), str(detail or "")[:500], field))
        entry = self.get(entry_id)
        log.warning("outbox: %s rejected by the office (%s, field %s)", entry.local_ref, status, field)
        return entry

    def _finish(self, entry_id: int, assignments: str, params: Iterable[Any]) -> None:
        with self._lock:
            cur = self._db.execute(
                f"UPDATE entries SET {assignments}, payload = NULL, done_at = ? WHERE id = ? AND state = 'pending'",
                (*params, self._now().astimezone(timezone.utc).isoformat(), entry_id),
            )
            if cur.rowcount:
                self._scrub()

    def _scrub(self) -> None:
        """Fold the WAL into the file and truncate it, so deleted payload bytes are gone from disk."""
        busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:  # another connection is reading; the next acknowledgement tries again
            log.info("outbox: WAL checkpoint postponed (database busy)")

    def purge(self, before: datetime) -> int:
        """Forget finished entries (their reference -> code mapping) done before `before`."""
        with self._lock:
            cur = self._db.execute("DELETE FROM entries WHERE state != 'pending' AND done_at < ?",
                                   (before.astimezone(timezone.utc).isoformat(),))
            self._scrub()
        return cur.rowcount

    # --- reading ------------------------------------------------------------------------------

    def get(self, entry_id: int) -> Entry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM entries WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row) if row else None

    def by_ref(self, local_ref: str) -> Entry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM entries WHERE local_ref = ?",
                                   ((local_ref or "").strip().upper(),)).fetchone()
        return _entry(row) if row else None

    def pending(self) -> list[Entry]:
        """Entries still to deliver, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM entries WHERE state = 'pending' ORDER BY id").fetchall()
        return [_entry(r) for r in rows]

    def pending_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM entries WHERE state = 'pending'").fetchone()[0]

    def resolve(self, local_ref: str) -> str | None:
        """The office's dossier code for a receipt's local reference, once the office has it."""
        entry = self.by_ref(local_ref)
        return entry.code if entry else None


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        id=row["id"], kind=row["kind"], idempotency_key=row["idempotency_key"], local_ref=row["local_ref"],
        created_at=row["created_at"], state=row["state"],
        payload=json.loads(row["payload"]) if row["payload"] is not None else None,
        attempts=row["attempts"], last_error=row["last_error"], code=row["code"],
        response=json.loads(row["response"]) if row["response"] else None,
        reject_status=row["reject_status"], reject_detail=row["reject_detail"], reject_field=row["reject_field"],
    )


def retry_delay(failures: int, backoff: tuple[float, ...]) -> float:
    """Seconds to wait after `failures` failed attempts in a row (the last step repeats)."""
    return backoff[min(max(failures, 1), len(backoff)) - 1]


class Sender:
    """A worker thread that delivers the outbox's pending entries, oldest first.

    `send(request) -> dict` posts one request (payload + idempotency_key + local_ref) and returns
    the office's answer; it raises on failure (see the module docstring for how errors are read).
    `on_change(entry)` is called from the worker thread after each entry is sent or refused; the
    app marshals it to the UI thread. `kick()` after `put()` makes it try at once.
    """

    def __init__(self, outbox: Outbox, send: Callable[[dict], dict], *,
                 backoff: tuple[float, ...] = (1, 2, 5, 10, 30, 60),
                 on_change: Callable[[Entry], None] | None = None):
        if not backoff or any(b <= 0 for b in backoff):
            raise ValueError("backoff must be a non-empty list of positive delays")
        self.outbox, self._send, self.backoff, self._on_change = outbox, send, tuple(backoff), on_change
        self.failures = 0  # failed attempts in a row; 0 while the office answers
        self.retry_in: float | None = None  # the delay being waited out now, if any
        self._wake = threading.Event()
        self._stopping = False
        self._done = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)

    def start(self) -> "Sender":
        self._thread.start()
        return self

    def kick(self) -> None:
        """Something new to send (or the network is back): try now instead of waiting out the backoff."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current request (which the HTTP client's own timeout bounds)."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def wait_for(self, entry_id: int, timeout: float) -> Entry | None:
        """Block (on a worker thread, never the UI's) until the entry is sent or refused, or the
        timeout passes; returns the entry as it then is."""
        with self._done:
            self._done.wait_for(lambda: self._finished(entry_id), timeout)
        return self.outbox.get(entry_id)

    def _finished(self, entry_id: int) -> bool:
        entry = self.outbox.get(entry_id)
        return entry is None or entry.state != PENDING

    def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before reading: a kick during the round is not lost
            try:
                delay = self._round()
            except Exception:  # the outbox itself failed (disk?): log, wait, try again
                log.exception("outbox: sender round failed")
                self.failures += 1
                delay = retry_delay(self.failures, self.backoff)
            if self._stopping:
                break
            self.retry_in = delay
            self._wake.wait(delay)  # None: sleep until kicked
            self.retry_in = None

    def _round(self) -> float | None:
        """Send what is pending; return the delay before the next round (None: nothing left)."""
        for entry in self.outbox.pending():
            if self._stopping:
                return None
            try:
                answer = self._send(entry.request())
                if not isinstance(answer, dict) or not answer.get("code"):
                    raise OfficeUnavailable("the office's answer has no dossier code")
            except Exception as exc:  # noqa: BLE001 - every failure is sorted into refuse or retry
                if is_rejection(exc):
                    done = self.outbox.mark_rejected(entry.id, exc.status, getattr(exc, "detail", str(exc)),
                                                     getattr(exc, "field", None))
                    self._changed(done)
                    continue
                self.failures += 1
                reason = f"{type(exc).__name__}: {getattr(exc, 'status', '') or ''}".rstrip(": ")
                self.outbox.note_failure(entry.id, reason)
                delay = retry_delay(self.failures, self.backoff)
                log.info("outbox: %s not delivered (%s); retry in %s s", entry.local_ref, reason, delay)
                return delay
            self.failures = 0
            self._changed(self.outbox.mark_sent(entry.id, answer))
        return None

    def _changed(self, entry: Entry) -> None:
        with self._done:
            self._done.notify_all()
        if self._on_change is not None:
            try:
                self._on_change(entry)
            except Exception:
                log.exception("outbox: on_change failed for %s", entry.local_ref)
