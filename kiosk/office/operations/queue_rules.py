"""Queue rules of the office in plain Python: ticket statuses and their transitions, numbering
format, local day, who is called next, wait estimates.

No SQL, no HTTP: the ticket lifecycle (tickets.py) feeds these functions plain values.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WAITING, CALLED, SERVING, DONE = "waiting", "called", "serving", "done"
NO_SHOW, CANCELLED, TRANSFERRED = "no_show", "cancelled", "transferred"
STATUSES = (WAITING, CALLED, SERVING, DONE, NO_SHOW, CANCELLED, TRANSFERRED)
OPEN_STATUSES = (WAITING, CALLED, SERVING)

# action -> statuses it may start from (a ticket changes only along these arrows)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "call": (WAITING,),
    "recall": (CALLED, SERVING),
    "start": (CALLED,),
    "finish": (CALLED, SERVING),
    "no_show": (CALLED,),
    "requeue": (NO_SHOW,),
    "cancel": (WAITING, CALLED),
    "transfer": (CALLED, SERVING, WAITING),
}


def local_day(now: dt.datetime, tz: str) -> dt.date:
    """The ward's calendar day at `now` (an aware datetime): numbering restarts at local midnight."""
    return now.astimezone(ZoneInfo(tz)).date()


def format_number(prefix: str, number: int) -> str:
    """A012: the service letter and at least three digits."""
    return f"{prefix}{number:03d}"


@dataclass(frozen=True)
class Policy:
    ratio_normal: int = 2  # normal tickets called ...
    ratio_priority: int = 1  # ... for every this many priority tickets
    max_wait: dt.timedelta = dt.timedelta(minutes=30)  # past this, a ticket is called first


@dataclass(frozen=True)
class Streak:
    """What a counter called last: kind ('normal' | 'priority' | None) and how many in a row."""
    kind: str | None = None
    length: int = 0

    def after(self, priority: bool) -> "Streak":
        kind = "priority" if priority else "normal"
        return Streak(kind, self.length + 1 if kind == self.kind else 1)


@dataclass(frozen=True)
class Candidate:
    id: int
    priority: bool
    queued_at: dt.datetime


def choose_next(waiting: list[Candidate], streak: Streak, policy: Policy,
                now: dt.datetime) -> Candidate | None:
    """The ticket a counter calls next.

    1. Anyone who has waited `max_wait` or longer goes first (longest wait first).
    2. Otherwise normal and priority lines alternate by the ratio: after `ratio_normal` normal
       calls in a row a priority ticket is called, after `ratio_priority` priority calls a normal
       one. A fresh counter (no streak yet) starts with priority. An empty line never blocks the other.

    This is the reference only, on no production path: the office asks the database for the same
    choice with `next_order` (ORDER BY ... LIMIT 1), and a property test compares the two on random
    lines. The rules are easier to read here than in the SQL order.
    """
    if not waiting:
        return None
    by_age = sorted(waiting, key=lambda c: (c.queued_at, c.id))
    overdue = [c for c in by_age if now - c.queued_at >= policy.max_wait]
    if overdue:
        return overdue[0]
    normal = [c for c in by_age if not c.priority]
    prio = [c for c in by_age if c.priority]
    if not prio:
        return normal[0]
    if not normal:
        return prio[0]
    return prio[0] if priority_turn(streak, policy) else normal[0]


@dataclass(frozen=True)
class NextOrder:
    """choose_next as one total order, which SQL can apply with ORDER BY ... LIMIT 1:
    overdue (queued at or before `cutoff`) first, by (queued_at, id) alone; then the others, the
    kind whose turn it is (`prefer_priority`) first, each kind by (queued_at, id). Because the
    order does not depend on which other tickets wait, skipping a locked row picks what
    choose_next would pick among the rest."""
    cutoff: dt.datetime
    prefer_priority: bool


def next_order(streak: Streak, policy: Policy, now: dt.datetime) -> NextOrder:
    return NextOrder(now - policy.max_wait, priority_turn(streak, policy))


def priority_turn(streak: Streak, policy: Policy) -> bool:
    if policy.ratio_priority <= 0:
        return False
    if streak.kind == "priority":
        return streak.length < policy.ratio_priority
    if streak.kind == "normal":
        return streak.length >= policy.ratio_normal
    return True


def estimate_minutes(ahead: int, recent_durations_min: list[float], open_counters: int,
                     default_per_person: float = 5.0) -> int:
    """Minutes until a ticket with `ahead` people before it is called.

    Per-person time is the median of recent service durations of this service (the default
    before there is data), shared among the open counters serving it.
    """
    if ahead <= 0:
        return 0
    per_person = statistics.median(recent_durations_min) if recent_durations_min else default_per_person
    return math.ceil(ahead * per_person / max(1, open_counters))
