"""Serial and pty scanners over real pseudo-terminals: chunked frames, quiet gap, unplug/replug."""

from __future__ import annotations

import os
import random
import threading
import time
import tty

import pytest

from devices.scanner import CONNECTED, DISCONNECTED, RECONNECTING, STOPPED, open_scanner
from kiosk.domain import cccd

CARD = "001089012345|123456789|Nguyễn Văn An|15031989|Nam|Số 12 ngõ 34 phố Huế, Hà Nội|01052021"
WAIT = 5.0  # generous deadline for a reader thread to deliver; never a speed assertion


class Recorder:
    """Collects what the reader thread reports, with a condition to wait on."""

    def __init__(self):
        self.frames: list[str] = []
        self.states: list[tuple[str, str]] = []
        self.threads: set[str] = set()
        self.cond = threading.Condition()

    def on_frame(self, text):
        with self.cond:
            self.frames.append(text)
            self.threads.add(threading.current_thread().name)
            self.cond.notify_all()

    def on_state(self, state, detail):
        with self.cond:
            self.states.append((state, detail))
            self.cond.notify_all()

    def wait_frames(self, n):
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.frames) >= n, WAIT), f"got {self.frames!r}"
        return self.frames[:n]

    def wait_state(self, state, after=0):
        with self.cond:
            ok = self.cond.wait_for(lambda: any(s == state for s, _ in self.states[after:]), WAIT + 6)
            assert ok, f"never reached {state}: {self.states!r}"


@pytest.fixture
def rec():
    return Recorder()


@pytest.fixture
def pty_scanner(rec):
    # A quiet gap well above the test's own pauses, so a busy CI machine cannot split a frame.
    s = open_scanner("pty", quiet_gap_ms=400, on_frame=rec.on_frame, on_state=rec.on_state)
    s.start()
    yield s
    s.stop()


def _write_chunks(path_or_fd, data: bytes, rnd: random.Random, max_delay=0.02):
    fd = os.open(path_or_fd, os.O_WRONLY | os.O_NOCTTY) if isinstance(path_or_fd, str) else path_or_fd
    try:
        i = 0
        while i < len(data):
            n = rnd.randint(1, 9)
            os.write(fd, data[i:i + n])
            i += n
            time.sleep(rnd.uniform(0, max_delay))
    finally:
        if isinstance(path_or_fd, str):
            os.close(fd)


# --- the pty twin -----------------------------------------------------------------------------

def test_pty_scanner_delivers_frames_written_in_random_chunks(pty_scanner, rec):
    assert pty_scanner.state == CONNECTED and pty_scanner.path.startswith("/dev/pts/")
    rnd = random.Random(7)
    texts = [CARD, "MCVOL:TNV-0042", "Trần Thị Bích Ngọc|Nữ", CARD.replace("An", "Ánh")]
    ends = [b"\r", b"\r\n", b"\n", b"\r\n"]
    data = b"".join(t.encode() + e for t, e in zip(texts, ends))
    _write_chunks(pty_scanner.path, data, rnd)
    assert rec.wait_frames(4) == texts
    assert cccd.parse(rec.frames[0]).full_name == "Nguyễn Văn An"
    assert rec.threads == {"scanner-pty"}  # callbacks run on the reader thread, not the caller's


def test_pty_split_character_and_split_crlf_with_pauses(pty_scanner, rec):
    fd = os.open(pty_scanner.path, os.O_WRONLY | os.O_NOCTTY)
    try:
        raw = "Nữ".encode()
        os.write(fd, b"N" + raw[1:2])     # half of 'ữ' ...
        time.sleep(0.05)                  # ... a pause shorter than the quiet gap
        os.write(fd, raw[2:] + b"\r")     # CR ...
        time.sleep(0.05)
        os.write(fd, b"\nnext\r\n")       # ... LF in the next write: still one frame end
    finally:
        os.close(fd)
    assert rec.wait_frames(2) == ["Nữ", "next"]
    time.sleep(0.6)  # past the quiet gap: nothing left over to flush
    assert rec.frames == ["Nữ", "next"]  # no empty or extra frame from the split CRLF


def test_pty_frame_without_terminator_flushed_after_quiet_gap(pty_scanner, rec):
    fd = os.open(pty_scanner.path, os.O_WRONLY | os.O_NOCTTY)
    try:
        _write_chunks(fd, CARD.encode(), random.Random(3), max_delay=0.01)  # pauses < quiet gap
    finally:
        os.close(fd)
    assert rec.wait_frames(1) == [CARD]


def test_pty_writers_may_come_and_go(pty_scanner, rec):
    for i in range(3):
        os.system(f"printf 'scan{i}\\r' > {pty_scanner.path}")
    assert rec.wait_frames(3) == ["scan0", "scan1", "scan2"]
    assert pty_scanner.state == CONNECTED


def test_callback_errors_do_not_kill_the_reader(rec):
    calls = []

    def bad(frame):
        calls.append(frame)
        raise RuntimeError("app bug")

    s = open_scanner("pty", on_frame=bad, on_state=rec.on_state)
    s.start()
    try:
        os.system(f"printf 'one\\rtwo\\r' > {s.path}")
        deadline = time.monotonic() + WAIT
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert calls == ["one", "two"] and s.state == CONNECTED
    finally:
        s.stop()


def test_stop_is_prompt_and_final(rec):
    s = open_scanner("pty", on_frame=rec.on_frame, on_state=rec.on_state)
    s.start()
    rec.wait_state(CONNECTED)
    s.stop()
    assert not s._thread.is_alive()
    assert s.state == STOPPED and rec.states[-1][0] == STOPPED


# --- a serial device behind a /dev/serial/by-id style link: unplug and replug ----------------

def _plug(link):
    """A fresh pty standing for the scanner; LINK points at its slave, as udev's by-id link does."""
    master, slave = os.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    os.close(slave)  # the kiosk opens it by path, like a real device
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(name, link)
    return master


@pytest.mark.slow
def test_unplug_and_replug(tmp_path, rec, caplog):
    link = str(tmp_path / "usb-Newland_HR22_Scanner-if00")
    master = _plug(link)
    s = open_scanner(f"serial:{link}?baudrate=115200", on_frame=rec.on_frame, on_state=rec.on_state)
    s.start()
    try:
        rec.wait_state(CONNECTED)
        os.write(master, CARD.encode() + b"\r")
        assert rec.wait_frames(1) == [CARD]

        n = len(rec.states)
        os.unlink(link)      # unplugged: udev removes the link...
        os.close(master)     # ...and the device goes away
        rec.wait_state(DISCONNECTED, n)
        rec.wait_state(RECONNECTING, n)  # it keeps trying while the path is missing
        assert s._thread.is_alive()

        master = _plug(link)  # plugged back in (a new tty behind the same stable link)
        rec.wait_state(CONNECTED, n)
        os.write(master, b"MCVOL:TNV-0042\r\n")
        assert rec.wait_frames(2)[1] == "MCVOL:TNV-0042"
    finally:
        s.stop()
        os.close(master)
    assert "Nguyễn" not in caplog.text and "001089012345" not in caplog.text


def test_link_vanishing_counts_as_unplug(tmp_path, rec):
    link = str(tmp_path / "usb-scanner")
    master = _plug(link)
    target = os.readlink(link)
    s = open_scanner(f"serial:{link}", on_frame=rec.on_frame, on_state=rec.on_state)
    s.start()
    try:
        rec.wait_state(CONNECTED)
        n = len(rec.states)
        os.unlink(link)
        rec.wait_state(DISCONNECTED, n)
        os.symlink(target, link)
        rec.wait_state(CONNECTED, n)
        os.write(master, b"again\r")
        assert rec.wait_frames(1) == ["again"]
    finally:
        s.stop()
        os.close(master)


def test_missing_device_at_start_is_not_a_crash(tmp_path, rec):
    s = open_scanner(f"serial:{tmp_path}/not-plugged-yet", on_frame=rec.on_frame, on_state=rec.on_state)
    s.start()
    try:
        rec.wait_state(DISCONNECTED)
        assert "not-plugged-yet" in rec.states[0][1]  # the detail names the path for the IT person
    finally:
        s.stop()
    assert s.state == STOPPED
