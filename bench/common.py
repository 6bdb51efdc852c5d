"""Helpers shared by the benchmarks: percentiles, /proc readings, sd_notify socket, machine facts."""

from __future__ import annotations

import datetime as dt
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def pct(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank) of values, or None when there are none."""
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q / 100 * len(s) + 0.5)) - 1))]


def summary_ms(values_s: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds from durations in seconds."""
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50_ms": _r(pct(ms, 50)), "p95_ms": _r(pct(ms, 95)), "p99_ms": _r(pct(ms, 99)),
            "max_ms": _r(max(ms)) if ms else None, "mean_ms": _r(statistics.fmean(ms)) if ms else None}


def _r(x: float | None, nd: int = 2) -> float | None:
    return None if x is None else round(x, nd)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (all its threads, living or ended), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime (fields 14 and 15)


def children(pid: int) -> list[int]:
    """Direct children of pid (over all its threads)."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except FileNotFoundError:
        pass
    return out


def tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return pids


def tree_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for p in pids:
        try:
            total += cpu_seconds(p)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


class NotifySocket:
    """A datagram socket standing in for systemd's $NOTIFY_SOCKET."""

    def __init__(self, path: Path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def wait_for(self, word: str, timeout: float, alive=lambda: True) -> float | None:
        """time.monotonic() when a message containing word arrived; None on timeout or when
        alive() turns False (the process died)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0 and alive():
            self.sock.settimeout(min(left, 0.25))
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            if word in msg:
                return time.monotonic()
        return None

    def close(self) -> None:
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") or line.startswith("Model"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(mod: str) -> str | None:
        try:
            from importlib.metadata import version as v
            return v(mod)
        except Exception:
            return None

    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "code": code_version(),
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_mb": _mem_total_mb(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "versions": {m: version(m) for m in ("kivy", "sqlalchemy", "fastapi", "uvicorn", "starlette",
                                              "psycopg", "python-escpos", "pyserial")},
    }


def code_version() -> str:
    """The commit measured: $BENCH_COMMIT (a snapshot made with git archive), else git's HEAD,
    marked "+changes" when the working tree differs from it."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"] + " (snapshot)"
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head + (" +changes" if dirty else "")) or "unknown"


def _mem_total_mb() -> int | None:
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def kivy_env(home: Path) -> dict:
    """Environment for an offscreen Kivy child process with its own Kivy home."""
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "NOTIFY_SOCKET")}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_NO_FILELOG="1", KIVY_HOME=str(home),
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env
