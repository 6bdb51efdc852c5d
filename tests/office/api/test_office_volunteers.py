"""Volunteers, assisted-mode login at kiosks, help requests and the figures of help given,
through the office's HTTP API (SQLite; the lifecycle and figures also on PostgreSQL)."""

import csv
import datetime as dt
import io
import re
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from office_testing import Clock, demo_sqlite, pg_schema
from kiosk.domain.scan import classify

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
OTHER_KIOSK = {"Authorization": "Bearer other-kiosk-key-123"}
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)  # 09:00 in Hà Nội, a Monday


@pytest.fixture
def clock():
    return Clock(T0)


def make_client(url, clock):
    app = create_app(OfficeSettings(database_url=url, demo=True, login_max_failures=3,
                                    kiosk_keys={"kiosk-2": "other-kiosk-key-123"}), clock=clock)
    return TestClient(app)


@pytest.fixture
def client(tmp_path, tmp_path_factory, clock):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    with make_client(url, clock) as c:
        yield c


@pytest.fixture(params=["sqlite", "postgresql"])
def any_client(request, tmp_path, tmp_path_factory, clock):
    if request.param == "sqlite":
        url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
        with make_client(url, clock) as c:
            yield c
    else:
        base = request.getfixturevalue("pg_url")
        with pg_schema(base) as url, make_client(url, clock) as c:
            yield c


def staff(client, user="admin"):
    """Bearer header of a staff session, opened in the database (staff login itself is tested in
    test_office_api; skipping its argon2 keeps this file quick)."""
    from kiosk.office.operations import auth

    cache = client.__dict__.setdefault("_staff_headers", {})
    if user not in cache:
        o = client.app.state.office
        with o.db.write() as s:
            token, _, _ = auth.record_login(s, user, "test", o.clock(), True, hours=12)
        cache[user] = {"Authorization": f"Bearer {token}"}
    return cache[user]


def add_volunteer(client, name, pin=None):
    body = {"name": name} | ({"pin": pin} if pin else {})
    r = client.post("/api/admin/volunteers", json=body, headers=staff(client))
    assert r.status_code == 201, r.text
    return r.json()


def volunteer_login(client, v, pin=None):
    """Log in on the /volunteer page; returns the bearer header of that cookie session."""
    r = client.post("/api/volunteers/login", json={"code": v["code_display"], "pin": pin or v["pin"]})
    assert r.status_code == 200, r.text
    token = r.cookies.get("motcua_volunteer")
    client.cookies.clear()  # each test call says who it is
    return {"Authorization": f"Bearer {token}"}


def assert_error(r, status, field, code=None):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["field"] == field and isinstance(body["detail"], str) and body["detail"]
    if code:
        assert body["code"] == code, body
    assert "Traceback" not in r.text


# ---- volunteers, badges and PINs

def test_new_volunteer_gets_a_random_code_a_badge_payload_and_a_pin_shown_once(client):
    a = add_volunteer(client, "  Nguyễn   Thị Lan ")
    b = add_volunteer(client, "Trần Văn Minh")
    assert a["name"] == "Nguyễn Thị Lan" and a["first_name"] == "Lan"
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", a["code"]) and a["code"] != b["code"]
    assert a["code_display"] == "-".join([a["code"][:4], a["code"][4:8], a["code"][8:]])
    assert a["badge"] == "MCVOL:" + a["code"]
    assert re.fullmatch(r"[0-9]{6}", a["pin"])
    listed = client.get("/api/admin/volunteers", headers=staff(client)).json()["volunteers"]
    assert {v["code"] for v in listed} == {a["code"], b["code"], "DEM0TNV00001"}  # + the demo volunteer
    assert all("pin" not in v and "pin_hash" not in v for v in listed)


def test_the_demo_office_has_a_volunteer_with_a_known_badge_and_pin(client):
    by_pin = client.post("/api/volunteers/session", json={"pin": "1234"}, headers=KIOSK).json()
    by_badge = client.post("/api/volunteers/session", json={"code": classify("MCVOL:DEM0TNV00001").code},
                           headers=KIOSK).json()
    assert by_pin == by_badge == {"code": "DEM0TNV00001", "name": "Nguyễn Thị Lan", "first_name": "Lan"}


def test_badge_payload_is_recognised_as_a_volunteer_not_an_id_card(client):
    v = add_volunteer(client, "Lê Thu Hà")
    scanned = classify(v["badge"])
    assert scanned.kind == "volunteer" and scanned.code == v["code"] and scanned.citizen is None
    assert classify(v["badge"].lower()).kind == "volunteer"  # scanners in lower-case mode
    assert classify(v["badge"] + "\r\n").code == v["code"]
    # the kiosk passes the scanned code on as it came: the office finds the volunteer
    r = client.post("/api/volunteers/session", json={"code": classify(v["badge"].lower()).code}, headers=KIOSK)
    assert r.status_code == 200 and r.json() == {"code": v["code"], "name": "Lê Thu Hà", "first_name": "Hà"}


def test_badge_page_carries_a_qr_that_decodes_to_the_badge_payload(client):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image, ImageDraw

    v = add_volunteer(client, "Phạm Quốc Bảo")
    admin = staff(client)
    page = client.get(f"/admin/volunteers/{v['id']}/badge", headers=admin)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Phạm Quốc Bảo" in page.text and v["code_display"] in page.text and "Tình nguyện viên" in page.text
    assert client.get(f"/admin/volunteers/{v['id']}/badge?format=a4", headers=admin).status_code == 200
    # draw the page's SVG QR (unit squares "Mx,yH..V..H..z") and read it like a scanner would
    svg = re.search(r"<svg[^>]*viewBox=\"0 0 (\d+) \d+\".*?</svg>", page.text, re.S)
    size, scale = int(svg.group(1)), 8
    img = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(img)
    for x, y, x2, y2 in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", svg.group(0)):
        draw.rectangle([int(x) * scale, int(y) * scale, int(x2) * scale - 1, int(y2) * scale - 1], fill=0)
    decoded = [b.text for b in zxingcpp.read_barcodes(img)]
    assert decoded == [v["badge"]]


def test_badge_page_needs_an_admin(client):
    v = add_volunteer(client, "Đỗ Minh Châu")
    r = client.get(f"/admin/volunteers/{v['id']}/badge")
    assert r.status_code == 401 and "đăng nhập" in r.text and v["code"] not in r.text
    r = client.get(f"/admin/volunteers/{v['id']}/badge", headers=staff(client, "canbo1"))
    assert r.status_code == 403 and v["code"] not in r.text


def test_kiosk_session_by_badge_code_and_unknown_or_deactivated_codes(client):
    v = add_volunteer(client, "Võ Thị Mai")
    r = client.post("/api/volunteers/session", json={"code": v["code"]}, headers=KIOSK)
    assert r.json()["name"] == "Võ Thị Mai"
    assert_error(client.post("/api/volunteers/session", json={"code": "ZZZZZZZZZZZZ"}, headers=KIOSK),
                 404, "code", "volunteer_not_found")
    assert client.delete(f"/api/admin/volunteers/{v['id']}", headers=staff(client)).json()["active"] is False
    assert_error(client.post("/api/volunteers/session", json={"code": v["code"]}, headers=KIOSK),
                 404, "code", "volunteer_not_found")
    assert_error(client.post("/api/volunteers/session", json={"code": v["code"]}), 401, "authorization")


def test_pin_login_right_wrong_and_rate_limited_per_kiosk(client, clock):
    v = add_volunteer(client, "Bùi Anh Tuấn", pin="4821")
    ok = client.post("/api/volunteers/session", json={"pin": "4821"}, headers=KIOSK)
    assert ok.status_code == 200 and ok.json()["code"] == v["code"]
    clock.advance(seconds=1)
    for wrong in ("1111", "2222", "3333"):  # login_max_failures=3 in this fixture
        assert_error(client.post("/api/volunteers/session", json={"pin": wrong}, headers=KIOSK), 401, "pin", "bad_pin")
    limited = client.post("/api/volunteers/session", json={"pin": "4821"}, headers=KIOSK)
    assert_error(limited, 429, "pin", "too_many_attempts")
    assert int(limited.headers["Retry-After"]) == limited.json()["retry_after"] > 0
    # the limit is this kiosk's: the next kiosk still works
    assert client.post("/api/volunteers/session", json={"pin": "4821"}, headers=OTHER_KIOSK).status_code == 200
    clock.advance(minutes=16)  # the 15-minute window has passed
    assert client.post("/api/volunteers/session", json={"pin": "4821"}, headers=KIOSK).status_code == 200


@pytest.mark.parametrize("body,field,code", [
    ({}, "code", "code_or_pin"),
    ({"code": "X", "pin": "1234"}, "code", "code_or_pin"),
    ({"pin": "12"}, "pin", "bad_pin_format"),
    ({"pin": "12ab"}, "pin", "bad_pin_format"),
    ({"pin": 1234}, "pin", None),
    ({"code": ""}, "code", None),
])
def test_kiosk_session_bad_input_names_the_field(client, body, field, code):
    assert_error(client.post("/api/volunteers/session", json=body, headers=KIOSK), 422, field, code)


def test_two_active_volunteers_never_share_a_pin(client):
    a = add_volunteer(client, "Hồ Văn Nam", pin="5555")
    assert_error(client.post("/api/admin/volunteers", json={"name": "Ngô Thị Yến", "pin": "5555"},
                             headers=staff(client)), 409, "pin", "duplicate_pin")
    b = add_volunteer(client, "Ngô Thị Yến")
    assert_error(client.patch(f"/api/admin/volunteers/{b['id']}", json={"pin": "5555"}, headers=staff(client)),
                 409, "pin", "duplicate_pin")
    changed = client.patch(f"/api/admin/volunteers/{a['id']}", json={"new_pin": True}, headers=staff(client)).json()
    assert changed["pin"] != "5555"
    assert client.post("/api/volunteers/session", json={"pin": changed["pin"]}, headers=KIOSK).json()["code"] == a["code"]


def test_admin_pages_of_volunteers_are_for_admins_only(client):
    assert_error(client.get("/api/admin/volunteers"), 401, "authorization")
    assert_error(client.post("/api/admin/volunteers", json={"name": "X"}, headers=staff(client, "canbo1")),
                 403, "authorization", "admin_only")
    assert_error(client.post("/api/admin/volunteers", json={"name": "   "}, headers=staff(client)),
                 422, "name", "missing_name")
    assert_error(client.post("/api/admin/volunteers", json={"name": "A", "pin": "123"}, headers=staff(client)),
                 422, "pin")


def test_volunteer_page_login_logout_and_deactivation(client):
    v = add_volunteer(client, "Đinh Thị Hoa", pin="246810")
    assert_error(client.post("/api/volunteers/login", json={"code": v["code"], "pin": "000000"}),
                 401, "pin", "bad_credentials")
    assert_error(client.post("/api/volunteers/login", json={"code": "nope", "pin": "246810"}),
                 401, "pin", "bad_credentials")
    r = client.post("/api/volunteers/login", json={"code": v["code_display"].lower(), "pin": "246810"})
    assert r.status_code == 200 and r.json()["volunteer"]["first_name"] == "Hoa"
    cookie = r.headers["set-cookie"]
    assert "motcua_volunteer=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert client.get("/api/volunteers/me").json()["name"] == "Đinh Thị Hoa"  # the cookie is enough
    assert client.post("/api/volunteers/logout").json() == {"ok": True}
    assert_error(client.get("/api/volunteers/me"), 401, "authorization")
    me = volunteer_login(client, v, "246810")
    client.delete(f"/api/admin/volunteers/{v['id']}", headers=staff(client))
    assert_error(client.get("/api/volunteers/me", headers=me), 401, "authorization")


def test_volunteer_page_login_is_rate_limited(client):
    v = add_volunteer(client, "Mai Văn Đức", pin="1357")
    for _ in range(3):
        client.post("/api/volunteers/login", json={"code": v["code"], "pin": "9999"})
    assert_error(client.post("/api/volunteers/login", json={"code": v["code"], "pin": "1357"}),
                 429, "pin", "too_many_attempts")


def test_tickets_issued_in_assisted_mode_record_the_volunteer(client):
    v = add_volunteer(client, "Lý Thị Ngọc")
    code = client.post("/api/volunteers/session", json={"code": v["code"]}, headers=KIOSK).json()["code"]
    r = client.post("/api/tickets", headers=KIOSK,
                    json={"service": "ho-tich", "idempotency_key": "helped-1", "volunteer_code": code})
    assert r.status_code == 201 and r.json()["volunteer_code"] == v["code"]
    assert client.get(f"/api/tickets/{r.json()['id']}", headers=KIOSK).json()["volunteer_code"] == v["code"]
    plain = client.post("/api/tickets", headers=KIOSK, json={"service": "ho-tich", "idempotency_key": "alone-1"})
    assert plain.json()["volunteer_code"] is None


# ---- help requests

def help_events(client, since=0):
    from sqlalchemy import select

    from kiosk.office.storage.models import Event

    with client.app.state.office.db.read() as s:
        return [e.data for e in s.scalars(select(Event).where(Event.kind == "help", Event.id > since).order_by(Event.id))]


def test_help_request_lifecycle_open_taken_closed(any_client, clock):
    client = any_client
    v = add_volunteer(client, "Nguyễn Thị Lan", pin="808080")
    me = volunteer_login(client, v)
    asked = client.post("/api/help-requests", json={"screen": "form"}, headers=KIOSK)
    assert asked.status_code == 201
    h = asked.json()
    assert (h["status"], h["screen"], h["kiosk_id"], h["taker"], h["overdue"]) == ("open", "form", "kiosk-1", None, False)
    assert h["created_at"] == T0.isoformat()
    # a double tap (or a retry) does not ask twice
    again = client.post("/api/help-requests", json={"screen": "review"}, headers=KIOSK)
    assert again.status_code == 200 and again.json()["id"] == h["id"]

    listed = client.get("/api/help-requests?status=open", headers=me).json()["help_requests"]
    assert [x["id"] for x in listed] == [h["id"]] and listed[0]["kiosk_name"] == "Kiosk sảnh"

    clock.advance(minutes=3)
    taken = client.post(f"/api/help-requests/{h['id']}/take", headers=me)
    assert taken.status_code == 200 and (taken.json()["status"], taken.json()["taker"]) == ("taken", "Lan")
    seen_by_kiosk = client.get(f"/api/help-requests/{h['id']}", headers=KIOSK).json()
    assert (seen_by_kiosk["status"], seen_by_kiosk["taker"]) == ("taken", "Lan")
    assert client.get("/api/help-requests?status=open", headers=me).json()["help_requests"] == []
    # a second helper is told someone is already coming
    late = client.post(f"/api/help-requests/{h['id']}/take", headers=staff(client, "canbo1"))
    assert_error(late, 409, "status", "bad_status")
    assert late.json()["taker"] == "Lan"

    clock.advance(minutes=5)
    closed = client.post(f"/api/help-requests/{h['id']}/close", headers=me).json()
    assert (closed["status"], closed["closed_reason"]) == ("closed", "done")
    assert client.post(f"/api/help-requests/{h['id']}/close", headers=me).json()["closed_at"] == closed["closed_at"]
    assert client.post("/api/help-requests", json={"screen": "home"}, headers=KIOSK).status_code == 201

    events = help_events(client)
    assert [(e["action"], e["status"]) for e in events] == [("open", "open"), ("take", "taken"),
                                                            ("close", "closed"), ("open", "open")]
    assert all("Lan" not in str(e) and "Nguyễn" not in str(e) for e in events)  # the stream is public


def test_the_kiosk_cancels_its_own_request_and_cannot_see_another_kiosks(client):
    h = client.post("/api/help-requests", json={"screen": "service"}, headers=KIOSK).json()
    assert_error(client.get(f"/api/help-requests/{h['id']}", headers=OTHER_KIOSK), 404, None, "help_request_not_found")
    assert_error(client.post(f"/api/help-requests/{h['id']}/close", headers=OTHER_KIOSK), 404, None,
                 "help_request_not_found")
    cancelled = client.post(f"/api/help-requests/{h['id']}/close", headers=KIOSK).json()
    assert (cancelled["status"], cancelled["closed_reason"]) == ("closed", "cancelled")
    assert_error(client.post(f"/api/help-requests/{h['id']}/take", headers=staff(client, "canbo1")),
                 409, "status", "bad_status")


def test_a_request_left_open_overnight_is_closed_when_the_kiosk_asks_again(client, clock):
    old = client.post("/api/help-requests", json={"screen": "form"}, headers=KIOSK).json()
    clock.advance(days=1)
    assert client.get("/api/help-requests", headers=staff(client)).json()["help_requests"] == []  # today's only
    new = client.post("/api/help-requests", json={"screen": "home"}, headers=KIOSK)
    assert new.status_code == 201 and new.json()["id"] != old["id"]
    stale = client.get(f"/api/help-requests/{old['id']}", headers=KIOSK).json()
    assert (stale["status"], stale["closed_reason"]) == ("closed", "day_closed")


def test_staff_can_take_a_request_and_the_kiosk_sees_their_given_name(client):
    h = client.post("/api/help-requests", json={"screen": "form"}, headers=KIOSK).json()
    taken = client.post(f"/api/help-requests/{h['id']}/take", headers=staff(client, "canbo2")).json()
    assert taken["taker"] == "Bình"  # Trần Thị Bình


def test_requests_nobody_takes_in_time_are_overdue(client, clock):
    admin = staff(client)
    h = client.post("/api/help-requests", json={"screen": "form"}, headers=KIOSK).json()
    assert h["overdue_at"] == (T0 + dt.timedelta(minutes=10)).isoformat()  # the default timeout
    clock.advance(minutes=9, seconds=59)
    assert client.get("/api/help-requests", headers=admin).json()["help_requests"][0]["overdue"] is False
    clock.advance(seconds=1)
    assert client.get("/api/help-requests", headers=admin).json()["help_requests"][0]["overdue"] is True
    # a shorter timeout set by the admin applies at once
    client.put("/api/admin/settings", json={"help_request_timeout_minutes": 20}, headers=admin)
    assert client.get(f"/api/help-requests/{h['id']}", headers=KIOSK).json()["overdue"] is False
    client.put("/api/admin/settings", json={"help_request_timeout_minutes": 5}, headers=admin)
    assert client.get(f"/api/help-requests/{h['id']}", headers=KIOSK).json()["overdue"] is True
    taken = client.post(f"/api/help-requests/{h['id']}/take", headers=admin).json()
    assert taken["overdue"] is False  # someone is coming: no longer a warning


def test_help_request_bad_input_and_auth(client):
    assert_error(client.post("/api/help-requests", json={"screen": "Form Page!"}, headers=KIOSK), 422, "screen")
    assert_error(client.post("/api/help-requests", json={}, headers=KIOSK), 422, "screen")
    assert_error(client.post("/api/help-requests", json={"screen": "form"}), 401, "authorization")
    assert_error(client.get("/api/help-requests"), 401, "authorization")
    assert_error(client.get("/api/help-requests", headers=KIOSK), 401, "authorization")  # kiosks see their own only
    assert_error(client.get("/api/help-requests?status=pending", headers=staff(client)), 422, "status", "unknown_status")
    h = client.post("/api/help-requests", json={"screen": "form"}, headers=KIOSK).json()
    assert_error(client.post(f"/api/help-requests/{h['id']}/take", headers=KIOSK), 401, "authorization")
    assert_error(client.get("/api/help-requests/99999", headers=KIOSK), 404, None, "help_request_not_found")


# ---- figures

def seed_day(client, clock):
    """A known Monday: three volunteers, their kiosk sessions, tickets, dossiers and help requests."""
    from kiosk.office.storage.models import Dossier

    lan = add_volunteer(client, "Nguyễn Thị Lan", pin="111111")
    minh = add_volunteer(client, "Trần Văn Minh", pin="222222")
    hoa = add_volunteer(client, "Lê Thị Hoa", pin="333333")
    lan_s, minh_s = volunteer_login(client, lan), volunteer_login(client, minh)

    def at(hh, mm):  # local time (UTC+7) on 2026-03-02
        clock.now = dt.datetime(2026, 3, 2, hh - 7, mm, tzinfo=dt.timezone.utc)

    def assist(v, n):
        for _ in range(n):
            assert client.post("/api/volunteers/session", json={"code": v["code"]}, headers=KIOSK).status_code == 200

    def tickets(v, n):
        for i in range(n):
            key = f"{v['code']}-{i}"
            r = client.post("/api/tickets", headers=KIOSK,
                            json={"service": "ho-tich", "idempotency_key": key, "volunteer_code": v["code"]})
            assert r.status_code == 201

    def ask_and_take(asked, taken, who, kiosk=KIOSK):
        at(*asked)
        h = client.post("/api/help-requests", json={"screen": "form"}, headers=kiosk).json()
        at(*taken)
        assert client.post(f"/api/help-requests/{h['id']}/take", headers=who).status_code == 200
        client.post(f"/api/help-requests/{h['id']}/close", headers=who)

    at(8, 0)
    assist(lan, 3)
    assist(minh, 2)
    assist(hoa, 1)
    tickets(lan, 2)
    tickets(minh, 1)
    ask_and_take((8, 10), (8, 12), lan_s)    # 2 min
    ask_and_take((9, 0), (9, 6), lan_s)      # 6 min
    ask_and_take((9, 30), (9, 31), lan_s)    # 1 min   -> Lan: 3 answered, median 2
    ask_and_take((10, 0), (10, 4), minh_s)   # 4 min
    ask_and_take((10, 20), (10, 27), minh_s)  # 7 min  -> Minh: 2 answered, median 5.5
    ask_and_take((11, 0), (11, 1), staff(client, "canbo1"))  # staff answered: no volunteer row
    at(23, 30)  # still Monday locally (16:30 UTC)
    assist(hoa, 1)
    with client.app.state.office.db.write() as s:
        for i, code in enumerate([lan["code"], lan["code"], hoa["code"], None]):
            s.add(Dossier(code=f"HS-{i}", day=dt.date(2026, 3, 2), seq=i + 1, procedure_code="p", status="received",
                          masked_id="", declared_at=clock.now, received_at=clock.now, appointment_date=dt.date(2026, 3, 5),
                          updated_at=clock.now, kiosk_id="kiosk-1", volunteer_code=code, idempotency_key=f"d{i}"))
    clock.now = dt.datetime(2026, 3, 2, 17, 30, tzinfo=dt.timezone.utc)  # 00:30 Tuesday locally
    assist(minh, 1)
    clock.now = T0  # back to Monday morning, while the logins of this test are valid
    return lan, minh, hoa


def test_figures_of_a_sample_day(any_client, clock):
    client = any_client
    lan, minh, hoa = seed_day(client, clock)
    r = client.get("/api/admin/volunteer-stats?from=2026-03-02&to=2026-03-02", headers=staff(client))
    assert r.status_code == 200, r.text
    rows = {row["volunteer_name"]: row for row in r.json()["rows"]}
    assert rows["Nguyễn Thị Lan"] == {"day": "2026-03-02", "volunteer_code": lan["code"],
                                      "volunteer_name": "Nguyễn Thị Lan", "citizens_helped": 3,
                                      "tickets_with_help": 2, "dossiers_with_help": 2,
                                      "help_requests_answered": 3, "median_minutes_to_take": 2.0}
    assert [rows["Trần Văn Minh"][k] for k in ("citizens_helped", "tickets_with_help", "dossiers_with_help",
                                               "help_requests_answered", "median_minutes_to_take")] == [2, 1, 0, 2, 5.5]
    assert [rows["Lê Thị Hoa"][k] for k in ("citizens_helped", "tickets_with_help", "dossiers_with_help",
                                            "help_requests_answered", "median_minutes_to_take")] == [2, 0, 1, 0, None]
    assert r.json()["totals"] == {"citizens_helped": 7, "tickets_with_help": 3, "dossiers_with_help": 3,
                                  "help_requests_answered": 5}
    # Minh's session at 00:30 belongs to Tuesday
    tuesday = client.get("/api/admin/volunteer-stats?from=2026-03-03&to=2026-03-03", headers=staff(client)).json()
    assert [(x["volunteer_name"], x["citizens_helped"]) for x in tuesday["rows"]] == [("Trần Văn Minh", 1)]


def test_figures_as_csv(client, clock):
    seed_day(client, clock)
    r = client.get("/api/admin/volunteer-stats.csv?from=2026-03-01&to=2026-03-03", headers=staff(client))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="volunteer-stats-2026-03-01-2026-03-03.csv"' in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())  # Excel reads the names as UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["day", "volunteer_code", "volunteer_name", "citizens_helped", "tickets_with_help",
                       "dossiers_with_help", "help_requests_answered", "median_minutes_to_take"]
    assert [(x[0], x[2], x[3], x[6], x[7]) for x in rows[1:]] == [
        ("2026-03-02", "Lê Thị Hoa", "2", "0", ""),
        ("2026-03-02", "Nguyễn Thị Lan", "3", "3", "2.0"),
        ("2026-03-02", "Trần Văn Minh", "2", "2", "5.5"),
        ("2026-03-03", "Trần Văn Minh", "1", "0", ""),
    ]


def test_figures_bad_period_and_access(client):
    admin = staff(client)
    assert_error(client.get("/api/admin/volunteer-stats.csv?from=2026-03-05&to=2026-03-01", headers=admin),
                 422, "from", "bad_period")
    assert_error(client.get("/api/admin/volunteer-stats?from=2026-13-01", headers=admin), 422, "from")
    assert_error(client.get("/api/admin/volunteer-stats.csv", headers=staff(client, "canbo1")), 403,
                 "authorization", "admin_only")
    today = client.get("/api/admin/volunteer-stats", headers=admin).json()
    assert (today["from"], today["to"], today["rows"]) == ("2026-03-02", "2026-03-02", [])


def test_a_name_cannot_become_a_spreadsheet_formula(client):
    v = add_volunteer(client, "=HYPERLINK(\"x\")")
    client.post("/api/volunteers/session", json={"code": v["code"]}, headers=KIOSK)
    text = client.get("/api/admin/volunteer-stats.csv", headers=staff(client)).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_simultaneous_taps_on_one_kiosk_open_one_request(any_client):
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.office.operations import help_requests

    o = any_client.app.state.office

    def tap(_):
        with o.db.write() as s:
            h, created = help_requests.ask_help(s, o.ctx("kiosk:kiosk-1"), "kiosk-1", "form")
            return h.id, created

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(tap, range(12)))
    assert len({hid for hid, _ in answers}) == 1
    assert sum(created for _, created in answers) == 1


@pytest.mark.slow
def test_volunteer_phones_on_both_workers_hear_of_a_help_request(pg_url):
    """`kiosk serve --workers 2` on PostgreSQL: a request made on one worker reaches the event
    streams of both, and the volunteer logged in on one worker can take it through the other."""
    import requests

    from office_testing import SSEReader, running_server

    with pg_schema(pg_url) as url, running_server(url, workers=2) as base:
        phones: list[SSEReader] = []
        while len({p.worker for p in phones}) < 2 and len(phones) < 40:  # the kernel spreads connections
            phones.append(SSEReader(f"{base}/api/events?kinds=help"))
        try:
            assert len({p.worker for p in phones}) == 2
            r = requests.post(f"{base}/api/help-requests", json={"screen": "form"}, timeout=30,
                              headers={"Authorization": "Bearer demo-kiosk-key"})
            assert r.status_code == 201, r.text
            for p in phones:
                assert p.next("help")["data"] == {"action": "open", "id": r.json()["id"], "kiosk_id": "kiosk-1",
                                                  "screen": "form", "status": "open", "at": r.json()["created_at"]}
            admin = requests.post(f"{base}/api/auth/login", json={"username": "admin", "password": "admin-demo"},
                                  timeout=30).json()["token"]
            v = requests.post(f"{base}/api/admin/volunteers", json={"name": "Vũ Thị Hằng"}, timeout=30,
                              headers={"Authorization": f"Bearer {admin}"}).json()
            login = requests.post(f"{base}/api/volunteers/login", json={"code": v["code"], "pin": v["pin"]}, timeout=30)
            assert login.status_code == 200, login.text
            me = {"Authorization": f"Bearer {login.cookies['motcua_volunteer']}"}
            taken = [requests.post(f"{base}/api/help-requests/{r.json()['id']}/take", headers=me, timeout=30)
                     for _ in range(3)]  # connections land on either worker
            assert [t.status_code for t in taken] == [200, 409, 409]
            assert all(p.next("help")["data"]["status"] == "taken" for p in phones)
        finally:
            for p in phones:
                p.close()
