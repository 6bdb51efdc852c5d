"""QR scanners: USB serial (CDC) through pyserial, keyboard mode (HID), and a pty twin.

    scanner = open_scanner("serial:/dev/serial/by-id/usb-...?baudrate=9600",
                           on_frame=..., on_state=...)
    scanner.start() ... scanner.stop()

`on_frame(text)` and `on_state(state, detail)` are called from the reader thread: the app must
hand them to the UI thread (Kivy's Clock.schedule_once). Nothing here imports Kivy.

States: "connected", "disconnected", "reconnecting", "stopped". An unplugged scanner never
crashes the kiosk: the reader waits (0.5 s doubling to 5 s) and reconnects when the device
path comes back. Logs name states and paths, never what was scanned.
"""

from __future__ import annotations

import codecs
import fcntl
import logging
import os
import re
import struct
import threading
import time
import tty
from collections.abc import Callable
from urllib.parse import parse_qsl

import serial

from devices.keyboard_wedge import KeyboardWedge

log = logging.getLogger(__name__)

FrameCallback = Callable[[str], None]
StateCallback = Callable[[str, str], None]

CONNECTED, DISCONNECTED, RECONNECTING, STOPPED = "connected", "disconnected", "reconnecting", "stopped"
TERMINATORS = ("auto", "CR", "LF", "CRLF")
BACKOFF_START, BACKOFF_MAX = 0.5, 5.0
READ_TIMEOUT = 0.05  # seconds while part of a frame waits: keeps the quiet-gap flush prompt
IDLE_READ_TIMEOUT = 0.4  # seconds with nothing pending: 2.5 wake-ups a second at idle, stop() still < 1 s
MAX_FRAME = 8192  # characters; a line of noise is cut here rather than growing forever


class ScannerSpecError(ValueError):
    """A scanner connection string that cannot be used; the message names what is wrong."""


class FrameAssembler:
    """Bytes in, frames out: joins reads, keeps a UTF-8 character split across reads whole.

    `terminator`: "CR", "LF", "CRLF", or "auto" (any of them; CRLF counts as one end, even when
    the CR and the LF come in different reads). Bytes that are not UTF-8 become U+FFFD.
    """

    _SPLIT = {"auto": re.compile(r"\r\n|\r|\n"), "CR": re.compile("\r"), "LF": re.compile("\n"),
              "CRLF": re.compile("\r\n")}

    def __init__(self, terminator: str = "auto"):
        if terminator not in TERMINATORS:
            raise ScannerSpecError(f"terminator must be one of {', '.join(TERMINATORS)}, not {terminator!r}")
        self.terminator = terminator
        self._split = self._SPLIT[terminator]
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buf = ""
        self._skip_lf = False  # auto: the last frame ended with CR; an LF right after belongs to it

    @property
    def pending(self) -> bool:
        """Anything received since the last frame (text, or half a UTF-8 character)?"""
        return bool(self._buf) or bool(self._decoder.getstate()[0])

    def feed(self, data: bytes) -> list[str]:
        text = self._decoder.decode(data)
        if not text:
            return []
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = False
        parts = self._split.split(self._buf + text)
        self._buf = parts.pop()
        if self.terminator == "auto" and parts and self._buf == "" and text.endswith("\r"):
            self._skip_lf = True
        frames = [f for f in (self._clean(p) for p in parts) if f]
        if len(self._buf) > MAX_FRAME:
            frames.append(self._buf)
            self._buf = ""
        return frames

    def flush(self) -> str | None:
        """The frame so far, for a scanner that sends no terminator (called after a quiet gap)."""
        text = self._buf + self._decoder.decode(b"", final=True)
        self._decoder.reset()
        self._buf, self._skip_lf = "", False
        return self._clean(text) or None

    @staticmethod
    def _clean(frame: str) -> str:
        return frame.strip("\r\n")


class Scanner:
    """Base: a source of frames with a state. Subclasses run a reader thread."""

    kind = "none"

    def __init__(self, on_frame: FrameCallback, on_state: StateCallback):
        self.on_frame = on_frame
        self.on_state = on_state
        self.path: str | None = None
        self.state = STOPPED
        self.frames = 0  # frames delivered, for `kiosk doctor` and logs

    def start(self) -> None:
        pass

    def stop(self) -> None:
        self._set_state(STOPPED, "stopped")

    def _set_state(self, state: str, detail: str) -> None:
        if state == self.state:
            return
        self.state = state
        level = logging.WARNING if state == DISCONNECTED else logging.INFO
        log.log(level, "scanner %s: %s (%s)", self.kind, state, detail)
        try:
            self.on_state(state, detail)
        except Exception:  # a bug in the app's callback must not kill the reader
            log.exception("scanner on_state callback failed")

    def _emit(self, frame: str) -> None:
        self.frames += 1
        log.debug("scanner %s: frame of %d characters", self.kind, len(frame))
        try:
            self.on_frame(frame)
        except Exception:
            log.exception("scanner on_frame callback failed")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind} {self.path or ''} {self.state}>"


class NullScanner(Scanner):
    """`none`: no scanner configured."""


class SerialScanner(Scanner):
    """A USB-CDC / RS-232 scanner (or any pyserial URL), read on its own thread."""

    kind = "serial"

    def __init__(self, port: str, *, baudrate: int = 9600, terminator: str = "auto",
                 quiet_gap_ms: float = 120, on_frame: FrameCallback, on_state: StateCallback):
        super().__init__(on_frame, on_state)
        self.path = port
        self.baudrate = baudrate
        self.quiet_gap = quiet_gap_ms / 1000
        self._assembler = FrameAssembler(terminator)
        self._port: serial.SerialBase | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner-{self.kind}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        port = self._port
        if port is not None:
            try:
                port.cancel_read()  # wakes a read in progress at once
            except Exception:
                pass
        if self._thread:
            self._thread.join(1.0)
        self._close()
        self._set_state(STOPPED, "stopped")

    # -- the reader -------------------------------------------------------------------------
    def _open(self) -> serial.SerialBase:
        if "://" in self.path:
            return serial.serial_for_url(self.path, baudrate=self.baudrate, timeout=READ_TIMEOUT)
        return serial.Serial(self.path, baudrate=self.baudrate, timeout=READ_TIMEOUT)

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except Exception:
                pass

    def _vanished(self) -> bool:
        """The device node (or its /dev/serial/by-id link) is gone: unplugged."""
        return "://" not in self.path and not os.path.exists(self.path)

    def _run(self) -> None:
        backoff = BACKOFF_START
        last_data = time.monotonic()
        last_check = 0.0
        while not self._stop.is_set():
            if self._port is None:
                try:
                    self._port = self._open()
                except (serial.SerialException, OSError, ValueError) as exc:
                    if self.state != RECONNECTING:
                        self._set_state(DISCONNECTED, _brief(exc))
                    if self._stop.wait(backoff):
                        break
                    self._set_state(RECONNECTING, f"retrying {self.path}")
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    continue
                backoff = BACKOFF_START
                self._set_state(CONNECTED, self.path)
            try:
                wanted = READ_TIMEOUT if self._assembler.pending else IDLE_READ_TIMEOUT
                if self._port.timeout != wanted:  # changing it reconfigures the port: only when needed
                    self._port.timeout = wanted
                data = self._port.read(max(1, self._port.in_waiting))
                now = time.monotonic()
                if now - last_check > 0.5:
                    last_check = now
                    if self._vanished():
                        raise serial.SerialException("device path vanished")
            except (serial.SerialException, OSError, TypeError) as exc:
                # TypeError: pyserial can trip over a port closed under it during unplug.
                if self._stop.is_set():
                    break
                self._lost(exc)
                continue
            if data:
                last_data = now
                for frame in self._assembler.feed(data):
                    self._emit(frame)
            elif self._assembler.pending and now - last_data >= self.quiet_gap:
                frame = self._assembler.flush()
                if frame:
                    self._emit(frame)

    def _lost(self, exc: BaseException) -> None:
        self._close()
        frame = self._assembler.flush()  # what arrived before the unplug is still a frame
        if frame:
            self._emit(frame)
        self._set_state(DISCONNECTED, _brief(exc))
        self._stop.wait(BACKOFF_START)  # a device that fails at once must not spin open/fail


class PtyScanner(SerialScanner):
    """The simulated scanner: a pseudo-terminal; anyone can scan with `printf '...\\r' > PATH`.

    The kiosk reads the pty's master through pyserial (/dev/ptmx), as it reads a real device;
    `path` is the slave, which stays open here so writers may come and go.
    """

    kind = "pty"
    _TIOCSPTLCK, _TIOCGPTN = 0x40045431, 0x80045430  # Linux ioctls: unlock the slave, get its number

    def __init__(self, **kw):
        super().__init__("/dev/ptmx", **kw)
        self._slave_fd: int | None = None
        self._master = self._make_pty()

    def _make_pty(self) -> serial.Serial:
        master = serial.Serial("/dev/ptmx", timeout=READ_TIMEOUT)
        fcntl.ioctl(master.fileno(), self._TIOCSPTLCK, struct.pack("i", 0))
        number = struct.unpack("I", fcntl.ioctl(master.fileno(), self._TIOCGPTN, b"\0" * 4))[0]
        self.path = f"/dev/pts/{number}"
        self._slave_fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self._slave_fd)  # no echo, no LF -> CRLF: bytes pass as written
        return master

    def _open(self) -> serial.SerialBase:
        master, self._master = self._master, None
        if master is None:  # the old pty failed: make a new one (new path, logged)
            self._close_slave()
            master = self._make_pty()
        return master

    def _vanished(self) -> bool:
        return False

    def _close_slave(self) -> None:
        if self._slave_fd is not None:
            os.close(self._slave_fd)
            self._slave_fd = None

    def stop(self) -> None:
        super().stop()
        if self._master is not None:  # never started
            self._master.close()
            self._master = None
        self._close_slave()


class HidScanner(Scanner):
    """A keyboard-mode scanner: the app feeds it the window's key events (UI thread).

    `feed_text(text, t)` / `feed_key(key, t)` with `t` from time.monotonic() (or omitted).
    A timer thread flushes bursts that end without Enter. Frames that lost their Vietnamese
    letters are still delivered: the card rules tell the app to show the note.
    """

    kind = "hid"

    def __init__(self, *, quiet_gap_ms: float = 120, on_frame: FrameCallback, on_state: StateCallback,
                 max_gap_ms: float = 50, min_length: int = 8):
        super().__init__(on_frame, on_state)
        self.path = "keyboard"
        self.wedge = KeyboardWedge(self._from_wedge, max_gap_ms=max_gap_ms, min_length=min_length,
                                   quiet_gap_ms=quiet_gap_ms)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def feed_text(self, text: str, t: float | None = None) -> None:
        self.wedge.feed_text(text, t)

    def feed_key(self, key: object, t: float | None = None) -> None:
        self.wedge.feed_key(key, t)

    def _from_wedge(self, frame: str) -> None:
        self._emit(frame)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name="scanner-hid", daemon=True)
        self._thread.start()
        self._set_state(CONNECTED, "keyboard mode")

    def _poll(self) -> None:
        while not self._stop.wait(self.wedge.quiet_gap / 2):
            self.wedge.poll()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(1.0)
        super().stop()


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def parse_spec(spec: str) -> tuple[str, str | None, dict[str, str]]:
    """'serial:/dev/x?baudrate=9600' -> ('serial', '/dev/x', {'baudrate': '9600'})."""
    scheme, _, rest = spec.strip().partition(":")
    if scheme not in ("pty", "serial", "hid", "none"):
        raise ScannerSpecError(f"scanner connection must start with pty, serial, hid or none, not {spec!r}")
    if scheme != "serial":
        return scheme, None, {}
    path, _, query = rest.rpartition("?") if "?" in rest else (rest, "", "")
    if not path:
        raise ScannerSpecError("scanner connection 'serial:' needs a device path, e.g. serial:/dev/ttyACM0")
    params = dict(parse_qsl(query, keep_blank_values=True))
    unknown = set(params) - {"baudrate"}
    if unknown:
        raise ScannerSpecError(f"scanner connection: unknown option {sorted(unknown)[0]!r}; allowed: baudrate")
    return scheme, path, params


def open_scanner(spec: str, *, terminator: str = "auto", quiet_gap_ms: float = 120,
                 on_frame: FrameCallback, on_state: StateCallback) -> Scanner:
    """Make the scanner named by SPEC (config [scanner] connection). Call `.start()` to run it.

    pty | serial:/dev/serial/by-id/...?baudrate=9600 | serial:socket://host:port | hid | none
    """
    scheme, path, params = parse_spec(spec)
    if terminator not in TERMINATORS:
        raise ScannerSpecError(f"scanner terminator must be one of {', '.join(TERMINATORS)}")
    if scheme == "none":
        return NullScanner(on_frame, on_state)
    if scheme == "hid":
        return HidScanner(quiet_gap_ms=quiet_gap_ms, on_frame=on_frame, on_state=on_state)
    kw = dict(terminator=terminator, quiet_gap_ms=quiet_gap_ms, on_frame=on_frame, on_state=on_state)
    if scheme == "pty":
        return PtyScanner(**kw)
    try:
        baudrate = int(params.get("baudrate", "9600"))
    except ValueError:
        raise ScannerSpecError(f"scanner baudrate must be a number, not {params['baudrate']!r}") from None
    if baudrate not in serial.Serial.BAUDRATES:
        raise ScannerSpecError(f"scanner baudrate {baudrate} is not a standard rate (e.g. 9600, 115200)")
    return SerialScanner(path, baudrate=baudrate, **kw)
