"""Benchmark: ticket render + ESC/POS encode time and bytes, for 58 and 80 mm paper.

Issue 5's goals: the 80 mm ticket is at most 8192 bytes, and from issue to the last byte handed
to the connection takes at most 100 ms on the development machine. `run()` measures the second
half of that path (ticket data -> blocks -> bytes -> a python-escpos Dummy connection).
"""

from __future__ import annotations

import statistics
import time


def _ticket(i: int) -> dict:
    return {
        "id": i, "number": f"A{i % 1000:03d}", "service": "HT", "service_name_vi": "Hộ tịch",
        "service_name_en": "Civil status", "status": "waiting", "priority": "elderly" if i % 2 else None,
        "ahead": i % 17, "estimated_wait_minutes": 3 * (i % 17), "public_token": f"tok{i:013d}",
        "issued_at": "2026-11-30T02:38:00+00:00", "counters": [1, 2],
    }


def run(quick: bool) -> dict:
    from escpos.printer import Dummy

    from devices.printer import EscposPrinter
    from kiosk.config import Settings
    from kiosk.slips.ticket import ticket_blocks

    ward = Settings().ward
    rounds = 15 if quick else 200
    results: dict = {}
    for width in (58, 80):
        dummy = Dummy()
        printer = EscposPrinter(lambda: dummy, reads_back=False, where="dummy", paper_width=width)
        times, sizes = [], []
        printer.print_blocks(ticket_blocks(_ticket(0), ward, public_url_base="http://127.0.0.1:8080"), "warm")
        for i in range(1, rounds + 1):
            dummy.clear()
            start = time.perf_counter()
            blocks = ticket_blocks(_ticket(i), ward, public_url_base="http://127.0.0.1:8080")
            result = printer.print_blocks(blocks, "bench")
            times.append((time.perf_counter() - start) * 1000)
            assert result.ok
            sizes.append(len(dummy.output))
        times.sort()
        results[f"ticket_{width}mm"] = {
            "rounds": rounds,
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
            "bytes_median": int(statistics.median(sizes)),
            "bytes_max": max(sizes),
            "goal_ms": 100,
            "goal_bytes": 8192 if width == 80 else None,
        }
    return results


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
