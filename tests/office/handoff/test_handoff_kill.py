"""Durability of the hand-off across a kill -9 of the office (`kiosk serve --workers 2` in a
subprocess, SQLite and PostgreSQL): dossiers received while the province fails, and one whose
send was under way when the office died, all reach the province exactly once after a restart."""

import time

import pytest
import requests

from handoff_testing import ACCEPT, KIOSK, dossier_body, kill9, serve_process, write_config
from kiosk.office.settings import sqlite_url
from office_testing import pg_schema
from province_standin import Province

pytestmark = pytest.mark.slow


def _login(url: str) -> dict[str, str]:
    r = requests.post(f"{url}/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _submit(url: str, key: str) -> str:
    """Declared at a kiosk, received by an officer."""
    r = requests.post(f"{url}/api/dossiers", headers=KIOSK, json=dossier_body(key), timeout=10)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    r = requests.post(f"{url}/api/dossiers/{code}/accept", headers=_login(url), json=ACCEPT, timeout=10)
    assert r.status_code == 200, r.text
    return code


def check_kill_between_reception_and_delivery(database_url: str, tmp_path) -> None:
    province = Province("fail", 10_000)
    config = write_config(tmp_path / "kiosk.toml", kind="http", url=province.url, timeout=1.0,
                          retry_first_seconds=0.1, retry_max_seconds=0.3)
    try:
        with serve_process(database_url, config, demo=True) as (proc, url):
            failing = _submit(url, "k-failing")  # received; the province answers 500 for now
            assert province.wait_for(lambda p: p.keys().count(failing) >= 2)
            province.set("late", 60)  # takes the next request, then never answers in time
            in_flight = _submit(url, "k-in-flight")
            assert province.wait_for(lambda p: {failing, in_flight} <= set(p.created))
            kill9(proc)  # between reception and delivery: nothing stored about these answers
        sent_before = len(province.requests)
        province.set("ok")
        with serve_process(database_url, config) as (proc, url):
            h = _login(url)
            deadline = time.monotonic() + 30  # the dead workers' leases (2 × timeout + 3 s) run out first
            while time.monotonic() < deadline:
                views = [requests.get(f"{url}/api/dossiers/{c}", headers=h, timeout=10).json()
                         for c in (failing, in_flight)]
                if all(v["delivery"]["state"] == "delivered" for v in views):
                    break
                time.sleep(0.1)
            after = requests.get(f"{url}/api/connector", headers=h, timeout=10).json()
        assert [v["delivery"]["state"] for v in views] == ["delivered", "delivered"], views
        # exactly one dossier at the province per local code, and the office holds its code
        assert sorted(province.created) == sorted([failing, in_flight])
        assert [v["official_code"] for v in views] == [province.created[failing], province.created[in_flight]]
        assert all(v["delivery"]["last_status"] == 409 for v in views)  # the province knew them: same key
        assert len(province.requests) == sent_before + 2  # one resend each after the restart
        assert after["pending"] == 0 and after["delivered"] == 2 and after["failed"] == 0
    finally:
        province.stop()


def test_kill_9_between_reception_and_delivery_on_sqlite(tmp_path):
    check_kill_between_reception_and_delivery(sqlite_url(tmp_path / "office.db"), tmp_path)


@pytest.mark.postgres
def test_kill_9_between_reception_and_delivery_on_postgresql(pg_url, tmp_path):
    with pg_schema(pg_url) as url:
        check_kill_between_reception_and_delivery(url, tmp_path)
