"""open_scanner and parse_spec: connection strings to scanners; `none` and keyboard mode (hid)."""

import time

import pytest

from devices.scanner import CONNECTED, STOPPED, HidScanner, ScannerSpecError, open_scanner, parse_spec
from test_scanner_serial import Recorder


@pytest.fixture
def rec():
    return Recorder()


def test_parse_spec():
    assert parse_spec("serial:/dev/serial/by-id/usb-X-if00?baudrate=115200") == (
        "serial", "/dev/serial/by-id/usb-X-if00", {"baudrate": "115200"})
    assert parse_spec("serial:/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.0") == (
        "serial", "/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.0", {})
    assert parse_spec("hid") == ("hid", None, {})


@pytest.mark.parametrize("spec,words", [
    ("usb:0x1234", "pty, serial, hid or none"),
    ("serial:", "needs a device path"),
    ("serial:/dev/ttyACM0?baudrate=fast", "baudrate must be a number"),
    ("serial:/dev/ttyACM0?baudrate=12345", "not a standard rate"),
    ("serial:/dev/ttyACM0?parity=E", "unknown option 'parity'"),
])
def test_bad_specs_are_named(spec, words):
    with pytest.raises(ScannerSpecError, match=words):
        open_scanner(spec, on_frame=print, on_state=print)


def test_none_and_hid(rec):
    none = open_scanner("none", on_frame=rec.on_frame, on_state=rec.on_state)
    none.start()
    assert none.state == STOPPED
    none.stop()

    hid = open_scanner("hid", on_frame=rec.on_frame, on_state=rec.on_state)
    assert isinstance(hid, HidScanner)
    hid.start()
    try:
        assert hid.state == CONNECTED
        t = time.monotonic()
        for i, ch in enumerate("MCVOL:TNV-0042"):
            hid.feed_text(ch, t + i * 0.004)
        hid.feed_key("enter", t + 0.06)
        hid.feed_text("MCVOL:TNV-0043")  # no Enter: the timer thread flushes it after the quiet gap
        assert rec.wait_frames(2) == ["MCVOL:TNV-0042", "MCVOL:TNV-0043"]
    finally:
        hid.stop()
    assert hid.state == STOPPED and not hid._thread.is_alive()
