"""The printer every transport shares: blocks in, one PrintResult out, never an exception.

A transport subclass implements `_print` (and `_status` when it can ask the printer); the base
lays the blocks out, serialises calls with a lock and turns every failure into a value. It is an
ABC so a transport that forgets `_print` fails when it is built, not at the first ticket.
"""

from __future__ import annotations

import abc
import logging
import re
import threading
from typing import Any

from devices.printer.blocks import QR, Block, Text
from devices.printer.status import UNKNOWN, PrinterFault, PrinterStatus, PrintResult

log = logging.getLogger(__name__)

WRITE_TIMEOUT = 10  # seconds a serial write may block before the job counts as lost
STATUS_TIMEOUT = 0.5  # seconds to wait for each DLE EOT reply
CHUNK = 1024  # bytes per write, so an unplug mid-job is noticed and counted


def safe_job_name(job_name: str) -> str:
    """A job name fit for a file name or an `lp -t` title."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", job_name)[:80].strip("._") or "job"


def one_line(text: object, limit: int | None = None) -> str:
    """An error text on one line, cut to `limit` characters: device errors can be long and multi-line."""
    return " ".join(str(text).split())[:limit]


def close_quietly(handle: Any) -> None:
    """Close a handle that may already be gone (unplugged device, dropped socket)."""
    try:
        handle.close()
    except Exception:  # nothing left to release
        pass


class TicketPrinter(abc.ABC):
    """Base class: encodes blocks, serialises calls, turns every failure into a PrintResult."""

    kind = "printer"

    def __init__(self, *, paper_width: int = 80, profile: str = "default", mode: str = "raster",
                 codepage: str | None = None, native_qr: bool | None = None,
                 pad_align: bool = False) -> None:
        self.paper_width = paper_width
        self.pad_align = pad_align
        self.profile = profile
        self.mode = mode
        self.codepage = codepage
        self.native_qr = native_qr
        self._lock = threading.Lock()

    def describe(self) -> str:
        return self.kind

    def encode(self, blocks: list[Block]) -> bytes:
        """The exact bytes this printer is sent for `blocks`."""
        from devices.printer.escpos_cache import stable_escpos_cache

        stable_escpos_cache()  # before render imports python-escpos for the first time
        from devices.printer.render import encode

        return encode(blocks, paper_width=self.paper_width, profile=self.profile, mode=self.mode,
                      native_qr=self.native_qr, codepage=self.codepage, pad_align=self.pad_align)

    def warm_up(self) -> None:
        """Load python-escpos, Pillow and the fonts now (about a second on a Pi), not at the first ticket."""
        self.encode([Text("Sẵn sàng", size=24), Text("0", size=120, bold=True), QR("warm-up")])

    def print_blocks(self, blocks: list[Block], job_name: str = "ticket") -> PrintResult:
        with self._lock:
            try:
                data = self.encode(blocks)
            except Exception as exc:  # a layout bug must not take the kiosk down
                log.exception("cannot lay out print job %s", safe_job_name(job_name))
                return PrintResult(False, PrinterFault("error", f"cannot lay out the slip: {exc}"))
            try:
                return self._print(data, safe_job_name(job_name), blocks)
            except Exception as exc:
                log.exception("unexpected error printing on %s", self.describe())
                return PrintResult(False, PrinterFault("error", f"{self.describe()}: unexpected error: {exc}"))

    def status(self) -> PrinterStatus:
        with self._lock:
            try:
                return self._status()
            except Exception as exc:
                log.warning("status of %s failed: %s", self.describe(), exc)
                return PrinterStatus(None, "unknown", None, f"{self.describe()}: status failed: {exc}")

    @abc.abstractmethod
    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        """Send `data` (the encoded `blocks`); report faults in the result, do not raise."""

    def _status(self) -> PrinterStatus:
        return UNKNOWN
