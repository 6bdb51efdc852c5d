"""The kiosk as a real process: `kiosk run` offscreen, READY over sd_notify, clean stop on signals."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.ui

CONFIG = """
[display]
fullscreen = "no"
[printer]
connection = "none"
[scanner]
connection = "{scanner}"
[office]
url = "http://127.0.0.1:9"
[kiosk]
state_dir = "{state}"
"""


def start_kiosk(tmp_path, scanner="none", extra_env=None):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(CONFIG.format(state=tmp_path / "state", scanner=scanner))
    sock_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(60)
    env = {**os.environ, "NOTIFY_SOCKET": sock_path, "KIVY_HOME": str(tmp_path / "kivy"), **(extra_env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(cfg), "run"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, sock


def wait_ready(proc, sock):
    messages = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            msg = sock.recv(4096).decode()
        except socket.timeout:
            break
        messages.append(msg)
        if "READY=1" in msg:
            return messages
    proc.kill()
    out, err = proc.communicate()
    raise AssertionError(f"no READY=1 from the kiosk: {messages}\n{err[-3000:]}")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_the_kiosk_cleanly_within_5_seconds(tmp_path, sig):
    proc, sock = start_kiosk(tmp_path)
    try:
        wait_ready(proc, sock)
        sent = time.monotonic()
        proc.send_signal(sig)
        rc = proc.wait(timeout=10)
        elapsed = time.monotonic() - sent
        sock.settimeout(0.5)
        after = []
        try:
            while True:
                after.append(sock.recv(4096).decode())
        except (socket.timeout, BlockingIOError):
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()
    _, err = proc.communicate()
    assert rc == 0, err[-3000:]
    assert elapsed < 5.0
    assert "Traceback" not in err
    assert any("STOPPING=1" in m for m in after)  # a clean stop, told to systemd


def test_pty_scanner_path_is_printed_in_demo(tmp_path):
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "XDG_STATE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "demo"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "scan a card" in line:
                break
        text = "".join(lines)
        assert "scanner (pty):   /dev/pts/" in text
        assert "print previews:" in text and "/counter" in text
        pts = next(l.split()[-1] for l in lines if "scanner (pty)" in l)
        assert os.path.exists(pts)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 0, proc.stderr.read()[-3000:]


def test_sigterm_while_starting_up_still_stops_it(tmp_path):
    """systemd may stop the kiosk before its window exists (a restart loop, a quick reboot).
    Before our handler is installed the default action ends it (-SIGTERM, which systemd counts
    as a clean stop); after, it exits 0. What must never happen is SDL swallowing the signal."""
    proc, sock = start_kiosk(tmp_path)
    try:
        time.sleep(0.8)  # importing and opening the window takes longer than this
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()
    _, err = proc.communicate()
    assert rc in (0, -signal.SIGTERM), err[-3000:]
    assert "Traceback" not in err


def test_watchdog_pings_come_from_the_ui_clock(tmp_path):
    """With WatchdogSec set, systemd expects WATCHDOG=1 at least every half interval."""
    proc, sock = start_kiosk(tmp_path, extra_env={"WATCHDOG_USEC": "1000000"})
    try:
        wait_ready(proc, sock)
        pings = 0
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline and pings < 3:
            if "WATCHDOG=1" in sock.recv(4096).decode():
                pings += 1
        assert pings >= 3
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        sock.close()
