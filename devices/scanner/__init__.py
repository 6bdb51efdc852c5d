"""QR scanners: USB serial (CDC) through pyserial, keyboard mode (HID), and a pty twin.

    scanner = open_scanner("serial:/dev/serial/by-id/usb-...?baudrate=9600",
                           on_frame=..., on_state=...)
    scanner.start() ... scanner.stop()

`on_frame(text)` and `on_state(state, detail)` are called from the reader thread: the app must
hand them to the UI thread (Kivy's Clock.schedule_once). Nothing here imports Kivy.

States: "connected", "disconnected", "reconnecting", "stopped". An unplugged scanner never
crashes the kiosk: the reader waits (0.5 s doubling to 5 s) and reconnects when the device
path comes back. Logs name states and paths, never what was scanned.

One connection per module behind this face:
  base.py    Scanner, NullScanner, the callbacks and states, ScannerSpecError
  frames.py  FrameAssembler: bytes in, frames out
  serial.py  SerialScanner (pyserial) and PtyScanner, the simulated twin
  hid.py     HidScanner (keyboard mode, through devices.keyboard_wedge)
  spec.py    open_scanner, parse_spec
"""

from devices.scanner.base import (CONNECTED, DISCONNECTED, RECONNECTING, STOPPED, FrameCallback, NullScanner,
                                  Scanner, ScannerSpecError, StateCallback)
from devices.scanner.frames import MAX_FRAME, TERMINATORS, FrameAssembler
from devices.scanner.hid import HidScanner
from devices.scanner.serial import (BACKOFF_MAX, BACKOFF_START, IDLE_READ_TIMEOUT, READ_TIMEOUT, PtyScanner,
                                    SerialScanner)
from devices.scanner.spec import open_scanner, parse_spec

__all__ = [
    "open_scanner", "parse_spec", "ScannerSpecError",
    "Scanner", "NullScanner", "SerialScanner", "PtyScanner", "HidScanner", "FrameAssembler",
    "FrameCallback", "StateCallback", "CONNECTED", "DISCONNECTED", "RECONNECTING", "STOPPED",
    "TERMINATORS", "MAX_FRAME", "BACKOFF_START", "BACKOFF_MAX", "READ_TIMEOUT", "IDLE_READ_TIMEOUT",
]
