"""The kiosk's outbox: nothing lost, nothing doubled, nothing personal left behind.

The kill and outage tests run against the real office service (kiosk.office.embedded, SQLite)
and a real kiosk-like process (tests/support/outbox_worker.py) that is SIGKILLed at the worst
moments. Faults the office cannot be asked to make (503s, echoing personal data) come from
FakeOffice, a small HTTP server on 127.0.0.1 that keeps dossiers by idempotency key the way
POST /api/dossiers does (201 new, 200 seen, 422 naming the field).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from outbox_worker import API_KEY, http_send
from kiosk.config import Settings
from kiosk.link.outbox import (
    PENDING, REJECTED, SENT, OfficeError, OfficeUnavailable, Outbox, Sender, is_rejection, ref_prefix,
    retry_delay,
)

WORKER = Path(__file__).resolve().parents[1] / "support" / "outbox_worker.py"
NAME = "Nguyễn Thị Hồng Nhung"
ID_NUMBER = "079186001234"


def dossier_payload(name: str = NAME, procedure: str = "1.001193") -> dict:
    return {
        "procedure_code": procedure,
        "applicant": {"id_number": ID_NUMBER, "full_name": name, "date_of_birth": "1986-04-12",
                      "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành", "phone": "0903123456"},
        "fields": {"child_name": "Trần Minh Khôi", "child_dob": "2026-11-20"},
    }


def wait_until(predicate, timeout: float = 20.0, what: str = "condition"):
    """Poll until true; the timeout only stops a broken test from hanging (not a speed check)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


# --- a small office that keeps dossiers by idempotency key -----------------------------------

class FakeOffice:
    """POST /api/dossiers and GET /api/dossiers/{code}, idempotent like the real office service."""

    def __init__(self, port: int = 0):
        self.lock = threading.Lock()
        self.by_key: dict[str, dict] = {}
        self.bodies: list[dict] = []  # every POST body received, duplicates included
        self.fail_with: int | None = None  # answer every POST with this status (e.g. 503)
        self.port = port
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeOffice":
        office = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._answer(401, {"detail": "unknown kiosk key", "field": "authorization"})
                with office.lock:
                    office.bodies.append(body)
                    if office.fail_with:
                        return self._answer(office.fail_with, {"detail": "office busy"})
                    if body.get("procedure_code") == "no-such-procedure":
                        return self._answer(422, {"detail": "unknown procedure", "field": "procedure_code"})
                    key = body.get("idempotency_key")
                    if key in office.by_key:
                        return self._answer(200, office.public(office.by_key[key]))
                    code = f"BT-20261130-{len(office.by_key) + 1:04d}"
                    office.by_key[key] = {**body, "code": code}
                    return self._answer(201, office.public(office.by_key[key]))

            def do_GET(self):
                code = self.path.rsplit("/", 1)[-1]
                with office.lock:
                    found = [d for d in office.by_key.values() if d["code"] == code]
                if not found:
                    return self._answer(404, {"detail": "no such dossier", "field": "code"})
                return self._answer(200, office.public(found[0]))

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    @staticmethod
    def public(d: dict) -> dict:
        return {"code": d["code"], "status": "received", "received_at": "2026-11-30T02:38:00+00:00",
                "appointment_date": "2026-12-01"}

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def dossiers_per_key(self) -> dict[str, int]:
        with self.lock:
            return {k: sum(1 for d in self.by_key.values() if d["idempotency_key"] == k) for k in self.by_key}


@pytest.fixture
def office():
    o = FakeOffice().start()
    yield o
    o.stop()


@pytest.fixture
def outbox(tmp_path):
    with Outbox(tmp_path / "outbox.db", kiosk_id="KS1") as ob:
        yield ob


def run_worker(*args: str, pause: str = "") -> subprocess.Popen:
    env = {**os.environ, "OUTBOX_PAUSE": pause}
    return subprocess.Popen([sys.executable, str(WORKER), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen) -> None:
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 0, err.decode()


# --- storing -----------------------------------------------------------------------------------

def test_put_assigns_key_and_readable_local_reference_before_sending(outbox):
    first = outbox.put("dossier", dossier_payload())
    second = outbox.put("dossier", dossier_payload("Lê Văn Tám"))
    assert first.state == PENDING and first.payload["applicant"]["full_name"] == NAME
    assert first.idempotency_key != second.idempotency_key and len(first.idempotency_key) == 36
    day = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y%m%d")  # the ward's date
    assert (first.local_ref, second.local_ref) == (f"KS1-{day}-0001", f"KS1-{day}-0002")
    assert [e.local_ref for e in outbox.pending()] == [first.local_ref, second.local_ref]
    request = first.request()
    assert request["idempotency_key"] == first.idempotency_key and request["local_ref"] == first.local_ref
    assert request["kiosk_id"] == "KS1" and request["applicant"]["full_name"] == NAME


def test_local_reference_follows_the_wards_date_and_restarts_each_day(tmp_path):
    # 17:30 UTC on 30 Nov is already 1 Dec in Hồ Chí Minh City.
    clock = {"now": datetime(2026, 11, 30, 16, 59, tzinfo=timezone.utc)}
    with Outbox(tmp_path / "o.db", kiosk_id="kiosk-1", now=lambda: clock["now"]) as ob:
        assert ob.put("dossier", {}).local_ref == "KIOSK1-20261130-0001"
        assert ob.put("dossier", {}).local_ref == "KIOSK1-20261130-0002"
        clock["now"] = datetime(2026, 11, 30, 17, 30, tzinfo=timezone.utc)
        assert ob.put("dossier", {}).local_ref == "KIOSK1-20261201-0001"
    # The sequence survives a restart (no reference is ever given twice).
    clock["now"] = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
    with Outbox(tmp_path / "o.db", kiosk_id="kiosk-1", now=lambda: clock["now"]) as ob:
        assert ob.put("dossier", {}).local_ref == "KIOSK1-20261201-0002"


def test_outbox_for_settings_lives_in_the_state_folder(tmp_path):
    settings = Settings.model_validate({"kiosk": {"id": "ks1", "state_dir": str(tmp_path / "state")}})
    with Outbox.for_settings(settings) as ob:
        assert ob.path == tmp_path / "state" / "outbox.db" and ob.path.exists()
        assert ob.put("dossier", {}).local_ref.startswith("KS1-")
    assert ref_prefix("bến-thành 2") == "BNTHNH2"  # letters outside A-Z drop out
    assert ref_prefix("---") == "KS"


def test_put_commits_to_disk_with_wal_and_full_sync(outbox):
    entry = outbox.put("dossier", dossier_payload())
    # Another connection (another process would do the same) sees the committed row at once.
    with sqlite3.connect(outbox.path) as other:
        assert other.execute("SELECT local_ref FROM entries").fetchall() == [(entry.local_ref,)]
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_payload_that_is_not_json_is_refused_at_once(outbox):
    with pytest.raises(TypeError):
        outbox.put("dossier", {"when": datetime.now()})
    assert outbox.pending() == []


def test_entries_never_show_personal_data_in_repr_or_logs(outbox, office, caplog):
    caplog.set_level("DEBUG", logger="kiosk.link.outbox")
    entry = outbox.put("dossier", dossier_payload())
    assert NAME not in repr(entry) and ID_NUMBER not in str(entry)
    sender = Sender(outbox, http_send(office.url), backoff=(0.05,)).start()
    try:
        sender.kick()
        assert sender.wait_for(entry.id, 20).state == SENT
    finally:
        sender.stop()
    assert entry.local_ref in caplog.text
    assert NAME not in caplog.text and ID_NUMBER not in caplog.text


# --- sending -----------------------------------------------------------------------------------

def test_sender_delivers_in_order_once_and_keeps_the_code(outbox, office):
    changes = []
    entries = [outbox.put("dossier", dossier_payload(f"Người {i}")) for i in range(3)]
    sender = Sender(outbox, http_send(office.url), backoff=(0.05,), on_change=changes.append).start()
    try:
        sender.kick()
        done = sender.wait_for(entries[-1].id, 20)
    finally:
        sender.stop()
    assert done.state == SENT
    assert [b["applicant"]["full_name"] for b in office.bodies] == ["Người 0", "Người 1", "Người 2"]
    assert set(office.dossiers_per_key().values()) == {1} and len(office.by_key) == 3
    assert [c.local_ref for c in changes] == [e.local_ref for e in entries]
    sent = outbox.get(entries[0].id)
    assert sent.code == "BT-20261130-0001" and sent.response["appointment_date"] == "2026-12-01"
    assert sent.payload is None
    assert outbox.resolve(entries[0].local_ref) == "BT-20261130-0001"
    assert outbox.resolve(entries[2].local_ref.lower()) == "BT-20261130-0003"  # typed in lower case
    assert outbox.resolve("KS1-19990101-0001") is None
    assert outbox.pending() == []


def test_new_entry_is_sent_at_once_when_kicked(outbox, office):
    sender = Sender(outbox, http_send(office.url), backoff=(0.05,)).start()
    try:
        assert sender.wait_for(-1, 0.05) is None  # idle with nothing to send
        entry = outbox.put("dossier", dossier_payload())
        sender.kick()
        assert sender.wait_for(entry.id, 20).code
    finally:
        sender.stop()
    assert not sender.alive


def test_5xx_is_retried_with_the_same_key_and_stored_once(outbox, office):
    office.fail_with = 503
    entry = outbox.put("dossier", dossier_payload())
    sender = Sender(outbox, http_send(office.url), backoff=(0.02,)).start()
    try:
        sender.kick()
        wait_until(lambda: len(office.bodies) >= 3, what="retries")
        office.fail_with = None
        assert sender.wait_for(entry.id, 20).state == SENT
    finally:
        sender.stop()
    assert {b["idempotency_key"] for b in office.bodies} == {entry.idempotency_key}
    assert office.dossiers_per_key() == {entry.idempotency_key: 1}


def test_backoff_waits_and_a_kick_cuts_the_wait_short(outbox, office):
    office.fail_with = 503
    entry = outbox.put("dossier", dossier_payload())
    sender = Sender(outbox, http_send(office.url), backoff=(600,)).start()  # starts with a round
    try:
        wait_until(lambda: sender.retry_in == 600, what="the sender to back off")
        time.sleep(0.3)  # were it a busy loop, it would have posted again by now
        assert len(office.bodies) == 1 and outbox.get(entry.id).attempts == 1
        office.fail_with = None
        sender.kick()  # e.g. a new dossier: try now, not in ten minutes
        assert sender.wait_for(entry.id, 20).state == SENT
    finally:
        sender.stop()
    assert len(office.bodies) == 2 and len(office.by_key) == 1


def test_retry_delays_grow_then_stay_at_the_last_step():
    backoff = (1, 2, 5, 10, 30, 60)
    assert [retry_delay(n, backoff) for n in range(1, 9)] == [1, 2, 5, 10, 30, 60, 60, 60]
    with pytest.raises(ValueError):
        Sender(None, lambda r: r, backoff=())


def test_4xx_rejection_is_kept_with_its_reason_and_never_retried(outbox, office):
    changes = []
    bad = outbox.put("dossier", dossier_payload(procedure="no-such-procedure"))
    good = outbox.put("dossier", dossier_payload("Lê Văn Tám"))
    sender = Sender(outbox, http_send(office.url), backoff=(0.02,), on_change=changes.append).start()
    try:
        sender.kick()
        assert sender.wait_for(good.id, 20).state == SENT  # a refused entry does not block the next
        sender.kick()
        time.sleep(0.2)
    finally:
        sender.stop()
    rejected = outbox.get(bad.id)
    assert rejected.state == REJECTED and rejected.payload is None
    assert (rejected.reject_status, rejected.reject_field) == (422, "procedure_code")
    assert rejected.reject_detail == "unknown procedure" and rejected.code is None
    assert outbox.resolve(bad.local_ref) is None
    assert sum(1 for b in office.bodies if b["idempotency_key"] == bad.idempotency_key) == 1
    assert [c.state for c in changes] == [REJECTED, SENT]


def test_a_wrong_kiosk_key_holds_the_dossier_instead_of_dropping_it(outbox, office):
    # 401 is the kiosk's misconfiguration, not the citizen's mistake: keep it and keep trying.
    entry = outbox.put("dossier", dossier_payload())
    sender = Sender(outbox, http_send(office.url, api_key="wrong"), backoff=(0.02,)).start()
    try:
        sender.kick()
        wait_until(lambda: outbox.get(entry.id).attempts >= 2, what="retries with a wrong key")
    finally:
        sender.stop()
    held = outbox.get(entry.id)
    assert held.state == PENDING and held.payload["applicant"]["full_name"] == NAME
    assert held.last_error == "OfficeError: 401"


def test_errors_are_read_by_status_whoever_defines_them():
    class ClientError(Exception):  # e.g. kiosk/link/client.py's own class
        def __init__(self, status):
            self.status = status

    assert is_rejection(OfficeError(422, "bad", "applicant.full_name"))
    assert is_rejection(ClientError(400)) and is_rejection(ClientError(409))
    assert not is_rejection(ClientError(401)) and not is_rejection(ClientError(429))
    assert not is_rejection(OfficeUnavailable("timeout")) and not is_rejection(ConnectionError())


def test_an_answer_without_a_code_is_not_taken_as_delivery(outbox):
    answers = iter([{"status": "received"}, {"code": "BT-1", "status": "received"}])
    entry = outbox.put("dossier", dossier_payload())
    sender = Sender(outbox, lambda request: next(answers), backoff=(0.02,)).start()
    try:
        sender.kick()
        assert sender.wait_for(entry.id, 20).code == "BT-1"
    finally:
        sender.stop()
    assert outbox.get(entry.id).attempts == 1


def test_a_failing_on_change_does_not_stop_delivery(outbox, office):
    def broken(entry):
        raise RuntimeError("screen gone")

    entries = [outbox.put("dossier", dossier_payload()) for _ in range(2)]
    sender = Sender(outbox, http_send(office.url), backoff=(0.02,), on_change=broken).start()
    try:
        sender.kick()
        assert sender.wait_for(entries[1].id, 20).state == SENT
    finally:
        sender.stop()


def test_stop_returns_promptly_while_backing_off(outbox):
    def unreachable(request):
        raise OfficeUnavailable("down")

    outbox.put("dossier", dossier_payload())
    sender = Sender(outbox, unreachable, backoff=(600,)).start()
    wait_until(lambda: sender.retry_in == 600, what="backing off")
    sender.stop(timeout=10)
    assert not sender.alive


# --- personal data is gone once acknowledged -----------------------------------------------------

def disk_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_payload_is_deleted_from_the_files_once_acknowledged(outbox, office):
    entries = [outbox.put("dossier", dossier_payload()) for _ in range(3)]
    assert NAME.encode() in disk_bytes(outbox.path)  # it is really on disk while pending
    assert ID_NUMBER.encode() in disk_bytes(outbox.path)
    sender = Sender(outbox, http_send(office.url), backoff=(0.02,)).start()
    try:
        sender.kick()
        assert sender.wait_for(entries[-1].id, 20).state == SENT
    finally:
        sender.stop()
    data = disk_bytes(outbox.path)  # outbox.db, outbox.db-wal, outbox.db-shm
    for secret in (NAME, ID_NUMBER, "0903123456", "Trần Minh Khôi", "12 Lê Lợi"):
        assert secret.encode() not in data, secret
    assert entries[0].local_ref.encode() in data and b"BT-20261130-0001" in data


def test_rejected_payload_is_deleted_too(outbox, office):
    entry = outbox.put("dossier", dossier_payload(procedure="no-such-procedure"))
    sender = Sender(outbox, http_send(office.url), backoff=(0.02,)).start()
    try:
        sender.kick()
        assert sender.wait_for(entry.id, 20).state == REJECTED
    finally:
        sender.stop()
    assert NAME.encode() not in disk_bytes(outbox.path)


def test_personal_data_the_office_echoes_back_is_not_kept(outbox):
    entry = outbox.put("dossier", dossier_payload())
    outbox.mark_sent(entry.id, {"code": "BT-9", "status": "received", "appointment_date": "2026-12-01",
                                "applicant": {"full_name": NAME}})
    assert outbox.get(entry.id).response == {"code": "BT-9", "status": "received",
                                             "appointment_date": "2026-12-01"}
    assert NAME.encode() not in disk_bytes(outbox.path)


def test_marking_twice_changes_nothing(outbox):
    entry = outbox.put("dossier", dossier_payload())
    outbox.mark_sent(entry.id, {"code": "BT-1"})
    again = outbox.mark_rejected(entry.id, 422, "late")
    assert again.state == SENT and again.code == "BT-1" and again.reject_status is None


def test_purge_forgets_old_finished_entries_but_never_pending_ones(outbox):
    done = outbox.put("dossier", dossier_payload())
    outbox.mark_sent(done.id, {"code": "BT-1"})
    waiting = outbox.put("dossier", dossier_payload())
    assert outbox.purge(datetime.now(timezone.utc) - timedelta(days=1)) == 0
    assert outbox.purge(datetime.now(timezone.utc) + timedelta(seconds=1)) == 1
    assert outbox.resolve(done.local_ref) is None
    assert [e.id for e in outbox.pending()] == [waiting.id]


# --- kill the kiosk process: nothing lost, nothing doubled (against the real office service) -------

def valid_payload() -> dict:
    """A dossier the real office accepts: signature authentication (2.000884), a valid form."""
    return {
        "procedure_code": "2.000884",
        "applicant": {"id_number": ID_NUMBER, "full_name": NAME, "date_of_birth": "1986-04-12", "sex": "Nữ",
                      "address": "12 Lê Lợi, phường Bến Thành", "phone": "0903123456"},
        "fields": {"document_name": "Giấy ủy quyền", "number_of_documents": 1, "signing_method": "Ký"},
    }


def start_office(state_dir: Path, port: int = 0):
    """The office service (uvicorn thread, SQLite in state_dir) with this test kiosk's key."""
    from kiosk.office.embedded import start_embedded

    settings = Settings.model_validate({"kiosk": {"id": "KS1", "api_key": API_KEY, "state_dir": str(state_dir)}})
    return start_embedded(settings, port=port)


@pytest.fixture(scope="module")
def real_office(tmp_path_factory):
    office = start_office(tmp_path_factory.mktemp("office"))
    yield office
    office.stop()


def dossiers_with_key(office, key: str) -> int:
    """How many dossiers the office's database holds for this idempotency key."""
    from sqlalchemy import func, select

    from kiosk.office.storage.models import Dossier

    with office.office.db.read() as s:
        return s.scalar(select(func.count()).select_from(Dossier).where(Dossier.idempotency_key == key))


def office_get(office, code: str) -> dict:
    import requests

    r = requests.get(f"{office.url}/api/dossiers/{code}", timeout=10, headers={"Authorization": f"Bearer {API_KEY}"})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def kill_setup(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(valid_payload(), ensure_ascii=False), encoding="utf-8")
    return tmp_path / "outbox.db", markers, payload


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def test_killed_after_storing_before_sending_the_dossier_is_sent_after_restart(kill_setup, real_office):
    db, markers, payload = kill_setup
    proc = run_worker("put", db, real_office.url, markers, payload, pause="after_put")
    try:
        wait_until(lambda: (markers / "stored").exists(), what="the entry to be stored")
    finally:
        kill(proc)
    local_ref = (markers / "stored").read_text()
    with Outbox(db) as ob:  # the entry survived the kill ...
        (pending,) = ob.pending()
    assert pending.local_ref == local_ref and pending.payload["applicant"]["full_name"] == NAME
    assert dossiers_with_key(real_office, pending.idempotency_key) == 0  # ... and was never sent

    finish(run_worker("drain", db, real_office.url, markers))  # the kiosk restarts
    assert dossiers_with_key(real_office, pending.idempotency_key) == 1
    with Outbox(db) as ob:
        assert ob.pending() == []
        code = ob.resolve(local_ref)
    seen = office_get(real_office, code)
    assert seen["code"] == code and seen["status"] == "declared"


def test_killed_after_sending_before_marking_the_retry_does_not_double(kill_setup, real_office):
    import requests

    db, markers, payload = kill_setup
    proc = run_worker("put", db, real_office.url, markers, payload, pause="after_send")
    try:
        wait_until(lambda: (markers / "sent").exists(), what="the office to answer")
    finally:
        kill(proc)
    first = json.loads((markers / "sent").read_text())
    with Outbox(db) as ob:  # the office has it, but the kiosk died before recording that
        (pending,) = ob.pending()
    assert dossiers_with_key(real_office, pending.idempotency_key) == 1

    finish(run_worker("drain", db, real_office.url, markers))  # restart: the same key goes again
    assert dossiers_with_key(real_office, pending.idempotency_key) == 1  # stored once
    with Outbox(db) as ob:
        assert ob.pending() == [] and ob.resolve(pending.local_ref) == first["code"]
    assert NAME.encode() not in disk_bytes(db)
    # Once more by hand: 200 with the same dossier.
    again = requests.post(f"{real_office.url}/api/dossiers", json=pending.request(), timeout=10,
                          headers={"Authorization": f"Bearer {API_KEY}"})
    assert again.status_code == 200 and again.json()["code"] == first["code"]
    assert dossiers_with_key(real_office, pending.idempotency_key) == 1


def test_an_unkilled_run_delivers_and_exits(kill_setup, real_office):
    db, markers, payload = kill_setup
    finish(run_worker("put", db, real_office.url, markers, payload))
    assert (markers / "done").exists()
    with Outbox(db) as ob:
        entry = ob.by_ref((markers / "stored").read_text())
    assert entry.state == SENT and dossiers_with_key(real_office, entry.idempotency_key) == 1


def test_real_office_unreachable_then_back_everything_delivered_once(tmp_path):
    state = tmp_path / "office-state"
    office = start_office(state)
    port = int(office.url.rsplit(":", 1)[1])
    office.stop()  # the office goes away: connection refused
    with Outbox(tmp_path / "outbox.db", kiosk_id="KS1") as outbox:
        entries = [outbox.put("dossier", valid_payload()) for _ in range(3)]
        sender = Sender(outbox, http_send(f"http://127.0.0.1:{port}", timeout=2), backoff=(0.05, 0.1, 0.2)).start()
        try:
            wait_until(lambda: outbox.get(entries[0].id).attempts >= 2, what="failed attempts")
            assert len(outbox.pending()) == 3
            office = start_office(state, port=port)  # back, same address, same database
            wait_until(lambda: not outbox.pending(), timeout=60, what="delivery after the office came back")
        finally:
            sender.stop()
        try:
            assert [dossiers_with_key(office, e.idempotency_key) for e in entries] == [1, 1, 1]
            codes = [outbox.resolve(e.local_ref) for e in entries]
            assert len(set(codes)) == 3 and all(office_get(office, c)["code"] == c for c in codes)
        finally:
            office.stop()


def test_real_office_refusal_is_kept_and_not_retried(tmp_path, real_office):
    bad = valid_payload()
    bad["fields"]["signing_method"] = "Không rõ"  # not one of the choices
    with Outbox(tmp_path / "outbox.db", kiosk_id="KS1") as outbox:
        entry = outbox.put("dossier", bad)
        sender = Sender(outbox, http_send(real_office.url), backoff=(0.05,)).start()
        try:
            done = sender.wait_for(entry.id, 30)
        finally:
            sender.stop()
        assert done.state == REJECTED and done.reject_status == 422
        assert done.reject_field and "signing_method" in done.reject_field
        assert done.payload is None
        assert dossiers_with_key(real_office, entry.idempotency_key) == 0


def test_real_office_wrong_key_holds_the_dossier(tmp_path, real_office):
    with Outbox(tmp_path / "outbox.db", kiosk_id="KS1") as outbox:
        entry = outbox.put("dossier", valid_payload())
        sender = Sender(outbox, http_send(real_office.url, api_key="not-this-kiosk"), backoff=(0.05,)).start()
        try:
            wait_until(lambda: outbox.get(entry.id).attempts >= 2, what="retries with a wrong key")
        finally:
            sender.stop()
        held = outbox.get(entry.id)
        assert held.state == PENDING and held.payload["applicant"]["full_name"] == NAME
        assert held.last_error == "OfficeError: 401"
