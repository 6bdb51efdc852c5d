"""What every check shares: the result line, the context, and the small text helpers."""

from __future__ import annotations

import grp
import os
import pwd
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TextIO

from kiosk.config import Settings

Status = Literal["PASS", "WARN", "FAIL", "SKIP"]
PASS: Final = "PASS"
WARN: Final = "WARN"
FAIL: Final = "FAIL"
SKIP: Final = "SKIP"


@dataclass(frozen=True)
class Result:
    status: Status
    name: str
    found: str
    fix: str = ""

    def line(self, colour: bool = False) -> str:
        shown: str = self.status
        if colour:
            code = {PASS: "32", WARN: "33", FAIL: "31;1", SKIP: "2"}[self.status]
            shown = f"\033[{code}m{self.status}\033[0m"
        text = f"{shown}  {self.name:<8}  {one_line(self.found)}"
        if self.fix and self.status in (FAIL, WARN):
            text += f" — {one_line(self.fix)}"
        return text


@dataclass
class Context:
    """What every check may read; `facts` carries device status to the office heartbeat."""

    settings: Settings
    test_print: bool = False
    scan_wait: float = 5.0
    out: TextIO = field(default_factory=lambda: sys.stdout)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    facts: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, name: str, text: str) -> None:
        """A prompt while a check waits (e.g. 'scan a card now'); not a result line."""
        with self._lock:
            print(f"....  {name:<8}  {text}", file=self.out, flush=True)

    @property
    def state_dir(self) -> Path:
        return self.settings.kiosk.state_path()

    @property
    def embedded(self) -> bool:
        return self.settings.office.url == "embedded"


def one_line(text: str) -> str:
    """TEXT on one line: a result is one line of the report, whatever the error said."""
    return " ".join(str(text).split())


def brief(exc: BaseException, limit: int = 160) -> str:
    """An exception as "Type: message" on one line, cut to LIMIT characters."""
    return one_line(f"{type(exc).__name__}: {exc}")[:limit]


def size_text(n: float) -> str:
    """A byte count for people: 512 B, 12 KB, 3.4 GB."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def user_name() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def group_names() -> set[str]:
    names = set()
    for gid in set(os.getgroups()) | {os.getegid()}:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            pass
    return names
