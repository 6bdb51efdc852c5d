"""The ticket printer: layout blocks in, paper (or a PNG preview) out.

    printer = open_printer("usb:0x0416:0x5011", paper_width=80)
    result = printer.print_blocks(blocks, "A012")   # PrintResult(ok, fault, bytes_sent, preview_png)
    printer.status()                                # PrinterStatus(online, paper, cover_open, detail)

Connection specs (config key [printer] connection):
  usb:VID:PID[?in_ep=0x82&out_ep=0x01]   python-escpos Usb (needs pyusb); reads status back
  serial:/dev/ttyUSB0[?baudrate=19200&flow=none]  python-escpos Serial (DSR/DTR unless flow=none);
                                         reads status back
  network:HOST[:PORT]                    raw TCP, port 9100 by default; reads status back
  cups:QUEUE                             `lp -d QUEUE -o raw`; status from `lpstat -p QUEUE`
  file:PATH                              e.g. /dev/usb/lp0; write only, status unknown
  preview:DIR | preview                  the simulated twin: DIR/<job>.png and DIR/<job>.bin
  none                                   no printer: every print reports an offline fault
Any spec may end in `?align=pad` for a printer that prints every image at the left edge (it
ignores ESC a for images): images are then placed with white padding (more bytes, raster QR).

Printing and status calls block on I/O: call them from a worker thread, never the UI thread.
Each printer object serialises its calls with a lock. Printer faults never raise: they come back
as a PrinterFault in the PrintResult. Only a malformed spec raises (PrinterSpecError, at start).

Heavy imports (Pillow, python-escpos) happen on first use, so `devices.printer.blocks` stays cheap.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs

from devices.printer.blocks import QR, Block, Cut, Rule, Spacer, Text
from devices.printer.status import PrinterFault, PrinterStatus, PrintResult, UNKNOWN, query

__all__ = [
    "open_printer", "TicketPrinter", "EscposPrinter", "CupsPrinter", "PreviewPrinter", "NullPrinter", "PrintResult", "PrinterFault", "PrinterStatus", "PrinterSpecError",
    "Text", "Rule", "QR", "Spacer", "Cut", "Block",
]

log = logging.getLogger(__name__)

# python-escpos caches its parsed printer database in ESCPOS_CAPABILITIES_PICKLE_DIR, which
# defaults to a new temporary folder per process: the cache never hits, and reading the database
# cost 0.4-1.5 s at every start here (0.1 s from the cache). Keep it in a stable cache folder
# (systemd's CacheDirectory= when running as the service).
def _stable_escpos_cache() -> None:
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    base = ((os.environ.get("CACHE_DIRECTORY") or "").split(":")[0]
            or os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    folder = os.path.join(base, "python-escpos")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:  # read-only home: python-escpos falls back to its own temporary folder
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder


_stable_escpos_cache()

WRITE_TIMEOUT = 10  # seconds a serial write may block before the job counts as lost
STATUS_TIMEOUT = 0.5  # seconds to wait for each DLE EOT reply
CHUNK = 1024  # bytes per write, so an unplug mid-job is noticed and counted
SIMULATED_FAULT_FILE = "simulate-fault"  # preview twin: put a fault kind in DIR/simulate-fault


class PrinterSpecError(ValueError):
    """A connection spec that cannot work; the message names the config key."""


def _safe_job_name(job_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", job_name)[:80].strip("._") or "job"


class TicketPrinter:
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
                log.exception("cannot lay out print job %s", _safe_job_name(job_name))
                return PrintResult(False, PrinterFault("error", f"cannot lay out the slip: {exc}"))
            try:
                return self._print(data, _safe_job_name(job_name), blocks)
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

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        raise NotImplementedError

    def _status(self) -> PrinterStatus:
        return UNKNOWN


class EscposPrinter(TicketPrinter):
    """A python-escpos connection (Usb, Serial, Network, File, or Dummy in tests).

    `connect` makes a fresh python-escpos printer object for each job, so a printer that was
    unplugged and plugged back in works again on the next ticket without a restart.
    """

    def __init__(self, connect: Callable[[], Any], *, reads_back: bool, where: str,
                 not_found: str = "unplugged", **kw: Any) -> None:
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
            text = " ".join(str(exc).split())
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
            port = getattr(device, "_device", None)
            try:
                port.close()
            except Exception:
                pass
            device._device = False

    def _lost(self, sent: int, total: int, exc: Exception) -> str:
        return (f"{self.where}: connection lost after {sent} of {total} bytes "
                f"(unplugged or switched off?): {' '.join(str(exc).split())[:120]}")

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
            return PrinterStatus(None, "unknown", None, "the CUPS client is not installed (apt install cups-client)")
        out = (res.stdout + res.stderr).decode("utf-8", "replace")
        if res.returncode != 0 or "disabled" not in out and "enabled" not in out and "idle" not in out \
                and "printing" not in out:
            return PrinterStatus(False, "unknown", None,
                                 f"CUPS queue {self.queue} not found: {' '.join(out.split())[:160]}")
        if "disabled" in out:
            return PrinterStatus(False, "unknown", None,
                                 f"CUPS queue {self.queue} is stopped: run `cupsenable {self.queue}` "
                                 "after fixing the printer")
        return PrinterStatus(True, "unknown", None, f"CUPS queue {self.queue} is accepting jobs")

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        st = self._status()
        if st.online is False:
            kind = "queue_stopped" if "stopped" in st.detail else "error"
            return PrintResult(False, PrinterFault(kind, st.detail))
        if st.online is None:
            return PrintResult(False, PrinterFault("error", st.detail))
        try:
            res = self._run(["lp", "-d", self.queue, "-o", "raw", "-t", job_name], data)
        except FileNotFoundError:
            return PrintResult(False, PrinterFault("error", "the CUPS client is not installed (apt install cups-client)"))
        except subprocess.TimeoutExpired:
            return PrintResult(False, PrinterFault("error", f"CUPS queue {self.queue}: lp did not finish in 30 s"))
        if res.returncode != 0:
            err = " ".join(res.stderr.decode("utf-8", "replace").split())[:160]
            return PrintResult(False, PrinterFault("error", f"CUPS queue {self.queue} refused the job: {err}"))
        return PrintResult(True, None, len(data))


class PreviewPrinter(TicketPrinter):
    """The simulated twin: writes <job>.bin (the exact bytes) and <job>.png (the paper) into a folder.

    For demos and UI tests, a file named `simulate-fault` in the folder holding a fault kind
    (e.g. "paper_out") makes every print fail with that fault, and status() report it.
    """

    kind = "preview"

    def __init__(self, folder: Path, **kw: Any) -> None:
        super().__init__(**kw)
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"preview printer ({self.folder})"

    def _simulated_fault(self) -> PrinterFault | None:
        try:
            kind = (self.folder / SIMULATED_FAULT_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if kind not in ("offline", "paper_out", "cover_open", "unplugged", "queue_stopped", "error"):
            kind = "error"
        return PrinterFault(kind, f"simulated fault ({self.folder / SIMULATED_FAULT_FILE})")  # type: ignore[arg-type]

    def _status(self) -> PrinterStatus:
        fault = self._simulated_fault()
        if fault:
            return PrinterStatus(fault.kind not in ("offline", "unplugged"), "out" if fault.kind == "paper_out" else "ok",
                                 fault.kind == "cover_open", fault.detail)
        return PrinterStatus(True, "ok", False, f"preview printer: PNG files in {self.folder}")

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        from devices.printer.preview import paper_png
        from devices.printer.render import encode, paper_dots

        fault = self._simulated_fault()
        if fault:
            return PrintResult(False, fault)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.folder / f"{job_name}.bin", data)
            png = self.folder / f"{job_name}.png"
            # The PNG is drawn from the raster bytes (in text mode, from what raster mode would send).
            raster = data if self.mode == "raster" else encode(
                blocks, paper_width=self.paper_width, profile=self.profile, native_qr=self.native_qr,
                pad_align=self.pad_align)
            tmp = png.with_name(f".{png.name}.tmp")
            paper_png(raster, paper_dots(self.paper_width, self.profile), tmp)
            os.replace(tmp, png)
        except OSError as exc:
            return PrintResult(False, PrinterFault("error", f"preview folder {self.folder}: {exc}"))
        return PrintResult(True, None, len(data), str(png))


class NullPrinter(TicketPrinter):
    kind = "none"

    def describe(self) -> str:
        return "no printer"

    def _status(self) -> PrinterStatus:
        return PrinterStatus(None, "unknown", None, "no printer configured ([printer] connection = none)")

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        return PrintResult(False, PrinterFault("offline", "no printer configured ([printer] connection = none)"))


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bad(spec: str, why: str) -> PrinterSpecError:
    return PrinterSpecError(f"[printer] connection = {spec!r}: {why}")


def _split_query(rest: str) -> tuple[str, dict[str, str]]:
    path, _, q = rest.partition("?")
    return path, {k: v[-1] for k, v in parse_qs(q).items()}


def _int(spec: str, value: str, name: str, base: int = 10) -> int:
    try:
        return int(value, base)
    except ValueError:
        raise _bad(spec, f"{name} must be a number, not {value!r}") from None


def open_printer(spec: str, *, paper_width: int = 80, profile: str = "default", mode: str = "raster",
                 codepage: str | None = None, state_dir: str | os.PathLike[str] | None = None) -> TicketPrinter:
    """Build the printer for a connection spec (see the module docstring). Does not touch the device."""
    from escpos.capabilities import get_profile

    if paper_width not in (58, 80):
        raise PrinterSpecError(f"[printer] paper_width = {paper_width!r}: must be 58 or 80")
    if mode not in ("raster", "text"):
        raise PrinterSpecError(f"[printer] mode = {mode!r}: must be raster or text")
    try:
        get_profile(profile)
    except KeyError:
        raise PrinterSpecError(f"[printer] profile = {profile!r}: not a python-escpos printer profile "
                               "(e.g. default, TM-T20II, POS-5890)") from None
    scheme, _, rest = spec.strip().partition(":")
    rest, opts = _split_query(rest)
    if opts.get("align", "escpos") not in ("escpos", "pad"):
        raise _bad(spec, "align must be escpos (ESC a) or pad (for printers that print images at the left)")
    kw: dict[str, Any] = dict(paper_width=paper_width, profile=profile, mode=mode, codepage=codepage,
                              pad_align=opts.get("align") == "pad")

    if scheme == "none":
        return NullPrinter(**kw)
    if scheme == "preview":
        if rest:
            folder = Path(rest).expanduser()
        elif state_dir is not None:
            folder = Path(state_dir) / "previews"
        else:
            from kiosk.paths import default_state_dir

            folder = default_state_dir() / "previews"
        return PreviewPrinter(folder, **kw)
    if scheme == "file":
        if not rest:
            raise _bad(spec, "give a path, e.g. file:/dev/usb/lp0")
        from escpos.printer import File

        return EscposPrinter(lambda: File(rest, profile=profile), reads_back=False,
                             where=f"printer file {rest}", **kw)
    if scheme == "cups":
        if not re.fullmatch(r"[A-Za-z0-9_.\-@]+", rest or ""):
            raise _bad(spec, "give a CUPS queue name, e.g. cups:Thermal80")
        return CupsPrinter(rest, **kw)
    if scheme == "serial":
        path = rest
        if not path:
            raise _bad(spec, "give a device, e.g. serial:/dev/ttyUSB0?baudrate=19200")
        baudrate = _int(spec, opts.get("baudrate", "9600"), "baudrate")
        dsrdtr = opts.get("flow", "dsrdtr") == "dsrdtr"
        from escpos.printer import Serial

        return EscposPrinter(lambda: Serial(path, baudrate=baudrate, timeout=1, dsrdtr=dsrdtr, profile=profile),
                             reads_back=True, where=f"serial printer {path}", **kw)
    if scheme == "network":
        host, _, port_text = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "9100")
        if not host:
            raise _bad(spec, "give a host, e.g. network:192.168.1.50 or network:192.168.1.50:9100")
        port = _int(spec, port_text, "port")
        from escpos.printer import Network

        return EscposPrinter(lambda: Network(host, port=port, timeout=5, profile=profile), reads_back=True,
                             where=f"network printer {host}:{port}", not_found="offline", **kw)
    if scheme == "usb":
        parts = rest.split(":")
        if len(parts) != 2:
            raise _bad(spec, "give vendor and product id, e.g. usb:0x0416:0x5011")
        vid, pid = (_int(spec, p, "USB id", 16) for p in parts)
        extra = {k: _int(spec, opts[k], k, 16) for k in ("in_ep", "out_ep") if k in opts}
        from escpos.printer import Usb

        return EscposPrinter(lambda: Usb(vid, pid, timeout=5000, profile=profile, **extra), reads_back=True,
                             where=f"USB printer {vid:04x}:{pid:04x}", **kw)
    raise _bad(spec, "must start with usb:, serial:, network:, cups:, file:, preview or none")
