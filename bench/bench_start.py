"""Kiosk start and idle, side by side with a bare Kivy app (bench/bare_kivy.py) as the floor.

Each variant runs as its own offscreen process (SDL_VIDEODRIVER=offscreen) with the same config
file. Cold start = from just before the process is spawned to READY=1 on $NOTIFY_SOCKET (sent after
the first frame of the home screen). RSS is read 1 s after READY; idle CPU is utime+stime from
/proc/<pid>/stat over a window on the untouched home screen, once the kiosk has dropped to its idle
frame rate ([display] idle_fps after idle_fps_after seconds). The page cache is warm (one
discarded start per variant first): this is the restart-after-crash case, not the first boot.

Idle CPU floors: the bare app at maxfps, and (full run) the bare app at idle_fps. A kiosk variant
with the idle drop is compared with the bare app at idle_fps; `kiosk_remote_full_rate` (idle_fps =
maxfps, no drop) with the bare app at maxfps: both "the same frame rate".
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
{extra}
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


def _variants(tmp: Path, maxfps: int, idle_fps: int, quick: bool) -> dict[str, tuple[list[str], Path]]:
    out = {}
    kinds = [("remote", "http://127.0.0.1:9", "pty", ""), ("embedded", "embedded", "pty", "")]
    if not quick:  # what the scanner's reader thread costs at idle; the kiosk without its idle drop
        kinds.append(("remote_no_scanner", "http://127.0.0.1:9", "none", ""))
        kinds.append(("remote_full_rate", "http://127.0.0.1:9", "pty", f"idle_fps = {maxfps}"))
    for name, office, scanner, extra in kinds:
        state = tmp / f"state-{name}"
        cfg = tmp / f"kiosk-{name}.toml"
        cfg.write_text(CONFIG.format(maxfps=maxfps, state=state, office=office, scanner=scanner, extra=extra))
        out[f"kiosk_{name}"] = ([sys.executable, "-m", "kiosk", "--config", str(cfg), "run"], cfg)
    bare = [sys.executable, str(ROOT / "bench" / "bare_kivy.py")]
    floors = {"bare_kivy": (bare + [str(out["kiosk_remote"][1])], out["kiosk_remote"][1])}
    if not quick:  # the floor for idle CPU at the idle frame rate: the same config at maxfps = idle_fps
        cfg = tmp / "bare-idle.toml"
        cfg.write_text(CONFIG.format(maxfps=idle_fps, state=tmp / "state-bare-idle", office="http://127.0.0.1:9",
                                     scanner="pty", extra=""))
        floors["bare_kivy_idle_fps"] = (bare + [str(cfg)], cfg)
    return {**floors, **out}


def _one(name: str, cmd: list[str], tmp: Path, idle_s: float, settle_s: float = 1.0) -> dict:
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
            time.sleep(settle_s)  # start-up work (threads, first office calls) settles; the idle rate begins
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

    display = Display()
    maxfps, idle_fps = display.maxfps, display.idle_fps
    reps = 1 if quick else 5  # quick: one cold start each, the embedded one migrating its database
    idle_s = 3.0 if quick else 20.0
    settle_s = 1.0 if quick else display.idle_fps_after + 1.0  # the full run measures the idle rate
    with tempfile.TemporaryDirectory(prefix="bench-start-") as d:
        tmp = Path(d)
        variants = _variants(tmp, maxfps, idle_fps, quick)
        samples: dict[str, list[dict]] = {name: [] for name in variants}
        for name, (cmd, _cfg) in variants.items() if not quick else ():
            _one(name, cmd, tmp, 0)  # warm the page cache, migrate the embedded office's database
        for rep in range(reps):  # interleaved, so a noisy moment hits every variant alike
            for name, (cmd, _cfg) in variants.items():
                samples[name].append(_one(name, cmd, tmp, idle_s if rep == reps - 1 else 0, settle_s))
    res: dict = {"maxfps": maxfps, "idle_fps": idle_fps, "idle_fps_after_s": display.idle_fps_after,
                 "reps": reps, "idle_window_s": idle_s, "idle_window_after_ready_s": 1.0 + settle_s,
                 "goals_ratio": GOALS, "idle_fps_reduction": True, "variants": {}}
    for name, rows in samples.items():
        res["variants"][name] = {
            "start_ms": round(1000 * statistics.median(r["start_s"] for r in rows), 1),
            "start_ms_all": [round(1000 * r["start_s"], 1) for r in rows],
            "rss_mb": round(statistics.median(r["rss_mb"] for r in rows), 1),
            "idle_cpu_pct": round(rows[-1]["idle_cpu_pct"], 2),
        }
    floor = res["variants"]["bare_kivy"]
    # idle CPU against the bare app at the same frame rate: idle_fps once the kiosk has dropped to it
    idle_floor = "bare_kivy_idle_fps" if "bare_kivy_idle_fps" in res["variants"] else "bare_kivy"
    for name, v in res["variants"].items():
        if name.startswith("bare_kivy"):
            continue
        same_rate = "bare_kivy" if name == "kiosk_remote_full_rate" else idle_floor
        idle_cpu = res["variants"][same_rate]["idle_cpu_pct"]
        v["ratio"] = {
            "start": round(v["start_ms"] / floor["start_ms"], 2),
            "rss": round(v["rss_mb"] / floor["rss_mb"], 2),
            "idle_cpu": round(v["idle_cpu_pct"] / idle_cpu, 2) if idle_cpu else None,
        }
        v["idle_cpu_floor"] = same_rate
    return res


if __name__ == "__main__":
    import json

    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
