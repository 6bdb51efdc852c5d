"""The kiosk's voice (issue 16): time from a screen change (Voice.say) to the prompt starting to
play, for a cached prompt, and the CPU it costs; goal p95 <= 300 ms. Also the voice's idle cost.

Run: .venv/bin/python bench/bench_voice.py [--n 40]   (needs espeak-ng; aplay for the ALSA row)
Outputs: `file:` (copies the WAV: what tests hear) and ALSA's `null` device through aplay (the
real player process, without a sound card). A Pi adds its own card's latency (~20-50 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import summary_ms  # noqa: E402
from kiosk.config import parse  # noqa: E402
from kiosk.voice import build_voice  # noqa: E402

PROMPTS = ["Mời ông/bà chọn lĩnh vực cần làm để lấy số thứ tự.",
           "Mời ông/bà điền từng mục, rồi chạm Tiếp tục.",
           "Mời ông/bà kiểm tra lại thông tin, rồi chạm Gửi hồ sơ."]


def run(output: str, n: int, tmp: Path) -> dict:
    voice = build_voice(parse({"audio": {"output": output, "cache_dir": str(tmp / "cache")}}))
    voice.warm([(p, "vi") for p in PROMPTS])  # cached: what a citizen meets after `kiosk voice warm`
    voice.latencies.clear()
    renders = voice.cache.renders
    cpu0, kids0 = time.process_time(), os.times()
    for i in range(n):
        voice.say(PROMPTS[i % len(PROMPTS)])
        deadline = time.monotonic() + 5
        while len(voice.latencies) < i + 1 and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(0.25)  # a citizen reads before the next tap; the prompt is cut by the next say
    voice.close()
    kids1 = os.times()
    cpu = time.process_time() - cpu0 + (kids1.children_user + kids1.children_system
                                        - kids0.children_user - kids0.children_system)
    return {"output": output, **summary_ms(voice.latencies), "cpu_ms_per_prompt": round(cpu / n * 1000, 2),
            "renders_during_run": voice.cache.renders - renders}


def idle_cpu(tmp: Path, seconds: float = 10.0) -> float:
    voice = build_voice(parse({"audio": {"output": f"file:{tmp / 'idle'}", "cache_dir": str(tmp / "cache")}}))
    voice.say("Xin chào")  # its worker thread now exists and waits
    time.sleep(2)
    cpu0 = time.process_time()
    time.sleep(seconds)
    used = time.process_time() - cpu0
    voice.close()
    return round(used / seconds * 100, 3)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    if not shutil.which("espeak-ng"):
        print("espeak-ng not installed: nothing to measure", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        rows = [run(f"file:{tmp / 'out'}", args.n, tmp)]
        if shutil.which("aplay"):
            rows.append(run("alsa:null", args.n, tmp))
        idle = idle_cpu(tmp)
    result = {"goal_p95_ms": 300, "rows": rows, "idle_cpu_percent_with_voice": idle}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
