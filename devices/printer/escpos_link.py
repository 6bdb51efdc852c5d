"""EscposPrinter: a python-escpos connection (Usb, Serial, Network, File; Dummy in tests).

This is the one file that reaches into python-escpos's private members (`_raw`, `_read`,
`_device`): python-escpos has no public way to send raw bytes in chunks, read a DLE EOT reply or
set a write timeout on the port. The version pin (<4) protects these accesses; keep them here.
"""

from __future__ import annotations

from typing import Any, Callable, Literal

from devices.printer.escpos_cache import stable_escpos_cache  # noqa: F401  (re-exported)
from devices.printer.base import CHUNK, STATUS_TIMEOUT, WRITE_TIMEOUT, TicketPrinter, close_quietly, one_line
from devices.printer.blocks import Block
from devices.printer.status import PrinterFault, PrinterStatus, PrintResult, query


class EscposPrinter(TicketPrinter):
    """A python-escpos connection (Usb, Serial, Network, File, or Dummy in tests).

    `connect` makes a fresh python-escpos printer object for each job, so a printer that was
    unplugged and plugged back in works again on the next ticket without a restart.
    """

    def __init__(self, connect: Callable[[], Any], *, reads_back: bool, where: str,
                 not_found: Literal["unplugged", "offline"] = "unplugged", **kw: Any) -> None:
        super().__init__(**kw)
        self.connect = connect
        self.reads_back = reads_back
        self.where = where
        self.not_found = not_found
        self._answered = False  # has this printer ever answered a status request?

    def describe(self) -> str:
        return self.where

    def _open(self) -> tuple[Any, PrinterFault | None]:
        try:
            device = self.connect()
            device.open()
            port = getattr(device, "_device", None)
            if hasattr(port, "write_timeout"):  # pyserial: a printer holding flow control must not hang us
                port.write_timeout = WRITE_TIMEOUT
            return device, None
        except Exception as exc:
            text = one_line(exc)
            if "ermission denied" in text or "ccess denied" in text:
                return None, PrinterFault("error", f"{self.where}: permission denied; add the kiosk user "
                                                   "to the lp/dialout group or install the udev rule")
            what = "not found: check the cable and the power" if self.not_found == "unplugged" \
                else "not reachable: check that it is on and on the network"
            return None, PrinterFault(self.not_found, f"{self.where} {what} ({text[:160]})")

    @staticmethod
    def _close(device: Any) -> None:
        try:
            device.close()
        except Exception:  # flushing to a vanished device fails: just release the handle
            close_quietly(getattr(device, "_device", None))
            device._device = False

    def _lost(self, sent: int, total: int, exc: Exception) -> str:
        return (f"{self.where}: connection lost after {sent} of {total} bytes "
                f"(unplugged or switched off?): {one_line(exc, 120)}")

    def _ask(self, device: Any) -> PrinterStatus:
        port = getattr(device, "_device", None)

        def read() -> bytes:
            try:
                if hasattr(port, "in_waiting"):  # pyserial: read(16) would wait out the whole timeout
                    data = port.read(1)
                    return data + port.read(port.in_waiting)
                return bytes(device._read() or b"")
            except Exception:  # a timeout or a printer that does not answer
                return b""

        # a printer answers DLE EOT within milliseconds; one that never does must not stall the job
        if hasattr(port, "settimeout"):  # socket
            saved, port_set = port.gettimeout(), port.settimeout
        elif hasattr(port, "in_waiting"):  # pyserial
            saved, port_set = port.timeout, lambda t: setattr(port, "timeout", t)
        else:
            saved, port_set = None, None
        if port_set:
            port_set(STATUS_TIMEOUT)
        try:
            status = query(device._raw, read)
        finally:
            if port_set:
                port_set(saved)
        if status.online is not None or status.paper != "unknown":
            self._answered = True
        elif self._answered:  # it answered before and now stays silent: switched off
            status = PrinterStatus(False, "unknown", None,
                                   f"{self.where} stopped answering: is it switched on?")
        return status

    def _status(self) -> PrinterStatus:
        if not self.reads_back:
            return PrinterStatus(None, "unknown", None, f"{self.where} cannot report status (write-only)")
        device, fault = self._open()
        if fault:
            return PrinterStatus(False, "unknown", None, fault.detail)
        try:
            return self._ask(device)
        except Exception as exc:
            return PrinterStatus(False, "unknown", None, self._lost(0, 0, exc).replace(" after 0 of 0 bytes", ""))
        finally:
            self._close(device)

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        device, fault = self._open()
        if fault:
            return PrintResult(False, fault)
        try:
            if self.reads_back:
                try:
                    fault = self._ask(device).fault()
                except Exception as exc:  # the status request itself could not be written
                    return PrintResult(False, PrinterFault("unplugged", self._lost(0, len(data), exc)))
                if fault:
                    return PrintResult(False, fault)
            sent = 0
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                try:
                    device._raw(chunk)
                except Exception as exc:
                    return PrintResult(False, PrinterFault("unplugged", self._lost(sent, len(data), exc)), sent)
                sent += len(chunk)
            if self.reads_back:  # paper may have run out or the cover opened during the job
                try:
                    after = self._ask(device)
                except Exception as exc:
                    return PrintResult(False, PrinterFault("unplugged", self._lost(sent, len(data), exc)), sent)
                fault = after.fault() if after.online is not None or after.paper != "unknown" else None
                if fault:
                    return PrintResult(False, fault, sent)
            return PrintResult(True, None, sent)
        finally:
            self._close(device)
