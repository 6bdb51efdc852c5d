"""Kiosk start and idle, side by side with a bare Kivy app (bench/bare_kivy.py) as the floor.

Each variant runs as its own offscreen process (SDL_VIDEODRIVER=offscreen) with the same config
file. Cold start = from just before the process is spawned to READY=1 on $NOTIFY_SOCKET (sent after
the first frame of the home screen). RSS is read 1 s after READY; idle CPU is utime+stime from
/proc/<pid>/stat over a window on the untouched home screen. The page cache is warm (one
discarded start per variant first): this is the restart-after-crash case, not the first boot.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, NotifySocket, cpu_seconds, kivy_env, rss_mb, stop_process

CONFIG = """
[display]
fullscreen = "no"
maxfps = {maxfps}
[printer]
connection = "preview:{state}/previews"
[scanner]
connection = "{scanner}"
[office]
url = "{office}"
[kiosk]
state_dir = "{state}"
"""
GOALS = {"start": 1.5, "rss": 1.3, "idle_cpu": 1.0}


def _variants(tmp: Path, maxfps: int, quick: bool) -> dict[str, tuple[list[str], Path]]:
    out = {}
    kinds = [("remote", "http://127.0.0.1:9", "pty"), ("embedded", "embedded", "pty")]
    if not quick:  # what the scanner's reader thread costs at idle
        kinds.append(("remote_no_scanner", "http://127.0.0.1:9", "none"))
    for name, office, scanner in kinds:
        state = tmp / f"state-{name}"
        cfg = tmp / f"kiosk-{name}.toml"
        cfg.write_text(CONFIG.format(maxfps=maxfps, state=state, office=office, scanner=scanner))
        out[f"kiosk_{name}"] = ([sys.executable, "-m", "kiosk", "--config", str(cfg), "run"], cfg)
    out = {"bare_kivy": ([sys.executable, str(ROOT / "bench" / "bare_kivy.py"), str(out["kiosk_remote"][1])],
                         out["kiosk_remote"][1]), **out}
    return out


def _one(name: str, cmd: list[str], tmp: Path, idle_s: float) -> dict:
    """Start once; return start time, RSS and (if idle_s) idle CPU."""
    notify = NotifySocket(tmp / f"notify-{name}.sock")
    env = {**kivy_env(tmp / f"kivy-{name}"), "NOTIFY_SOCKET": notify.path}
    log = open(tmp / f"{name}.log", "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        ready = notify.wait_for("READY=1", 90, alive=lambda: proc.poll() is None)
        if ready is None:
            log.flush()
            raise RuntimeError(f"{name} gave no READY=1 (exit code {proc.poll()}): "
                               + _last_error((tmp / f"{name}.log").read_text()))
        out = {"start_s": ready - t0}
        time.sleep(1.0)
        out["rss_mb"] = rss_mb(proc.pid)
        if idle_s:
            time.sleep(1.0)  # let start-up work (threads, first office calls) settle
            c0, w0 = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(idle_s)
            c1, w1 = cpu_seconds(proc.pid), time.monotonic()
            out["idle_cpu_pct"] = 100 * (c1 - c0) / (w1 - w0)
        return out
    finally:
        stop_process(proc)
        log.close()
        notify.close()


def _last_error(text: str) -> str:
    lines = [ln for ln in text.splitlines() if "Error" in ln or "error" in ln]
    return (lines[-1] if lines else text[-300:]).strip()


def run(quick: bool) -> dict:
    from kiosk.config import Display

    maxfps = Display().maxfps
    reps = 1 if quick else 5  # quick: one cold start each, the embedded one migrating its database
    idle_s = 3.0 if quick else 20.0
    with tempfile.TemporaryDirectory(prefix="bench-start-") as d:
        tmp = Path(d)
        variants = _variants(tmp, maxfps, quick)
        samples: dict[str, list[dict]] = {name: [] for name in variants}
        for name, (cmd, _cfg) in variants.items() if not quick else ():
            _one(name, cmd, tmp, 0)  # warm the page cache, migrate the embedded office's database
        for rep in range(reps):  # interleaved, so a noisy moment hits every variant alike
            for name, (cmd, _cfg) in variants.items():
                samples[name].append(_one(name, cmd, tmp, idle_s if rep == reps - 1 else 0))
    res: dict = {"maxfps": maxfps, "reps": reps, "idle_window_s": idle_s, "goals_ratio": GOALS,
                 "idle_fps_reduction": False, "variants": {}}
    for name, rows in samples.items():
        res["variants"][name] = {
            "start_ms": round(1000 * statistics.median(r["start_s"] for r in rows), 1),
            "start_ms_all": [round(1000 * r["start_s"], 1) for r in rows],
            "rss_mb": round(statistics.median(r["rss_mb"] for r in rows), 1),
            "idle_cpu_pct": round(rows[-1]["idle_cpu_pct"], 2),
        }
    floor = res["variants"]["bare_kivy"]
    for name, v in res["variants"].items():
        if name == "bare_kivy":
            continue
        v["ratio"] = {
            "start": round(v["start_ms"] / floor["start_ms"], 2),
            "rss": round(v["rss_mb"] / floor["rss_mb"], 2),
            "idle_cpu": round(v["idle_cpu_pct"] / floor["idle_cpu_pct"], 2) if floor["idle_cpu_pct"] else None,
        }
    return res


if __name__ == "__main__":
    import json

    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
