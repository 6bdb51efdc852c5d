"""Assisted mode and help requests at the kiosk, against a real office service."""

import pytest

from office_testing import staff_session
from kiosk.link.client import OfficeClient

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def volunteer(office):
    admin = staff_session(office, "admin", "admin-demo")
    r = admin.post(f"{office.url}/api/admin/volunteers", json={"name": "Lê Minh Tú", "pin": "4821"})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def kiosk(kiosk_ui, office):
    app = kiosk_ui.app
    saved = app.client
    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    yield kiosk_ui
    app.end_session()
    app.assist.stop_help_poll()
    app.client = saved


def test_badge_starts_assisted_mode_and_tickets_record_the_volunteer(kiosk, volunteer):
    kiosk.app.scanner_frame(volunteer["badge"] + "\r")
    kiosk.wait_until(lambda: kiosk.app.volunteer_band, timeout=10)
    assert "Tình nguyện viên: Lê Minh Tú đang hỗ trợ" in kiosk.all_text()
    assert kiosk.app.session.citizen is None  # a badge is not an ID card
    kiosk.tap("take_number")
    assert "Lê Minh Tú" in kiosk.all_text()  # the band stays on every screen
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    kiosk.tap("service_ho-tich")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    ticket = kiosk.app.session.data["ticket"]
    assert kiosk.app.client.ticket(ticket["id"])["volunteer_code"] == volunteer["code"]


def test_assisted_mode_ends_with_the_session_on_idle(kiosk, volunteer):
    app = kiosk.app
    app.session.idle_timeout, app.session.idle_countdown = 0.3, 0.5
    app.scanner_frame(volunteer["badge"] + "\r")
    kiosk.wait_until(lambda: app.volunteer_band, timeout=10)
    kiosk.wait_until(lambda: not app.volunteer_band, timeout=10)
    assert app.session.volunteer is None and "Lê Minh Tú" not in kiosk.all_text()


def test_pin_on_the_keypad_and_the_end_button(kiosk, volunteer):
    kiosk.tap("volunteer_pin")
    for digit in "4821":
        kiosk.tap(f"key-{digit}")
    assert "4821" not in kiosk.all_text()  # the PIN is shown as dots
    kiosk.tap("key-ok")
    kiosk.wait_until(lambda: kiosk.app.volunteer_band, timeout=10)
    kiosk.tap("end_assist")
    assert not kiosk.app.volunteer_band and kiosk.app.session.volunteer is None


def test_wrong_pin_says_so_plainly(kiosk, volunteer):
    kiosk.tap("volunteer_pin")
    for digit in "0000":
        kiosk.tap(f"key-{digit}")
    kiosk.tap("key-ok")
    kiosk.wait_until(lambda: kiosk.app.notice, timeout=10)
    assert "Không nhận ra thẻ hoặc mã PIN" in kiosk.app.notice
    assert not kiosk.app.volunteer_band


def test_help_button_reaches_staff_and_the_kiosk_shows_who_is_coming(kiosk, office):
    kiosk.tap("help_button")
    kiosk.wait_until(lambda: "Đã gửi yêu cầu hỗ trợ" in kiosk.app.notice, timeout=10)
    staff = staff_session(office, "canbo1", "canbo1-demo")
    requests_open = staff.get(f"{office.url}/api/help-requests?status=open").json()["help_requests"]
    mine = [h for h in requests_open if h["kiosk_id"] == "kiosk-1"]
    assert len(mine) == 1 and mine[0]["screen"] == "home"
    assert set(mine[0]) & {"full_name", "id_number", "citizen"} == set()  # nothing personal
    kiosk.tap("help_button")  # asking again does not make a second request
    assert len([h for h in staff.get(f"{office.url}/api/help-requests?status=open").json()["help_requests"]
                if h["kiosk_id"] == "kiosk-1"]) == 1
    assert staff.post(f"{office.url}/api/help-requests/{mine[0]['id']}/take").status_code == 200
    kiosk.wait_until(lambda: "đang đến hỗ trợ" in kiosk.app.notice, timeout=15)
    assert "Anh/chị An đang đến" in kiosk.app.notice  # canbo1 (Nguyễn Văn An), first name only
