"""The kiosk's HTTP client against a real embedded office service, including lost answers."""

import socket
import threading

import pytest
from sqlalchemy import func, select

from kiosk.link.client import OfficeClient, OfficeError, OfficeUnavailable
from kiosk.config import Kiosk, Settings
from kiosk.office.embedded import start_embedded
from kiosk.office.storage.models import Ticket


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = start_embedded(Settings(kiosk=Kiosk(state_dir=str(tmp_path_factory.mktemp("state")))))
    yield o
    o.stop()


def ticket_count(office) -> int:
    with office.office.db.read() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def client_for(url, **kw):
    return OfficeClient(url, "demo-kiosk-key", "kiosk-1", timeout=5, backoff=0.05, **kw)


class FlakyProxy:
    """A TCP proxy on 127.0.0.1. The first `drop` connections forward the request, wait for the
    office's answer, then hang up without passing it on (the answer is lost after the ticket was
    made). With `fail_with`, it answers the first requests itself with that raw HTTP response."""

    def __init__(self, upstream: str, drop: int = 0, fail_with: bytes | None = None, fail: int = 0):
        self.host, port = upstream.removeprefix("http://").split(":")
        self.upstream_port = int(port)
        self.drop, self.fail_with, self.fail = drop, fail_with, fail
        self.requests = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    @staticmethod
    def _read_request(sock) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            body += sock.recv(65536)
        return head + b"\r\n\r\n" + body

    def _handle(self, client):
        with client:
            while True:  # one request at a time on a kept-alive connection
                request = self._read_request(client)
                if not request:
                    return
                self.requests += 1
                if self.fail > 0:
                    self.fail -= 1
                    client.sendall(self.fail_with)
                    continue
                with socket.create_connection((self.host, self.upstream_port)) as up:
                    up.sendall(request.replace(b"Connection: keep-alive", b"Connection: close"))
                    response = b""
                    while chunk := up.recv(65536):
                        response += chunk
                if self.drop > 0:
                    self.drop -= 1
                    return  # hang up: the office made the ticket, the kiosk never hears
                client.sendall(response)
                if b"connection: close" in response.lower():
                    return

    def close(self):
        self.server.close()


def test_services_and_issue(office):
    c = client_for(office.url)
    codes = [s["code"] for s in c.services()]
    assert codes[0] == "ho-tich" and len(codes) == 6  # the demo office's fields, Hộ kinh doanh the sixth
    t = c.issue_ticket("chung-thuc", "elderly", "tap-1")
    assert (t["number"], t["priority"], t["status"]) == ("B001", "elderly", "waiting")
    assert c.issue_ticket("chung-thuc", "elderly", "tap-1")["id"] == t["id"]
    pub = c.public_ticket(t["public_token"])
    assert pub["number"] == "B001" and pub["position"] == 1


def test_answer_lost_then_retry_with_same_key_makes_one_ticket(office):
    proxy = FlakyProxy(office.url, drop=1)
    before = ticket_count(office)
    t = client_for(proxy.url).issue_ticket("dat-dai", None, "lost-answer")
    assert proxy.requests == 2  # the first answer was dropped, the retry got the same ticket
    assert ticket_count(office) == before + 1
    assert client_for(office.url).issue_ticket("dat-dai", None, "lost-answer")["id"] == t["id"]
    proxy.close()


def test_a_ticket_without_an_idempotency_key_is_refused_before_sending(office):
    from kiosk.link.client import MissingIdempotencyKey

    proxy = FlakyProxy(office.url)
    before = ticket_count(office)
    for key in (None, ""):
        with pytest.raises(MissingIdempotencyKey, match="idempotency_key"):
            client_for(proxy.url).issue_ticket("ho-tich", None, key)
    assert proxy.requests == 0 and ticket_count(office) == before
    proxy.close()


def test_5xx_is_retried(office):
    busy = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
            b"Retry-After: 0\r\n\r\n{}")
    proxy = FlakyProxy(office.url, fail_with=busy, fail=2)
    t = client_for(proxy.url).issue_ticket("khac", None, "after-503")
    assert t["number"].startswith("E") and proxy.requests == 3
    proxy.close()


def test_unreachable_office_raises_office_unavailable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once closed
    c = client_for(f"http://127.0.0.1:{port}", retries=2)
    with pytest.raises(OfficeUnavailable):
        c.issue_ticket("ho-tich", None, "nowhere")


def test_refusals_raise_office_error_with_the_field(office):
    c = client_for(office.url)
    with pytest.raises(OfficeError) as e:
        c.issue_ticket("no-such-service", None, "bad")
    assert (e.value.status, e.value.field, e.value.code) == (422, "service", "unknown_service")
    bad_key = OfficeClient(office.url, "wrong-key", "kiosk-1", timeout=5)
    with pytest.raises(OfficeError) as e:
        bad_key.issue_ticket("ho-tich", None, "k")
    assert (e.value.status, e.value.field) == (401, "authorization")


def test_print_outcome_reprint_and_heartbeat(office):
    c = client_for(office.url)
    t = c.issue_ticket("ho-tich", None, "print-me")
    assert c.report_print(t["id"], False, "hết giấy")["printed"] is False
    again = c.reprint(t["id"])
    assert again["reprint_count"] == 1 and again["printed"] is None
    assert c.report_print(t["id"], True)["printed"] is True
    assert c.heartbeat(printer={"online": True, "paper": "near_end"}, scanner={"online": True})["ok"]
    assert c.health()["ok"]
