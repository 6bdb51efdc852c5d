"""From a connection string (config key [scanner] connection) to a scanner object.

    pty | serial:/dev/serial/by-id/...?baudrate=9600 | serial:socket://host:port | hid | none
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import serial  # pyserial: its list of standard baud rates

from devices.scanner.base import FrameCallback, NullScanner, Scanner, ScannerSpecError, StateCallback
from devices.scanner.frames import TERMINATORS
from devices.scanner.hid import HidScanner
from devices.scanner.serial import PtyScanner, SerialScanner


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
