"""A stand-in for the province's one-stop information system: a real HTTP server on a thread that
takes `motcua-kiosk/dossier-v1` POSTs the way issue 14 describes the provincial side.

It honours the Idempotency-Key like a well-behaved receiver: the first request with a key
creates the dossier and answers 201 {"official_code"}; a later one with the same key answers 409
with the same code. Modes make it misbehave:

  ok            201 (or 409 for a known key)
  fail N        answer 500 to the next N requests, then behave as ok
  slow S        wait S seconds before handling each request (it still creates the dossier)
  late S        create the dossier, then wait S seconds before answering (the office may die meanwhile)
  conflict      answer 409 {"official_code"} at once, as if the dossier had been typed in before
  refuse        answer 400 with a Vietnamese sentence, create nothing
  down          not listening at all (connection refused): `stop()`, then `start()` on the same port

Tests read `requests` (every request as it arrived), `created` (key -> official code) and
`successes` (answers 200/201/409 with a code, per key).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REFUSAL = "Hồ sơ thiếu trường bắt buộc: applicant.id_number"


class Province:
    def __init__(self, mode: str = "ok", arg: float = 0, *, token: str | None = None, port: int = 0):
        self.mode, self.arg = mode, arg
        self.token = token  # when set, requests without this bearer token get 401
        self.lock = threading.RLock()  # wait_for holds it while a predicate calls keys()
        self.requests: list[dict] = []
        self.created: dict[str, str] = {}
        self.successes: Counter = Counter()
        self.port = port
        self.server: ThreadingHTTPServer | None = None
        self.start()

    # ---- control
    def set(self, mode: str, arg: float = 0) -> None:
        with self.lock:
            self.mode, self.arg = mode, arg

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/ho-so"

    def start(self) -> None:
        province = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet tests
                pass

            def do_POST(self):
                province.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # ---- what tests read
    def keys(self) -> list[str]:
        with self.lock:
            return [r["headers"].get("Idempotency-Key") for r in self.requests]

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return True
            time.sleep(0.02)
        return False

    # ---- the provincial side
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        raw = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        with self.lock:
            mode, arg = self.mode, self.arg
            self.requests.append({"at": time.monotonic(), "headers": dict(h.headers.items()), "raw": raw,
                                  "body": _json(raw), "mode": mode})
        if mode == "slow":
            time.sleep(arg)
        key = h.headers.get("Idempotency-Key") or ""
        if self.token and h.headers.get("Authorization") != f"Bearer {self.token}":
            return _answer(h, 401, {"detail": "sai mã xác thực"})
        with self.lock:
            if mode == "fail" and self.arg > 0:
                self.arg -= 1
                return _answer(h, 500, {"detail": "Lỗi hệ thống, thử lại sau"})
            if mode == "refuse":
                return _answer(h, 400, {"detail": REFUSAL})
            body = _json(raw)
            if not key or not isinstance(body, dict) or body.get("schema") != "motcua-kiosk/dossier-v1":
                return _answer(h, 422, {"detail": "not a motcua-kiosk/dossier-v1 body with an Idempotency-Key"})
            if mode == "conflict" and key not in self.created:
                self.created[key] = f"000.00.{len(self.created) + 1:02d}.H29-TYPED"
                status = 409
            elif key in self.created:
                status = 409
            else:
                self.created[key] = f"000.00.{len(self.created) + 1:02d}.H29-{body['local_code']}"
                status = 201
            self.successes[key] += 1
            code = self.created[key]
        if mode == "late":
            time.sleep(arg)
        _answer(h, status, {"official_code": code})


def _json(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def _answer(h: BaseHTTPRequestHandler, status: int, body: dict) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
    except OSError:  # the office gave up waiting (its timeout) and closed the connection
        pass
