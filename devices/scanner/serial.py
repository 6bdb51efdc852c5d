"""SerialScanner (a USB-CDC / RS-232 scanner, or any pyserial URL) and PtyScanner, its twin.

An unplugged scanner never crashes the kiosk: the reader waits (0.5 s doubling to 5 s) and
reconnects when the device path comes back. Logs name states and paths, never what was scanned.
"""

from __future__ import annotations

import fcntl
import os
import struct
import threading
import time
import tty

import serial  # pyserial (absolute import: this module's own name does not shadow it)

from devices.scanner.base import (CONNECTED, DISCONNECTED, RECONNECTING, STOPPED, FrameCallback, Scanner,
                                  StateCallback, brief, close_quietly)
from devices.scanner.frames import FrameAssembler

BACKOFF_START, BACKOFF_MAX = 0.5, 5.0
READ_TIMEOUT = 0.05  # seconds while part of a frame waits: keeps the quiet-gap flush prompt
# seconds with nothing pending: one wake-up every 2 s at idle (at 0.4 s the reader cost the idle kiosk
# about a third of its CPU); stop() wakes the read at once with cancel_read, an unplug ends it too
IDLE_READ_TIMEOUT = 2.0


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
            except Exception:  # the port is already closed or gone
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
            close_quietly(port)

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
                        self._set_state(DISCONNECTED, brief(exc))
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
        self._set_state(DISCONNECTED, brief(exc))
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
