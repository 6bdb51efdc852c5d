"""`kiosk doctor`'s qr line (issue 15): a warning without [office] public_url, with a loopback
address, or with one that does not answer; a pass when the address answers /api/health."""

import io
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk import doctor
from kiosk.config import parse


def line(tmp_path, **office):
    settings = parse({"office": {"timeout": 2.0, **office}, "kiosk": {"state_dir": str(tmp_path / "state")}})
    (result,) = doctor.run_checks(settings, out=io.StringIO(), only=("qr",))
    return result


def test_without_public_url_it_warns_and_says_how_to_set_it(tmp_path):
    r = line(tmp_path)
    assert r.status == doctor.WARN and "print no QR code" in r.found
    assert "public_url" in r.fix and "[office]" in r.fix
    assert "WARN  qr" in r.line() and "\n" not in r.line()


def test_this_machines_own_address_is_no_use_to_a_phone(tmp_path):
    for url in ("http://127.0.0.1:8080", "http://localhost:8080"):
        r = line(tmp_path, public_url=url)
        assert r.status == doctor.WARN and "no phone can open it" in r.found


def test_an_address_that_does_not_answer_warns(tmp_path):
    r = line(tmp_path, public_url="http://motcua.invalid:8080")
    assert r.status == doctor.WARN and "does not answer" in r.found


def lan_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def test_an_address_that_answers_passes(tmp_path):
    host = lan_address()
    if host.startswith("127."):
        pytest.skip("no network interface besides loopback")

    class Health(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status": "ok"}' if self.path == "/api/health" else b"{}"
            self.send_response(200 if self.path == "/api/health" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://{host}:{server.server_address[1]}"
        r = line(tmp_path, public_url=url)
        assert r.status == doctor.PASS and f"{url}/t/" in r.found
    finally:
        server.shutdown()
        server.server_close()
