"""The benchmark command keeps working: `python bench/run.py --quick` (tiny sizes) prints every
section of the table and writes the same figures as JSON. Figures are not judged here (speed
goals live in bench/RESULTS.md), only that each benchmark ran and saw what it should."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_benchmark_run_prints_every_section_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "NOTIFY_SOCKET")}
    env.pop("SDL_VIDEODRIVER", None)  # the benchmark sets its own offscreen environment
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    for heading in ("1. Kiosk start and idle", "2. Ticket render", "3. Office service", "4. Call to board",
                    "5. Scan to screen"):
        assert heading in proc.stdout
    assert "ERROR" not in proc.stdout

    res = json.loads(out.read_text(encoding="utf-8"))
    m = res["machine"]
    assert m["cores"] >= 1 and m["cpu_model"] and m["python"] and m["date"]
    assert all(m["versions"][k] for k in ("kivy", "sqlalchemy", "fastapi", "uvicorn"))

    start = res["start"]["variants"]
    assert set(start) == {"bare_kivy", "kiosk_remote", "kiosk_embedded"}
    for v in start.values():
        assert v["start_ms"] > 0 and v["rss_mb"] > 10 and v["idle_cpu_pct"] >= 0
    assert res["start"]["variants"]["kiosk_remote"]["ratio"]["start"] > 0

    for width in ("58", "80"):
        t = res["ticket"][f"ticket_{width}mm"]
        assert t["median_ms"] > 0 and t["bytes_max"] > 0

    configs = res["office"]["configs"]
    assert configs
    for c in configs.values():
        assert c["duplicate_numbers"] == 0 and c["duplicate_calls"] == 0
        assert c["tickets_issued"] > 0 and c["tickets_called"] > 0
        for level in c["levels"].values():
            assert level["floor"]["ok"] > 0 and level["floor"]["cpu_ms_per_request"] is not None
            assert level["tickets"]["ok"] > 0 and level["tickets"]["p95_ms"] > 0
            assert level["tickets"]["statuses"].keys() <= {"200", "201"}
            assert level["call_next"]["ok"] > 0
        board = c["call_to_board"]
        assert board["missed"] == 0 and board["p50_ms"] > 0

    scan = res["scan"]
    assert scan["n"] > 0 and scan["missed"] == 0 and scan["set_off_ui_thread"] == 0


@pytest.mark.slow
def test_the_year_report_benchmark_runs_on_a_small_year(tmp_path):
    """bench/bench_reports.py with tiny sizes: it generates its year for the office's current fields
    and reads back the figures it made (it broke once when a sixth field was added)."""
    out = tmp_path / "reports.json"
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "KIOSK_TEST_PG_URL")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_reports.py"), "--tickets", "400",
                           "--ratings", "150", "--dossiers", "40", "--runs", "1", "--pg", "", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    sqlite = json.loads(out.read_text(encoding="utf-8"))["sqlite"]
    assert sqlite["made"]["tickets"] == 400
    assert sqlite["year"]["issued"] == 400 and sqlite["year"]["dossiers"] == 40
