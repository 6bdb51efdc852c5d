"""The kiosk client's volunteer and help-request calls against a real embedded office service."""

import pytest
import requests
from sqlalchemy import func, select

from kiosk.link.client import OfficeClient, OfficeError
from kiosk.config import Kiosk, Settings
from kiosk.office.embedded import start_embedded
from kiosk.office.storage.models import HelpRequest
from kiosk.domain.scan import classify
from test_client import FlakyProxy


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = start_embedded(Settings(kiosk=Kiosk(state_dir=str(tmp_path_factory.mktemp("state")))),
                       login_max_failures=3)
    yield o
    o.stop()


@pytest.fixture(scope="module")
def admin(office):
    s = requests.Session()
    s.post(office.url + "/api/auth/login", json={"username": "admin", "password": "admin-demo"}).raise_for_status()
    return s


@pytest.fixture
def client(office):
    c = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", timeout=5, backoff=0.05)
    yield c
    c.close()


@pytest.fixture(autouse=True)
def no_open_requests(office, admin):
    yield
    for h in admin.get(office.url + "/api/help-requests").json()["help_requests"]:
        admin.post(f"{office.url}/api/help-requests/{h['id']}/close")


def add_volunteer(office, admin, name, pin=None):
    r = admin.post(office.url + "/api/admin/volunteers", json={"name": name} | ({"pin": pin} if pin else {}))
    assert r.status_code == 201, r.text
    return r.json()


def test_volunteer_login_by_scanned_badge_then_a_ticket_carries_the_code(office, admin, client):
    v = add_volunteer(office, admin, "Nguyễn Thị Lan")
    scanned = classify(v["badge"])
    assert scanned.kind == "volunteer"
    who = client.volunteer_login(code=scanned.code)
    assert who == {"code": v["code"], "name": "Nguyễn Thị Lan", "first_name": "Lan"}
    ticket = client.issue_ticket("ho-tich", None, "assisted-1", volunteer_code=who["code"])
    assert ticket["volunteer_code"] == v["code"]


def test_volunteer_login_by_pin_and_the_errors_the_kiosk_words(office, admin, client):
    v = add_volunteer(office, admin, "Trần Văn Minh", pin="975310")
    assert client.volunteer_login(pin="975310")["code"] == v["code"]
    with pytest.raises(OfficeError) as unknown:
        client.volunteer_login(code="ZZZZ-ZZZZ-ZZZZ")
    assert (unknown.value.status, unknown.value.code, unknown.value.field) == (404, "volunteer_not_found", "code")
    for wrong in ("000001", "000002", "000003"):
        with pytest.raises(OfficeError) as bad:
            client.volunteer_login(pin=wrong)
        assert (bad.value.status, bad.value.code, bad.value.field) == (401, "bad_pin", "pin")
    with pytest.raises(OfficeError) as limited:
        client.volunteer_login(pin="975310")
    assert (limited.value.status, limited.value.code) == (429, "too_many_attempts")


def test_help_request_status_and_cancel(office, admin, client):
    h = client.help_request("form")
    assert (h["status"], h["screen"], h["taker"]) == ("open", "form", None)
    assert client.help_request("form")["id"] == h["id"]  # asked twice: still one request
    canbo = requests.Session()
    canbo.post(office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).raise_for_status()
    canbo.post(f"{office.url}/api/help-requests/{h['id']}/take").raise_for_status()
    status = client.help_request_status(h["id"])
    assert (status["status"], status["taker"]) == ("taken", "An")
    closed = client.cancel_help_request(h["id"])
    assert (closed["status"], closed["closed_reason"]) == ("closed", "done")  # someone came: done
    assert client.cancel_help_request(h["id"])["status"] == "closed"

    fresh = client.help_request("review")
    cancelled = client.cancel_help_request(fresh["id"])
    assert cancelled["closed_reason"] == "cancelled"
    with pytest.raises(OfficeError) as bad:
        client.help_request("Not A Screen")
    assert (bad.value.status, bad.value.field) == (422, "screen")


def test_a_lost_answer_to_a_help_request_does_not_ask_twice(office):
    proxy = FlakyProxy(office.url, drop=1)  # the office opens the request, the answer never arrives
    c = OfficeClient(proxy.url, "demo-kiosk-key", "kiosk-1", timeout=5, backoff=0.05)
    try:
        h = c.help_request("consent")
    finally:
        c.close()
        proxy.close()
    assert proxy.requests == 2
    with office.office.db.read() as s:
        opened = s.scalar(select(func.count()).select_from(HelpRequest).where(HelpRequest.status == "open"))
    assert opened == 1 and h["status"] == "open"
