"""The office inside the kiosk process idles quietly: uvicorn's main loop ticks once a second instead
of ten times (those wake-ups were most of its idle CPU), yet stopping is immediate and every answer
still carries a current Date header."""

import time
from email.utils import parsedate_to_datetime

import requests

from kiosk import config
from kiosk.office import embedded


def test_the_embedded_office_ticks_once_a_second_and_stops_at_once(tmp_path):
    office = embedded.start_embedded(config.parse({"kiosk": {"state_dir": str(tmp_path)}}, "test"))
    ticks = []
    tick = office.server.on_tick

    async def counting(counter):
        ticks.append(time.monotonic())
        return await tick(counter)

    office.server.on_tick = counting
    try:
        time.sleep(2.6)
        assert 1 <= len(ticks) <= 4, f"{len(ticks)} ticks in 2.6 s (uvicorn's own loop makes 26)"
        answer = requests.get(f"{office.url}/api/health", timeout=5)
        date = parsedate_to_datetime(answer.headers["date"]).timestamp()
        assert abs(date - time.time()) < 3  # the Date header is refreshed at each tick
    finally:
        started = time.monotonic()
        office.stop()
        stopped_in = time.monotonic() - started
    assert not office.thread.is_alive()
    assert stopped_in < 0.9, f"stop took {stopped_in:.2f} s: the quiet tick must be woken, not waited out"
