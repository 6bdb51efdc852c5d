"""Shared parts of the hand-off tests (tests/office/handoff): an office app with a connector on a
copy of the demo database, kiosk submissions and staff log-in. The province is province_standin."""

from __future__ import annotations

import copy
import warnings
from contextlib import contextmanager
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.config import Connector
from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from office_testing import demo_sqlite

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
ID_NUMBER = "079190001234"
APPLICANT = {"full_name": "Nguyễn Thị Hòa", "id_number": ID_NUMBER, "date_of_birth": "1990-05-17",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "phone": "0903123456"}
BIRTH = {"child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2024-02-20", "child_sex": "Nữ",
         "child_place_of_birth": "Bệnh viện Từ Dũ",
         "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
         "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
         "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
         "mother_full_name": "Nguyễn Thị Hòa",
         "mother_id_number": ID_NUMBER, "relationship": "Mẹ"}
# what the officer ticks at "Tiếp nhận" (the catalogue's names for birth registration's papers)
DOCUMENTS = ["Tờ khai – máy giúp ông/bà điền; ký tên tại quầy",
             "Giấy chứng sinh (bản chính); nếu không có: văn bản người làm chứng hoặc giấy cam đoan về việc sinh"]
ACCEPT = {"documents_received": DOCUMENTS, "sets": 1}
FAST = {"timeout": 1.0, "retry_first_seconds": 0.05, "retry_max_seconds": 0.4}


def connector(kind: str = "http", **kw) -> Connector:
    return Connector(kind=kind, **({**FAST, **kw} if kind != "none" else kw))


def office_db(tmp_path: Path) -> str:
    """A fresh copy of the demo database (catalogue, users canbo1/admin, kiosk-1's key)."""
    return demo_sqlite(tmp_path.parent, tmp_path / "office.db")


@contextmanager
def office_client(database_url: str, conn: Connector, **settings):
    """The office app with its lifespan running (so its delivery worker runs), real clock."""
    app = create_app(OfficeSettings(database_url=database_url, connector=conn, **settings))
    with TestClient(app) as c:
        yield c


def dossier_body(key: str) -> dict:
    return {"idempotency_key": key, "procedure_code": "1.001193", "applicant": copy.deepcopy(APPLICANT),
            "fields": copy.deepcopy(BIRTH)}


def submit(client, key: str = "k1") -> str:
    """A dossier declared at a kiosk, then received by an officer: the moment it is handed off."""
    r = client.post("/api/dossiers", headers=KIOSK, json=dossier_body(key))
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    r = client.post(f"/api/dossiers/{code}/accept", headers=staff(client), json=ACCEPT)
    assert r.status_code == 200, r.text
    return code


def received(office, key: str) -> str:
    """`submit` without HTTP, on an `Office`: declared by kiosk-1, received by canbo1."""
    from kiosk.office.operations import dossiers

    code = dossiers.submit_once(office, dossier_body(key), "kiosk-1", "kiosk:kiosk-1")[0]["code"]
    with office.db.write() as s:
        dossiers.accept(s, office.ctx("user:canbo1"), office.settings, code, DOCUMENTS, 1, None, "Nguyễn Văn An")
    return code


def staff(client, user: str = "canbo1") -> dict[str, str]:
    r = client.post("/api/auth/login", json={"username": user, "password": f"{user}-demo"})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def wait_state(client, headers, code: str, state: str, timeout: float = 10.0) -> dict:
    """Poll the staff view until the dossier's delivery reaches `state`; the last view."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        view = client.get(f"/api/dossiers/{code}/delivery", headers=headers).json()
        if (view.get("delivery") or {}).get("state") == state or time.monotonic() > deadline:
            return view
        time.sleep(0.02)


@contextmanager
def serve_process(database_url: str, config: Path, *, workers: int = 2, demo: bool = False,
                  timeout: float = 60.0):
    """`kiosk --config CONFIG serve` in its own process group; yields (Popen, base URL). The test may
    kill it with kill9(); otherwise it is terminated at the end."""
    import os
    import subprocess
    import sys
    import time

    import requests

    from office_testing import free_port

    port = free_port()
    cmd = [sys.executable, "-m", "kiosk", "--config", str(config), "serve", "--port", str(port),
           "--workers", str(workers), "--database", database_url] + (["--demo"] if demo else [])
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    log = open(config.with_suffix(f".{port}.log"), "w+", encoding="utf-8")  # a pipe could fill and block it
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        pids: set[int] = set()
        while len(pids) < workers:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"kiosk serve exited {proc.returncode}: {log.read()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError("kiosk serve did not start")
            try:
                pids.add(requests.get(f"{url}/api/health", timeout=2).json()["worker"])
            except requests.RequestException:
                time.sleep(0.05)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                kill9(proc)
        log.close()


def kill9(proc) -> None:
    """kill -9 the office: the uvicorn parent and its workers (one process group), no clean-up."""
    import os
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def write_config(path: Path, **connector_keys) -> Path:
    lines = ["[office.connector]"] + [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}"
                                      for k, v in connector_keys.items()]
    path.write_text("\n".join(lines).replace("'", '"') + "\n", encoding="utf-8")
    return path
