"""Server-sent events from the embedded office: calls, queue changes, kiosk status, resume, heartbeat.
(Delivery across several worker processes is tested in test_office_concurrency.py.)"""

import queue
import time

import pytest
import requests

from kiosk.config import Kiosk, Settings
from kiosk.office.embedded import start_embedded
from office_testing import SSEReader

WAIT = 15  # seconds: generous, this is about delivery, not speed (bench/ measures speed)


@pytest.fixture
def embedded(tmp_path):
    office = start_embedded(Settings(kiosk=Kiosk(state_dir=str(tmp_path))), sse_heartbeat_seconds=0.3)
    yield office
    office.stop()


def staff_headers(url):
    r = requests.post(f"{url}/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}, timeout=30)
    return {"Authorization": f"Bearer {r.json()['token']}"}


def issue(url, key, service="ho-tich"):
    r = requests.post(f"{url}/api/tickets", json={"service": service, "idempotency_key": key},
                      headers={"Authorization": "Bearer demo-kiosk-key"}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()


def test_call_and_queue_events_reach_a_board(embedded):
    url = embedded.url
    board = SSEReader(f"{url}/api/events")
    assert board.headers["content-type"].startswith("text/event-stream")
    staff = staff_headers(url)
    try:
        t = issue(url, "k1")
        assert board.next("queue")["data"]["action"] == "issue"
        sent = time.monotonic()
        requests.post(f"{url}/api/counters/3/call-next", headers=staff, timeout=30)
        call = board.next("call")
        assert call["data"] == {**call["data"], "ticket_id": t["id"], "number": "A001", "counter_number": 3,
                                "service": "ho-tich", "recall": False}
        print(f"call delivered in {(call['received'] - sent) * 1000:.0f} ms (includes the HTTP call)")
        requests.post(f"{url}/api/tickets/{t['id']}/recall", headers=staff, timeout=30)
        assert board.next("call")["data"]["recall"] is True
    except queue.Empty:
        pytest.fail("event not delivered")
    finally:
        board.close()


def test_heartbeat_comments_keep_the_stream_alive(embedded):
    board = SSEReader(f"{embedded.url}/api/events")
    try:
        deadline = time.monotonic() + WAIT
        while not any("heartbeat" in c for c in board.comments) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any("heartbeat" in c for c in board.comments)
    finally:
        board.close()


def test_last_event_id_resumes_without_loss(embedded):
    url = embedded.url
    first = SSEReader(f"{url}/api/events")
    issue(url, "k1")
    seen = first.next("queue")
    first.close()
    issue(url, "k2")  # happens while the board is disconnected
    issue(url, "k3")
    again = SSEReader(f"{url}/api/events", headers={"Last-Event-ID": seen["id"]})
    try:
        numbers = [again.next("queue")["data"]["number"] for _ in range(2)]
        assert numbers == ["A002", "A003"]
    finally:
        again.close()


def test_kinds_filter_and_kiosk_status_event(embedded):
    url = embedded.url
    board = SSEReader(f"{url}/api/events?kinds=kiosk")
    try:
        issue(url, "k1")  # a queue event, filtered out
        requests.post(f"{url}/api/kiosks/kiosk-1/heartbeat", headers={"Authorization": "Bearer demo-kiosk-key"},
                      json={"printer": {"online": False, "paper": "unknown", "detail": "USB unplugged"}}, timeout=30)
        ev = board.events.get(timeout=WAIT)  # the first event through the filter
        assert ev["event"] == "kiosk" and ev["data"]["printer"]["online"] is False
    finally:
        board.close()


def test_resume_from_an_unknown_future_id_starts_live(embedded):
    url = embedded.url
    board = SSEReader(f"{url}/api/events", headers={"Last-Event-ID": "999999"})
    try:
        issue(url, "k1")
        assert board.next("queue")["data"]["number"] == "A001"
    finally:
        board.close()


def test_with_no_stream_open_the_worker_reads_no_events_and_a_new_stream_gets_only_what_follows(embedded):
    from sqlalchemy import event as sa_event

    url, db = embedded.url, embedded.office.db
    reads = []

    def count(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and " events" in statement:
            reads.append(statement)
    engines = {db.engine, db.read_engine}
    for e in engines:
        sa_event.listen(e, "before_cursor_execute", count)
    try:
        for i in range(4):
            issue(url, f"unwatched-{i}")  # each commit wakes the listener
        time.sleep(0.5)
        assert reads == []  # nobody listens: nothing read
        board = SSEReader(f"{url}/api/events")
        try:
            issue(url, "watched-1")
            issue(url, "watched-2")
            numbers = [board.next("queue")["data"]["number"] for _ in range(2)]
            assert numbers == ["A005", "A006"]  # none of the unwatched ones, none twice
            with pytest.raises(queue.Empty):
                board.next("queue", timeout=0.5)
        finally:
            board.close()
    finally:
        for e in engines:
            sa_event.remove(e, "before_cursor_execute", count)
