"""Run every benchmark, print one table, write the figures as JSON.

    python bench/run.py [--quick] [--json PATH] [--pg URL] [--workers N] [--only start,ticket,office,scan]

--quick uses tiny sizes (the test suite's smoke run). PostgreSQL is measured when --pg or
$KIOSK_TEST_PG_URL gives a database (a quick run only with --pg) (a private schema is created and dropped). Everything runs
on 127.0.0.1 and every loop is bounded. Exit 1 when a benchmark could not run (a missed goal is
reported, not an error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_office, bench_scan, bench_start, bench_ticket  # noqa: E402
from bench.common import machine  # noqa: E402

SECTIONS = ("start", "ticket", "office", "scan")


def _loadavg() -> float:
    return round(os.getloadavg()[0], 2)


def run_all(quick: bool, only: tuple[str, ...] = SECTIONS, pg: str | None = None, workers: int = 4) -> dict:
    out: dict = {"quick": quick, "machine": machine(), "load_avg_1min": {"before": _loadavg()}, "seconds": {}}
    jobs = {
        "start": lambda: bench_start.run(quick),
        "ticket": lambda: bench_ticket.run(quick),
        "office": lambda: bench_office.run(quick, pg_url=pg, workers=workers),
        "scan": lambda: bench_scan.run(quick),
    }
    for name in only:
        t0 = time.monotonic()
        print(f"running {name}...", file=sys.stderr, flush=True)
        try:
            out[name] = jobs[name]()
        except Exception as exc:  # one broken benchmark must not hide the others
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
            traceback.print_exc()
        out["seconds"][name] = round(time.monotonic() - t0, 1)
    out["load_avg_1min"]["after"] = _loadavg()
    return out


# ---- the table (Markdown, so RESULTS.md can hold it as printed) ---------------------------------

def _f(x, nd=1) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def _goal(value, limit) -> str:
    if value is None or limit is None:
        return ""
    return "ok" if value <= limit else f"MISS ({value / limit:.1f}× the goal)"


def _table(head: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows]
    return lines


def table(res: dict) -> str:
    m = res["machine"]
    v = m["versions"]
    out = [f"motcua-kiosk benchmarks{' (quick)' if res['quick'] else ''}, {m['date']}, code {m['code']}",
           f"{m['cpu_model']}, {m['cores']} cores, {m['memory_mb']} MB; Python {m['python']}, Kivy {v['kivy']}, "
           f"SQLAlchemy {v['sqlalchemy']}, FastAPI {v['fastapi']}, uvicorn {v['uvicorn']}; "
           f"load average {res['load_avg_1min']['before']} before, {res['load_avg_1min'].get('after')} after", ""]

    s = res.get("start")
    if s:
        out.append("### 1. Kiosk start and idle vs a bare Kivy app")
        if "error" in s:
            out += [f"ERROR: {s['error']}", ""]
        else:
            out.append(f"maxfps {s['maxfps']}, offscreen, median of {s['reps']} starts "
                       f"({'no warm-up start' if res['quick'] else 'after one warm-up start each'}), "
                       f"idle CPU over {s['idle_window_s']:g} s; goals: start ≤ {s['goals_ratio']['start']}×, "
                       f"RSS ≤ {s['goals_ratio']['rss']}×, idle CPU ≤ {s['goals_ratio']['idle_cpu']}× the floor")
            rows = []
            for name, x in s["variants"].items():
                r = x.get("ratio", {})
                rows.append([name + (" (floor)" if name == "bare_kivy" else ""),
                             x["start_ms"], _f(r.get("start"), 2) if r else "1", _goal(r.get("start"), s["goals_ratio"]["start"]),
                             x["rss_mb"], _f(r.get("rss"), 2) if r else "1", _goal(r.get("rss"), s["goals_ratio"]["rss"]),
                             _f(x["idle_cpu_pct"], 2), _f(r.get("idle_cpu"), 2) if r else "1",
                             _goal(r.get("idle_cpu"), s["goals_ratio"]["idle_cpu"])])
            out += _table(["variant", "start ms", "×", "goal", "RSS MB", "×", "goal", "idle CPU %", "×", "goal"], rows)
            out += ["", "Idle frame-rate reduction in the app: " + ("yes" if s["idle_fps_reduction"] else
                    "none (the app keeps maxfps when idle), so there is no second idle figure"), ""]

    t = res.get("ticket")
    if t:
        out.append("### 2. Ticket render + ESC/POS encode")
        if "error" in t:
            out += [f"ERROR: {t['error']}", ""]
        else:
            rows = [[k.removeprefix("ticket_"), x["median_ms"], x["p95_ms"], _goal(x["p95_ms"], x["goal_ms"]),
                     x["bytes_median"], x["bytes_max"], _goal(x["bytes_max"], x["goal_bytes"])] for k, x in t.items()]
            out += _table(["paper", "median ms", "p95 ms", "goal 100 ms", "bytes (median)", "bytes (max)", "goal 8 KB"], rows)
            out.append("")

    o = res.get("office")
    if o:
        out.append("### 3. Office service on loopback")
        if "error" in o:
            out += [f"ERROR: {o['error']}", ""]
        else:
            out.append("CPU = server processes' CPU per request, net of their idle rate (call-next: per call-next + finish "
                       "pair, ratio against two floor requests); floor = GET of a constant on the same server. Goals "
                       "(issue 18): tickets ≤ 4× the floor on SQLite, ≤ 5× on PostgreSQL; call-next + finish ≤ 8× two "
                       "floor requests; 8 clients p99 ≤ 150 ms and max ≤ 1 s; 32 clients max ≤ 2 s")
            lat_goals = o.get("goal_latency_ms", {})
            rows = []
            for cname, c in o["configs"].items():
                for lvl, L in c["levels"].items():
                    for ep in ("floor", "tickets", "call_next"):
                        x = L[ep]
                        cpu = x.get("cpu_ms_per_request") or x.get("cpu_ms_per_call_and_finish")
                        ratio = x.get("cpu_ratio_to_floor")
                        lg = lat_goals.get(lvl, {}) if ep != "floor" else {}
                        lat = "; ".join(f"{k[:-3]} {_goal(x.get(k), g)}" for k, g in lg.items() if x.get(k) is not None)
                        rows.append([cname, lvl, ep.replace("_", "-"), x["ok"], x["per_s"], x["p50_ms"], x["p95_ms"],
                                     x["p99_ms"], x.get("max_ms"), _f(cpu, 2),
                                     _f(ratio, 1) if ratio else ("1" if ep == "floor" else "–"),
                                     _goal(ratio, x.get("goal_cpu_ratio")), lat,
                                     ", ".join(f"{k}:{n}" for k, n in x["statuses"].items() if k[0] != "2") or ""])
            out += _table(["config", "clients", "endpoint", "ok", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
                           "CPU ms", "× floor", "CPU goal", "latency goal", "errors"], rows)
            out.append("")
            rows = [[n, c["tickets_issued"], c["duplicate_numbers"], c["tickets_called"], c["duplicate_calls"],
                     c["idle_cpu_ms_per_s"]] for n, c in o["configs"].items()]
            out += _table(["config", "tickets issued", "duplicate numbers", "tickets called", "called twice",
                           "server idle CPU ms/s"], rows)
            if "postgresql" in o:
                out.append(f"PostgreSQL: {o['postgresql']}")
            out.append("")
            out.append("### 4. Call to board (call-next → `call` event on an SSE client)")
            rows = [[n, c["call_to_board"]["n"], c["call_to_board"]["p50_ms"], c["call_to_board"]["p95_ms"],
                     _goal(c["call_to_board"]["p95_ms"], c["call_to_board"]["goal_p95_ms"]), c["call_to_board"]["missed"],
                     c["call_to_board"]["call_next_p50_ms"]]
                    for n, c in o["configs"].items()]
            out += _table(["config", "calls", "p50 ms", "p95 ms", "goal p95 ≤ 100 ms", "missed",
                           "call-next answered p50 ms"], rows)
            out.append("")

    sc = res.get("scan")
    if sc:
        out.append("### 5. Scan to screen (pty frame → session updated on the UI thread)")
        if "error" in sc:
            out += [f"ERROR: {sc['error']}", ""]
        else:
            out += _table(["scans", "p50 ms", "p95 ms", "first ms", "goal p95 ≤ 100 ms", "missed", "off UI thread"],
                          [[sc["n"], sc["p50_ms"], sc["p95_ms"], sc["first_ms"], _goal(sc["p95_ms"], sc["goal_p95_ms"]),
                            sc["missed"], sc["set_off_ui_thread"]]])
            out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="motcua-kiosk benchmarks")
    p.add_argument("--quick", action="store_true", help="tiny sizes (smoke run)")
    p.add_argument("--json", metavar="PATH", help="write the figures here (default: bench/results.json on a full run)")
    p.add_argument("--pg", metavar="URL", help="PostgreSQL URL (default: $KIOSK_TEST_PG_URL)")
    p.add_argument("--workers", type=int, default=4, help="worker processes for the 'several workers' runs")
    p.add_argument("--only", default=",".join(SECTIONS), help="comma-separated subset of " + ",".join(SECTIONS))
    args = p.parse_args(argv)
    only = tuple(x.strip() for x in args.only.split(",") if x.strip())
    unknown = [x for x in only if x not in SECTIONS]
    if unknown:
        p.error(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}")
    res = run_all(args.quick, only, args.pg, args.workers)
    print(table(res))
    path = args.json or (None if args.quick else str(Path(__file__).with_name("results.json")))
    if path:
        Path(path).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nJSON: {path}")
    return 1 if any(isinstance(res.get(n), dict) and "error" in res[n] for n in only) else 0


if __name__ == "__main__":
    sys.exit(main())
