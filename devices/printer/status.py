"""Printer status and faults, and how to read them with DLE EOT (real-time status transmission).

DLE EOT n answers one byte whose bits 1 and 4 are always set and bit 7 always clear (so a
healthy printer answers 0x12); a byte that does not look like that is not a status reply.
  n=1 printer:  bit 3 (0x08) offline
  n=2 offline cause: bit 2 (0x04) cover open, bit 5 (0x20) stopped for paper end, bit 6 (0x40) error
  n=4 roll paper: bits 2+3 (0x0C) near end, bits 5+6 (0x60) paper end
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

FaultKind = Literal["offline", "paper_out", "cover_open", "unplugged", "queue_stopped", "error"]
Paper = Literal["ok", "near_end", "out", "unknown"]

DLE_EOT = b"\x10\x04"


@dataclass(frozen=True)
class PrinterFault:
    kind: FaultKind
    detail: str  # one sentence for staff; never personal data


@dataclass(frozen=True)
class PrinterStatus:
    online: bool | None
    paper: Paper
    cover_open: bool | None
    detail: str = ""

    def fault(self) -> PrinterFault | None:
        """The reason not to print now, if the status shows one."""
        if self.paper == "out":
            return PrinterFault("paper_out", "the printer is out of paper: load a new roll")
        if self.cover_open:
            return PrinterFault("cover_open", "the printer cover is open: close it")
        if self.online is False:
            return PrinterFault("offline", self.detail or "the printer reports it is offline")
        return None


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    fault: PrinterFault | None = None
    bytes_sent: int = 0
    preview_png: str | None = None


UNKNOWN = PrinterStatus(None, "unknown", None, "this connection cannot report status")


def valid(byte: int | None) -> bool:
    return byte is not None and byte & 0x93 == 0x12


def decode(printer: int | None, cause: int | None, paper: int | None) -> PrinterStatus:
    """Combine the DLE EOT 1, 2 and 4 replies (None = no reply) into a status."""
    online = None if not valid(printer) else not printer & 0x08
    cover = None if not valid(cause) else bool(cause & 0x04)
    if valid(paper):
        roll: Paper = "out" if paper & 0x60 else "near_end" if paper & 0x0C else "ok"
    elif valid(cause) and cause & 0x20:
        roll = "out"
    else:
        roll = "unknown"
    if online is None and cover is None and roll == "unknown":
        return PrinterStatus(None, "unknown", None, "the printer did not answer the status request")
    parts = []
    if online is False:
        parts.append("offline")
    if cover:
        parts.append("cover open")
    if roll == "out":
        parts.append("paper out")
    elif roll == "near_end":
        parts.append("paper near end: prepare a new roll")
    if valid(cause) and cause & 0x40:
        parts.append("printer error (cutter jam or overheating?)")
    return PrinterStatus(online, roll, cover, "; ".join(parts) or "ready")


def query(send: Callable[[bytes], None], read: Callable[[], bytes]) -> PrinterStatus:
    """Ask DLE EOT 1, 2 and 4 through a connection's raw write and read; the last byte read wins."""
    replies = []
    for n in (1, 2, 4):
        send(DLE_EOT + bytes([n]))
        data = read()
        replies.append(data[-1] if data else None)
    return decode(*replies)
