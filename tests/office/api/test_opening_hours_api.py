"""POST /api/tickets outside the opening hours (409 office_closed) and past a field's daily cap
(409 service_full), with the next opening as ISO time and a Vietnamese sentence (issue 15).
Real HTTP through the app (TestClient), a clock the test moves, SQLite and PostgreSQL."""

import datetime as dt
import warnings
from contextlib import contextmanager

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from office_testing import Clock, demo_sqlite, pg_schema

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
VN = dt.timezone(dt.timedelta(hours=7))
WEEK = {d: ["07:30-11:30", "13:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture(params=["sqlite", "postgresql"])
def office(request, tmp_path, tmp_path_factory):
    """office(clock, **settings) -> a client of the demo office with those hours and caps."""
    @contextmanager
    def make(clock, **settings):
        if request.param == "sqlite":
            url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
            with TestClient(create_app(OfficeSettings(database_url=url, demo=True, **settings), clock=clock)) as c:
                yield c
        else:
            with pg_schema(request.getfixturevalue("pg_url")) as url, TestClient(
                    create_app(OfficeSettings(database_url=url, demo=True, **settings), clock=clock)) as c:
                yield c
    return make


def issue(client, key, service="ho-tich"):
    return client.post("/api/tickets", headers=KIOSK, json={"service": service, "priority": None,
                                                            "idempotency_key": key})


def waiting(client, code="ho-tich") -> int:
    return next(s["waiting"] for s in client.get("/api/services").json()["services"] if s["code"] == code)


def test_closed_on_sunday_night_says_when_it_opens_and_issues_nothing(office):
    clock = Clock(local(2026, 12, 6, 21, 0))  # Sunday evening
    with office(clock, opening_hours=WEEK) as client:
        r = issue(client, "night-1")
        assert r.status_code == 409, r.text
        body = r.json()
        assert body["code"] == "office_closed" and body["field"] is None and body["detail"]
        assert dt.datetime.fromisoformat(body["next_open"]) == local(2026, 12, 7, 7, 30)
        assert body["message_vi"] == "Trung tâm đang nghỉ. Mời ông/bà quay lại lúc 7:30 sáng thứ Hai, 07/12/2026."
        assert waiting(client) == 0
        clock.now = local(2026, 12, 7, 12, 0)  # Monday's lunch break
        r = issue(client, "lunch-1")
        assert r.status_code == 409 and r.json()["message_vi"].endswith("lúc 1:30 chiều thứ Hai, 07/12/2026.")
        clock.now = local(2026, 12, 7, 13, 30)  # open: the same key now gets a ticket
        r = issue(client, "lunch-1")
        assert r.status_code == 201 and r.json()["number"] == "A001"
        # a holiday: Wednesday 2 September 2026, National Day
        clock.now = local(2026, 9, 2, 9, 0)
        r = issue(client, "holiday-1")
        assert r.status_code == 409 and r.json()["code"] == "office_closed"
        assert dt.datetime.fromisoformat(r.json()["next_open"]).date() > dt.date(2026, 9, 2)


def test_a_retry_of_a_ticket_issued_before_closing_gets_the_same_ticket(office):
    clock = Clock(local(2026, 12, 7, 11, 29, 59))
    with office(clock, opening_hours=WEEK) as client:
        first = issue(client, "edge-1")
        assert first.status_code == 201
        clock.advance(seconds=2)  # 11:30:01: closed, but the kiosk only lost the first answer
        again = issue(client, "edge-1")
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        assert issue(client, "edge-2").status_code == 409


def test_a_daily_cap_answers_service_full_with_another_day(office):
    clock = Clock(local(2026, 12, 7, 9, 0))  # Monday morning, open
    with office(clock, opening_hours=WEEK, daily_caps={"ho-tich": 2}) as client:
        assert [issue(client, f"cap-{i}").status_code for i in (1, 2)] == [201, 201]
        r = issue(client, "cap-3")
        assert r.status_code == 409, r.text
        body = r.json()
        assert (body["code"], body["field"], body["cap"], body["service"]) == ("service_full", "service", 2, "ho-tich")
        assert (body["service_name_vi"], body["service_name_en"]) == ("Hộ tịch", "Civil status")
        assert dt.datetime.fromisoformat(body["next_open"]) == local(2026, 12, 8, 7, 30)  # not this afternoon
        assert body["message_vi"] == ("Lĩnh vực Hộ tịch hôm nay đã hết số. "
                                      "Mời ông/bà quay lại lúc 7:30 sáng thứ Ba, 08/12/2026.")
        assert issue(client, "cap-2").status_code == 200  # a retry of the second is still answered
        assert issue(client, "other-1", "chung-thuc").status_code == 201  # other fields are not capped
        assert waiting(client) == 2
        clock.now = local(2026, 12, 8, 7, 30)  # the next day counts again
        assert issue(client, "cap-3").json()["number"] == "A001"



def test_requests_racing_for_a_fields_last_number_get_one_ticket(office):
    """Eight kiosks' requests for the last number at once: one ticket, seven 409 service_full."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    clock = Clock(local(2026, 12, 7, 9, 0))
    with office(clock, opening_hours=WEEK, daily_caps={"ho-tich": 3}) as client:
        assert [issue(client, f"early-{i}").status_code for i in (1, 2)] == [201, 201]
        gate = threading.Barrier(8)

        def racer(i):
            gate.wait()
            r = issue(client, f"race-{i}")
            return r.status_code, r.json().get("code")

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(racer, range(8)))
        assert sorted(answers, key=str) == [(201, None)] + [(409, "service_full")] * 7, answers
        assert waiting(client) == 3

def test_the_demo_office_issues_at_night_and_on_holidays(office):
    clock = Clock(local(2026, 9, 2, 3, 0))
    with office(clock) as client:
        assert issue(client, "demo-night").status_code == 201


def test_the_usual_week_without_demo(tmp_path, tmp_path_factory):
    """Not the demo, no hours given: Monday to Friday, 07:30–11:30 and 13:30–17:00."""
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    settings = OfficeSettings(database_url=url, migrate=False, kiosk_keys={"kiosk-1": "demo-kiosk-key"})
    clock = Clock(local(2026, 12, 5, 9, 0))  # Saturday
    with TestClient(create_app(settings, clock=clock)) as client:
        r = issue(client, "sat-1")
        assert r.status_code == 409 and r.json()["message_vi"].endswith("7:30 sáng thứ Hai, 07/12/2026.")
        clock.now = local(2026, 12, 7, 16, 59)
        assert issue(client, "mon-1").status_code == 201


def test_the_409s_are_in_the_openapi_document(tmp_path, tmp_path_factory):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    with TestClient(create_app(OfficeSettings(database_url=url, demo=True))) as client:
        token = client.post("/api/auth/login", json={"username": "admin", "password": "admin-demo"}).json()["token"]
        spec = client.get("/openapi.json", headers={"Authorization": f"Bearer {token}"}).json()
    answer = spec["paths"]["/api/tickets"]["post"]["responses"]["409"]
    assert "office_closed" in answer["description"] and "service_full" in answer["description"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
