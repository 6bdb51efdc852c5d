"""The first seconds of a real kiosk process with its embedded office: it waits for its own office
before asking it anything (no ConnectionError warnings), and logs at INFO unless given -v.

The process is started as `kiosk run` is (offscreen, READY over sd_notify, see
test_kiosk_process.py). A slow Pi is played by an office that takes 5 s more to start than here:
longer than the kiosk's first heartbeat (2 s) and catalogue refresh (3 s) wait.
"""

from __future__ import annotations

import os
import re
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
connection = "none"
[office]
url = "embedded"
[kiosk]
state_dir = "{state}"
"""

# `python -m kiosk ARGS`, with the embedded office's start delayed by SLOW seconds (0: as it is)
LAUNCH = """
import os, sys, time
slow = float(os.environ["TEST_OFFICE_DELAY"])
if slow:
    import kiosk.office.embedded as embedded
    start = embedded.start_embedded
    def slow_start(*args, **kwargs):
        time.sleep(slow)
        return start(*args, **kwargs)
    embedded.start_embedded = slow_start
from kiosk.cli import main
sys.exit(main(sys.argv[1:]))
"""

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\w+) ")


def run_kiosk(tmp_path, *args: str, office_delay: float = 0.0, watch: float = 6.0,
              until: str = "embedded office service ready") -> str:
    """Start the kiosk, wait for READY=1 and `watch` seconds more, and until its output shows
    `until` and then 2 s more (past its first heartbeat and catalogue refresh, and past the
    office's start, however slow this machine is today); stop it; its whole output."""
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(CONFIG.format(state=tmp_path / "state"))
    sock_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(90)
    env = {k: v for k, v in os.environ.items() if k not in ("KIVY_LOG_MODE", "KIOSK_CONFIG")}  # as under systemd
    env.update(NOTIFY_SOCKET=sock_path, KIVY_HOME=str(tmp_path / "kivy"), SDL_VIDEODRIVER="offscreen",
               TEST_OFFICE_DELAY=str(office_delay))
    out_path = tmp_path / "output.txt"
    with open(out_path, "w") as out:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCH, "run", "--config", str(cfg), *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if "READY=1" in sock.recv(4096).decode():
                break
        else:
            raise AssertionError("no READY=1")
        time.sleep(watch)
        deadline = time.monotonic() + 60
        while until not in out_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        sock.close()
    return out_path.read_text()


def levels(output: str) -> list[str]:
    return [m.group(1) for line in output.splitlines() if (m := TIMESTAMP.match(line))]


def assert_quiet_start(output: str) -> None:
    assert "ConnectionError" not in output, output
    assert "office service:" not in output, output  # a flow's "office failed" warning
    assert not re.search(r" WARNING kiosk\.| ERROR ", output), output
    assert "DEBUG" not in levels(output), output
    assert "Traceback" not in output, output


def test_embedded_office_start_is_quiet_and_info_level(tmp_path):
    output = run_kiosk(tmp_path, watch=4.0)
    assert_quiet_start(output)
    assert "embedded office service ready" in output  # INFO lines do show


def test_a_slow_office_is_waited_for_not_reported_as_unreachable(tmp_path):
    output = run_kiosk(tmp_path, office_delay=5.0, watch=4.0)
    assert_quiet_start(output)
    ready = re.search(r"embedded office service ready at \S+ after ([\d.]+) s", output)
    assert ready and float(ready.group(1)) >= 5.0, output


def test_verbose_shows_debug_and_the_first_request_follows_the_office_start(tmp_path):
    output = run_kiosk(tmp_path, "-v", office_delay=3.0, watch=4.0, until="GET /api/procedures")
    assert "DEBUG" in levels(output)
    lines = output.splitlines()
    ready = next(i for i, line in enumerate(lines) if "embedded office service ready" in line)
    first_request = next(i for i, line in enumerate(lines) if "Starting new HTTP connection" in line)
    assert ready < first_request
    assert "POST /api/kiosks/kiosk-1/heartbeat HTTP/1.1\" 200" in output
    assert "GET /api/procedures HTTP/1.1\" 200" in output
    assert "ConnectionError" not in output
