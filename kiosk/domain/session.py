"""One citizen's session at the kiosk: everything they entered, wiped on finish or idle.

Plain Python: the app feeds it touches and reads its idle state; no timers live here.
Personal data stays in this object only; `repr` never shows it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable


class IdleState(Enum):
    ACTIVE = "active"
    ASKING = "asking"  # "Bạn còn tiếp tục không?" with a countdown
    EXPIRED = "expired"


@dataclass(repr=False)
class CitizenSession:
    idle_timeout: float = 60.0
    idle_countdown: float = 15.0
    clock: Callable[[], float] = time.monotonic
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    citizen: Any = None  # kiosk.domain.cccd.CitizenId from a scanned card
    volunteer: Any = None  # a volunteer assisting this citizen (assisted mode)
    data: dict[str, Any] = field(default_factory=dict)  # form answers, choices
    last_activity: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.last_activity = self.clock()

    def __repr__(self) -> str:  # never leak personal data into logs
        who = self.citizen.masked_id() if self.citizen is not None else "-"
        return f"<CitizenSession {self.id[:8]} citizen={who} keys={sorted(self.data)}>"

    @property
    def in_use(self) -> bool:
        """Whether there is anything to protect or wipe."""
        return self.citizen is not None or self.volunteer is not None or bool(self.data)

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle_for(self) -> float:
        return self.clock() - self.last_activity

    def idle_state(self) -> IdleState:
        idle = self.idle_for()
        if idle < self.idle_timeout:
            return IdleState.ACTIVE
        if idle < self.idle_timeout + self.idle_countdown:
            return IdleState.ASKING
        return IdleState.EXPIRED

    def seconds_left(self) -> int:
        """Seconds of the countdown still to run (for the dialog)."""
        return max(0, round(self.idle_timeout + self.idle_countdown - self.idle_for()))

    def set_citizen(self, citizen: Any) -> None:
        """A newly scanned card: a different person starts over with a fresh session."""
        if self.citizen is not None and getattr(self.citizen, "id_number", None) != getattr(
            citizen, "id_number", None
        ):
            self.wipe()
        self.citizen = citizen
        self.touch()

    def wipe(self) -> None:
        """Forget everything this citizen entered and start a new session id."""
        self.citizen = None
        self.volunteer = None
        self.data.clear()
        self.id = uuid.uuid4().hex
        self.touch()
