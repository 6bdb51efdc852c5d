"""kiosk.runner.WaitForOffice: the client of a kiosk whose office is embedded waits (on the
calling worker thread) until that office has started, instead of failing and logging."""

from __future__ import annotations

import logging
import threading
import time

from kiosk.runner import WaitForOffice


class FakeClient:
    base_url = "http://127.0.0.1:1"

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    def heartbeat(self, **values):
        self.calls.append(("heartbeat", time.monotonic()))
        return {"ok": True, **values}


def test_a_call_before_the_office_is_up_waits_for_it():
    ready, client = threading.Event(), FakeClient()
    gated = WaitForOffice(client, ready, timeout=10)
    answers = []
    worker = threading.Thread(target=lambda: answers.append(gated.heartbeat(version="1")))
    worker.start()
    time.sleep(0.3)
    assert client.calls == [] and worker.is_alive()  # still waiting: nothing was sent
    started = time.monotonic()
    ready.set()
    worker.join(5)
    assert answers == [{"ok": True, "version": "1"}]
    assert client.calls[0][1] >= started


def test_once_the_office_is_up_calls_go_straight_through():
    ready, client = threading.Event(), FakeClient()
    ready.set()
    gated = WaitForOffice(client, ready)
    assert gated.heartbeat.__self__ is client  # the client's own method, no wrapper
    assert gated.base_url == client.base_url


def test_an_office_that_never_starts_is_waited_for_a_bounded_time(caplog):
    client = FakeClient()
    gated = WaitForOffice(client, threading.Event(), timeout=0.2)
    with caplog.at_level(logging.WARNING, logger="kiosk.runner"):
        assert gated.heartbeat() == {"ok": True}  # then it goes ahead (and fails as usual if need be)
    assert "has not started after 0.2 s" in caplog.text
