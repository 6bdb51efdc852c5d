"""kiosk.runner.make_client: the office client (and requests, ~110 ms to import) is made at its
first call on a worker thread, not on the way to the kiosk's first frame."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys
from kiosk import config
from kiosk.runner import WaitForOffice, make_client
import threading

settings = config.parse({"office": {"url": "http://127.0.0.1:9", "timeout": 1}}, "test")
client = make_client(settings, "http://127.0.0.1:9")
gated = WaitForOffice(client, threading.Event())
sender_hook = client.submit_dossier  # the outbox's sender takes the method up front
print("before", "requests" in sys.modules, "kiosk.link.client" in sys.modules)
try:
    client.services()
except Exception as exc:
    print("answer", type(exc).__name__)
print("after", "requests" in sys.modules, type(client._client).__name__)
"""


def test_the_client_is_made_at_its_first_call_and_then_is_the_real_one():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert "before False False" in lines  # nothing of the client imported by make_client
    assert "answer OfficeUnavailable" in lines  # the call went to the real client: no office there
    assert "after True OfficeClient" in lines
