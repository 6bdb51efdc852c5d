"""CupsPrinter: a CUPS raw queue through the `lp` and `lpstat` commands (pycups is not needed)."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from devices.printer.base import TicketPrinter, one_line
from devices.printer.blocks import Block
from devices.printer.status import FaultKind, PrinterFault, PrinterStatus, PrintResult

NO_CUPS_CLIENT = "the CUPS client is not installed (apt install cups-client)"


class CupsPrinter(TicketPrinter):
    """A CUPS raw queue through the `lp` and `lpstat` commands (pycups is not needed)."""

    kind = "cups"

    def __init__(self, queue: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.queue = queue

    def describe(self) -> str:
        return f"CUPS queue {self.queue}"

    @staticmethod
    def _run(args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}  # lpstat's words are translated otherwise
        return subprocess.run(args, input=data, capture_output=True, timeout=30, env=env)

    def _status(self) -> PrinterStatus:
        try:
            res = self._run(["lpstat", "-p", self.queue])
        except FileNotFoundError:
            return PrinterStatus(None, "unknown", None, NO_CUPS_CLIENT)
        out = (res.stdout + res.stderr).decode("utf-8", "replace")
        if res.returncode != 0 or "disabled" not in out and "enabled" not in out and "idle" not in out \
                and "printing" not in out:
            return PrinterStatus(False, "unknown", None,
                                 f"CUPS queue {self.queue} not found: {one_line(out, 160)}")
        if "disabled" in out:
            return PrinterStatus(False, "unknown", None,
                                 f"CUPS queue {self.queue} is stopped: run `cupsenable {self.queue}` "
                                 "after fixing the printer")
        return PrinterStatus(True, "unknown", None, f"CUPS queue {self.queue} is accepting jobs")

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        st = self._status()
        if st.online is False:
            kind: FaultKind = "queue_stopped" if "stopped" in st.detail else "error"
            return PrintResult(False, PrinterFault(kind, st.detail))
        if st.online is None:
            return PrintResult(False, PrinterFault("error", st.detail))
        try:
            res = self._run(["lp", "-d", self.queue, "-o", "raw", "-t", job_name], data)
        except FileNotFoundError:
            return PrintResult(False, PrinterFault("error", NO_CUPS_CLIENT))
        except subprocess.TimeoutExpired:
            return PrintResult(False, PrinterFault("error", f"CUPS queue {self.queue}: lp did not finish in 30 s"))
        if res.returncode != 0:
            err = one_line(res.stderr.decode("utf-8", "replace"), 160)
            return PrintResult(False, PrinterFault("error", f"CUPS queue {self.queue} refused the job: {err}"))
        return PrintResult(True, None, len(data))
