"""`kiosk bench office` through the real CLI entry, against an embedded office on 127.0.0.1:
tickets/s, latency percentiles and errors printed; the tickets are really in the queue, none
numbered twice; a wrong key and an unreachable office end with a clear line, not a traceback."""

import re

import pytest
from sqlalchemy import func, select

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.loadtest import percentile
from kiosk.office.embedded import start_embedded
from kiosk.office.storage.models import Ticket
from office_testing import free_port


@pytest.fixture
def embedded(tmp_path):
    emb = start_embedded(Settings(), database_url=f"sqlite:///{tmp_path}/office.db", demo=True)
    yield emb
    emb.stop()


def test_bench_office_issues_tickets_for_a_few_seconds(embedded, capsys):
    assert main(["bench", "office", "--clients", "4", "--seconds", "3", "--url", embedded.url]) == 0
    out = capsys.readouterr().out
    m = re.search(r"4 clients, ([\d.]+) s: (\d+) tickets, ([\d.]+) tickets/s", out)
    assert m, out
    wall, issued = float(m.group(1)), int(m.group(2))
    assert 2.9 <= wall < 15 and issued > 4
    assert re.search(r"latency ms: p50 [\d.]+  p95 [\d.]+  p99 [\d.]+  max [\d.]+", out), out
    assert "errors: 0" in out and "duplicate numbers: 0" in out
    with embedded.office.db.read() as s:
        in_queue = s.scalar(select(func.count()).select_from(Ticket).where(Ticket.idempotency_key.like("bench-%")))
    assert in_queue == issued


def test_bench_office_bounds_its_requests_and_reports_a_wrong_key(embedded, capsys):
    assert main(["bench", "office", "--clients", "2", "--seconds", "30", "--max-requests", "6",
                 "--url", embedded.url]) == 0
    assert ": 6 tickets," in capsys.readouterr().out
    assert main(["bench", "office", "--clients", "2", "--seconds", "2", "--key", "wrong",
                 "--url", embedded.url]) == 1
    assert "errors: 2 (HTTP 401 ×2)" in capsys.readouterr().out


def test_bench_office_without_an_office_says_so(capsys):
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["bench", "office", "--seconds", "1", "--url", url]) == 2
    assert f"bench: cannot reach the office at {url}" in capsys.readouterr().out


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50, 99, 100)
    assert percentile([], 50) is None and percentile([7], 95) == 7
