"""Scan to screen: a frame written to the pty scanner -> CitizenSession.set_citizen on the UI thread
of a KioskApp running offscreen in another process (bench/scan_app.py).

t0 is taken just before the frame is written to the pty; t1 is printed by the app when the
session holds the citizen. Both are time.monotonic() (CLOCK_MONOTONIC, shared by all processes).

Two phases: scans 0.15-0.25 s apart (the kiosk at full frame rate), then scans 1.3-1.4 s apart,
each arriving after the kiosk has dropped to its idle frame rate (idle_fps_after = 1 here): a scan
is activity and must not wait for a low-rate frame.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, NotifySocket, kivy_env, stop_process, summary_ms

CONFIG = """
[display]
fullscreen = "no"
idle_fps_after = 1
[printer]
connection = "none"
[scanner]
connection = "pty"
[office]
url = "http://127.0.0.1:9"
[kiosk]
state_dir = "{state}"
"""
GOAL_P95_MS = 100.0


def card(i: int) -> str:
    """A synthetic citizen ID QR payload (CCCD layout), a different number per scan."""
    return f"0011900{i:05d}||Nguyễn Văn An|01011950|Nam|Phường Bến Thành, TP. Hồ Chí Minh|15082021"


def _lines(proc: subprocess.Popen, timeout: float):
    """Lines from the child's stdout, waiting at most `timeout` for each."""
    buf = b""
    fd = proc.stdout.fileno()
    while True:
        while b"\n" not in buf:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                yield None
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        yield line.decode()


def run(quick: bool) -> dict:
    samples = 8 if quick else 100
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as d:
        tmp = Path(d)
        cfg = tmp / "kiosk.toml"
        cfg.write_text(CONFIG.format(state=tmp / "state"))
        notify = NotifySocket(tmp / "notify.sock")
        env = {**kivy_env(tmp / "kivy"), "NOTIFY_SOCKET": notify.path}
        errlog = open(tmp / "app.log", "w")
        proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "scan_app.py"), str(cfg)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=errlog)
        try:
            lines = _lines(proc, 30)
            first = next(lines)
            if not first or not first.startswith("SCANNER "):
                raise RuntimeError(f"scan app did not start: {first!r} {(tmp / 'app.log').read_text()[-1500:]}")
            path = first.split(" ", 1)[1]
            if notify.wait_for("READY=1", 90, alive=lambda: proc.poll() is None) is None:
                raise RuntimeError(f"scan app gave no READY=1: {(tmp / 'app.log').read_text()[-1500:]}")
            time.sleep(0.5)
            lat, idle_lat, off_ui, missed = [], [], 0, 0
            idle_samples = 3 if quick else 20
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
            try:
                for i in range(samples + idle_samples):
                    idle = i >= samples
                    # spread scans over the frame cycle; in the idle phase, after the drop to idle_fps
                    time.sleep((1.3 if idle else 0.15) + (i * 37 % 100) / 1000)
                    frame = (card(i) + "\r").encode()
                    t0 = time.monotonic()
                    os.write(fd, frame)
                    line = next(lines)
                    while line is not None and not line.startswith("CITIZEN "):
                        line = next(lines)
                    if line is None:
                        missed += 1
                        continue
                    _, tail, t1, ui = line.split()
                    if tail != f"{i:05d}"[-4:]:
                        missed += 1
                        continue
                    (idle_lat if idle else lat).append(float(t1) - t0)
                    off_ui += ui != "1"
            finally:
                os.close(fd)
        finally:
            stop_process(proc)
            errlog.close()
            notify.close()
    return {**summary_ms(lat), "first_ms": round(1000 * lat[0], 1) if lat else None, "missed": missed,
            "set_off_ui_thread": off_ui, "goal_p95_ms": GOAL_P95_MS,
            "after_idle": summary_ms(idle_lat)}  # each scan arriving at the idle frame rate


if __name__ == "__main__":
    import json

    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
