"""A kiosk process reduced to its outbox, for the kill tests in tests/test_outbox.py.

    python tests/support/outbox_worker.py put   DB OFFICE_URL MARKERS PAYLOAD_JSON
    python tests/support/outbox_worker.py drain DB OFFICE_URL MARKERS

`put` stores the payload as a dossier, then sends everything pending; `drain` (a restart) only
sends what is pending. Progress is written as marker files in MARKERS (stored, sent, done), and
OUTBOX_PAUSE=after_put or after_send makes the process stop dead at that point, so the test can
SIGKILL it exactly there: after the entry is committed but before any request, or after the
office answered but before the outbox recorded it.

`http_send` is also a small stand-in for the kiosk's HTTP client (kiosk/link/client.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.link.outbox import OfficeError, OfficeUnavailable, Outbox, Sender  # noqa: E402

API_KEY = "test-kiosk-key"


def http_send(base_url: str, api_key: str = API_KEY, timeout: float = 5.0):
    """POST /api/dossiers; errors raised as the outbox's OfficeUnavailable / OfficeError."""

    def send(request: dict) -> dict:
        try:
            r = requests.post(f"{base_url}/api/dossiers", json=request, timeout=timeout,
                              headers={"Authorization": f"Bearer {api_key}"})
        except requests.RequestException as exc:
            raise OfficeUnavailable(type(exc).__name__) from None
        if r.status_code >= 500:
            raise OfficeUnavailable(f"HTTP {r.status_code}")
        if r.status_code >= 400:
            try:
                body = r.json()
            except ValueError:
                body = {}
            raise OfficeError(r.status_code, str(body.get("detail", "")), body.get("field"))
        return r.json()

    return send


def _pause_forever() -> None:
    while True:
        time.sleep(60)


def main(argv: list[str]) -> int:
    mode, db, url, markers = argv[:4]
    markers = Path(markers)
    pause = os.environ.get("OUTBOX_PAUSE", "")
    outbox = Outbox(db, kiosk_id="KS1")
    if mode == "put":
        entry = outbox.put("dossier", json.loads(Path(argv[4]).read_text(encoding="utf-8")))
        (markers / "stored").write_text(entry.local_ref)
        if pause == "after_put":
            _pause_forever()

    send = http_send(url)

    def send_then_maybe_pause(request: dict) -> dict:
        answer = send(request)
        (markers / "sent").write_text(json.dumps(answer))
        if pause == "after_send":
            _pause_forever()
        return answer

    sender = Sender(outbox, send_then_maybe_pause, backoff=(0.05, 0.1, 0.2)).start()
    sender.kick()
    while outbox.pending_count():
        time.sleep(0.02)
    sender.stop()
    (markers / "done").write_text("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
