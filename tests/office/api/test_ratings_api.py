"""Citizens' ratings over HTTP: the counter's rating device (its device key), the ticket's phone page
(its public token), the admin issuing device keys; 201, 409, 422 and 401 with the field named.
SQLite, and PostgreSQL for the main flow."""

import datetime as dt
import warnings

import pytest
from sqlalchemy import select

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.models import AuditEntry, Event, Rating
from office_testing import Clock, demo_sqlite, pg_schema

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
DEVICE = {n: {"Authorization": f"Bearer demo-rate-{n}"} for n in (1, 2, 3)}


@pytest.fixture
def clock():
    return Clock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc))


def make_client(url, clock, **settings):
    return TestClient(create_app(OfficeSettings(database_url=url, demo=True, **settings), clock=clock))


@pytest.fixture
def client(tmp_path, tmp_path_factory, clock):
    with make_client(demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db"), clock) as c:
        yield c


def login(client, user="canbo1"):
    r = client.post("/api/auth/login", json={"username": user, "password": f"{user}-demo"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def served(client, staff, counter=1, service="ho-tich", key=None, finish=True):
    """A ticket issued, called at `counter`, started and (by default) finished there."""
    r = client.post("/api/tickets", headers=KIOSK, json={"service": service,
                                                         "idempotency_key": key or f"k-{service}-{counter}-{id(staff)}"})
    assert r.status_code == 201, r.text
    t = r.json()
    called = client.post(f"/api/tickets/{t['id']}/call", headers=staff, json={"counter_id": counter})
    assert called.status_code == 200, called.text
    assert client.post(f"/api/tickets/{t['id']}/start", headers=staff).status_code == 200
    if finish:
        assert client.post(f"/api/tickets/{t['id']}/finish", headers=staff).status_code == 200
    return t


def assert_error(r, status, field, code=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["field"] == field and isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code


def rate(client, ticket_id, score, reasons=None, counter=1):
    body = {"ticket_id": ticket_id, "score": score}
    if reasons is not None:
        body["reasons"] = reasons
    return client.post("/api/ratings", headers=DEVICE[counter], json=body)


def rows(client, model):
    with client.app.state.office.db.read() as s:
        return s.scalars(select(model).order_by(model.id)).all()


def check_rating_at_the_counter(client, clock):
    staff = login(client)
    t = served(client, staff, key="flow-1")
    clock.advance(minutes=1)
    pending = client.get("/api/ratings/pending", headers=DEVICE[1])
    assert pending.status_code == 200
    assert pending.json()["ticket_id"] == t["id"] and pending.json()["number"] == "A001"
    assert pending.json()["seconds_left"] == 9 * 60
    assert client.get("/api/ratings/pending", headers=DEVICE[2]).status_code == 204  # not counter 2's ticket

    r = rate(client, t["id"], 2, ["attitude", "waited_long", "attitude"])
    assert r.status_code == 201, r.text
    assert {k: r.json()[k] for k in ("ticket_id", "number", "score", "reasons", "via")} == {
        "ticket_id": t["id"], "number": "A001", "score": 2, "reasons": ["waited_long", "attitude"], "via": "counter"}
    [stored] = rows(client, Rating)
    assert (stored.officer, stored.counter_id, stored.score, stored.via) == ("canbo1", 1, 2, "counter")

    assert_error(rate(client, t["id"], 4), 409, "ticket_id", "already_rated")
    assert client.get("/api/ratings/pending", headers=DEVICE[1]).status_code == 204
    phone = client.get(f"/api/public/tickets/{t['public_token']}/rating").json()
    assert (phone["state"], phone["score"]) == ("rated", 2)
    assert_error(client.post(f"/api/public/tickets/{t['public_token']}/rating", json={"score": 4}),
                 409, "ticket_id", "already_rated")
    assert len(rows(client, Rating)) == 1
    # the device's page learns that the ticket was rated; the public stream carries no score
    [event] = [e for e in rows(client, Event) if e.kind == "rating"]
    assert event.data == {"ticket_id": t["id"], "counter_id": 1, "via": "counter"}


def test_rating_at_the_counter_then_a_second_one_is_refused(client, clock):
    check_rating_at_the_counter(client, clock)


def test_rating_at_the_counter_on_postgresql(pg_url, clock):
    with pg_schema(pg_url) as url, make_client(url, clock) as c:
        check_rating_at_the_counter(c, clock)


def test_demo_counters_have_their_device_keys(client):
    for n in (1, 2, 3):
        r = client.get("/api/ratings/device", headers=DEVICE[n])
        assert r.status_code == 200, r.text
        assert (r.json()["counter_id"], r.json()["counter_number"], r.json()["window_minutes"]) == (n, n, 10)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer demo-rate-9"}, KIOSK,
                                     {"Authorization": "Basic demo-rate-1"}])
def test_a_device_key_is_required(client, headers):
    body = {"ticket_id": 1, "score": 4}
    assert_error(client.post("/api/ratings", json=body, headers=headers), 401, "authorization", "bad_device_key")
    assert_error(client.get("/api/ratings/pending", headers=headers), 401, "authorization")


def test_staff_session_is_not_a_device_key(client):
    staff = login(client)
    t = served(client, staff)
    assert_error(client.post("/api/ratings", headers=staff, json={"ticket_id": t["id"], "score": 4}),
                 401, "authorization")


def test_only_a_ticket_finished_at_this_counter_and_in_time_can_be_rated(client, clock):
    staff = login(client)
    open_ticket = served(client, staff, key="serving", finish=False)
    assert_error(rate(client, open_ticket["id"], 4), 422, "ticket_id", "not_finished_here")
    assert client.post(f"/api/tickets/{open_ticket['id']}/finish", headers=staff).status_code == 200
    assert_error(rate(client, open_ticket["id"], 4, counter=2), 422, "ticket_id", "not_finished_here")
    assert_error(rate(client, 999_999, 4), 422, "ticket_id", "not_finished_here")

    clock.advance(minutes=10)  # the last moment
    assert rate(client, open_ticket["id"], 3).status_code == 201
    late = served(client, staff, key="late")
    clock.advance(minutes=10, seconds=1)
    assert_error(rate(client, late["id"], 4), 422, "ticket_id", "rating_closed")
    assert client.get(f"/api/public/tickets/{late['public_token']}/rating").json()["state"] == "closed"
    assert client.get("/api/ratings/pending", headers=DEVICE[1]).status_code == 204


def test_a_ticket_closed_by_the_daily_reset_cannot_be_rated(client, clock):
    staff = login(client)
    t = served(client, staff, key="left-serving", finish=False)
    clock.advance(days=1)
    client.app.state.office.close_previous_days()  # serving -> done, closed_reason=day_closed
    assert_error(rate(client, t["id"], 4), 422, "ticket_id", "not_finished_here")


def test_the_window_is_configurable(tmp_path, tmp_path_factory, clock):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    with make_client(url, clock, rating_window_minutes=2) as c:
        t = served(c, login(c))
        assert c.get("/api/ratings/device", headers=DEVICE[1]).json()["window_minutes"] == 2
        clock.advance(minutes=2, seconds=1)
        assert_error(rate(c, t["id"], 4), 422, "ticket_id", "rating_closed")


@pytest.mark.parametrize("body,field,code", [
    ({"score": 4}, "ticket_id", None),
    ({"ticket_id": "abc", "score": 4}, "ticket_id", None),
    ({"ticket_id": 1}, "score", None),
    ({"ticket_id": 1, "score": 0}, "score", None),
    ({"ticket_id": 1, "score": 5}, "score", None),
    ({"ticket_id": 1, "score": "good"}, "score", None),
    ({"ticket_id": 1, "score": 1, "reasons": ["rude"]}, "reasons.0", None),
    ({"ticket_id": 1, "score": 1, "reasons": "attitude"}, "reasons", None),
])
def test_bad_rating_requests_name_the_field(client, body, field, code):
    assert_error(client.post("/api/ratings", headers=DEVICE[1], json=body), 422, field, code)


def test_reasons_only_go_with_a_low_score(client):
    t = served(client, login(client))
    assert_error(rate(client, t["id"], 3, ["attitude"]), 422, "reasons", "reasons_need_low_score")
    assert rate(client, t["id"], 1, ["extra_papers", "procedure_unclear"]).json()["reasons"] == [
        "extra_papers", "procedure_unclear"]


def test_rating_on_the_phone_by_the_tickets_token(client, clock):
    staff = login(client)
    t = served(client, staff, finish=False)
    url = f"/api/public/tickets/{t['public_token']}/rating"
    assert client.get(url).json() == {"state": "not_done", "score": None, "until": None}
    assert_error(client.post(url, json={"score": 4}), 422, "ticket_id", "not_finished_here")
    assert client.post(f"/api/tickets/{t['id']}/finish", headers=staff).status_code == 200
    state = client.get(url).json()
    assert state["state"] == "open" and state["until"] == (clock.now + dt.timedelta(minutes=10)).isoformat()

    r = client.post(url, json={"score": 1, "reasons": ["waited_long"]})
    assert r.status_code == 201, r.text
    assert (r.json()["via"], r.json()["score"], r.json()["counter_id"]) == ("phone", 1, 1)
    assert client.get("/api/ratings/pending", headers=DEVICE[1]).status_code == 204  # the device stops asking
    assert_error(rate(client, t["id"], 4), 409, "ticket_id", "already_rated")
    assert_error(client.post(url, json={"score": 4}), 409, "ticket_id", "already_rated")
    assert client.get(url).json()["state"] == "rated"
    audit = [a for a in rows(client, AuditEntry) if a.action == "rate"]
    assert [(a.actor, a.details) for a in audit] == [("public:ticket-page", {"number": "A001", "via": "phone"})]


def test_phone_rating_of_an_unknown_token(client):
    assert_error(client.get("/api/public/tickets/not-a-real-token/rating"), 404, "public_token")
    assert_error(client.post("/api/public/tickets/not-a-real-token/rating", json={"score": 4}), 404, "public_token")
    assert_error(client.post("/api/public/tickets/short/rating", json={"score": 4}), 422, "public_token")


def test_admin_issues_and_rotates_a_device_key_shown_once(client):
    staff, admin = login(client), login(client, "admin")
    assert_error(client.post("/api/admin/counters/1/device-key", headers=staff), 403, "authorization")
    assert_error(client.post("/api/admin/counters/99/device-key", headers=admin), 404, None, "counter_not_found")

    r = client.post("/api/admin/counters/2/device-key", headers=admin)
    assert r.status_code == 201, r.text
    key = r.json()["device_key"]
    assert len(key) >= 20 and r.json()["counter_number"] == 2
    new = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/ratings/device", headers=new).json()["counter_id"] == 2
    assert_error(client.get("/api/ratings/device", headers=DEVICE[2]), 401, "authorization")  # replaced

    listed = client.get("/api/admin/counter-devices", headers=admin).json()["devices"]
    assert [(d["counter_number"], d["has_key"]) for d in listed] == [(1, True), (2, True), (3, True)]
    assert all("key" not in d or d["key"] is None for d in listed) and key not in str(listed)
    again = client.post("/api/admin/counters/2/device-key", headers=admin).json()["device_key"]
    assert again != key
    assert_error(client.get("/api/ratings/device", headers=new), 401, "authorization")
    audit = [a for a in rows(client, AuditEntry) if a.action == "device_key" and a.actor == "user:admin"]
    assert len(audit) == 2 and key not in str([a.details for a in audit])


def test_a_deactivated_counters_device_is_refused(client):
    admin = login(client, "admin")
    assert client.delete("/api/admin/counters/3", headers=admin).status_code == 200
    assert_error(client.get("/api/ratings/device", headers=DEVICE[3]), 401, "authorization")
