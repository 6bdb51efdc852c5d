"""The kiosk when the centre is closed or a field has no numbers left today (issue 15), offscreen:
a real touch on the field's button, a real office (embedded, SQLite, demo data, its clock set by
the test) that answers 409, the sentence on the screen, and no number issued or printed."""

import datetime as dt

import pytest

from kiosk.link.client import OfficeClient
from office_testing import Clock
from ui_harness import ui_settings

pytestmark = pytest.mark.ui

VN = dt.timezone(dt.timedelta(hours=7))
WEEK = {d: ["07:30-11:30", "13:30-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture(scope="module")
def clock():
    return Clock(dt.datetime(2026, 12, 6, 21, 0, tzinfo=VN))


@pytest.fixture(scope="module")
def hours_office(tmp_path_factory, clock):
    """The demo office with the usual week's hours and at most one Chứng thực number a day."""
    from kiosk.office.embedded import start_embedded

    tmp = tmp_path_factory.mktemp("office-hours")
    office = start_embedded(ui_settings(tmp), database_url=f"sqlite:///{tmp}/office.db", demo=True,
                            opening_hours=WEEK, daily_caps={"chung-thuc": 1}, clock=clock)
    yield office
    office.stop()


@pytest.fixture
def kiosk(kiosk_ui, hours_office, tmp_path):
    from devices.printer import open_printer

    app = kiosk_ui.app
    saved = app.client, app.printer, app.public_base_url, app.services
    app.client = OfficeClient(hours_office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.printer = open_printer(f"preview:{tmp_path}")
    app.services = []
    kiosk_ui.previews = tmp_path
    yield kiosk_ui
    app.end_session()
    app.clear_notice()
    app.client, app.printer, app.public_base_url, app.services = saved


def waiting(office, code):
    c = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    return next(s["waiting"] for s in c.queue()["services"] if s["code"] == code)


def tap_field(kiosk, code):
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has(f"service_{code}"))
    kiosk.tap(f"service_{code}")


def test_closed_on_sunday_night_the_kiosk_says_when_to_come_back(kiosk, hours_office, clock):
    clock.now = dt.datetime(2026, 12, 6, 21, 0, tzinfo=VN)
    before = waiting(hours_office, "ho-tich")
    tap_field(kiosk, "ho-tich")
    sentence = "Trung tâm đang nghỉ. Mời ông/bà quay lại lúc 7:30 sáng thứ Hai, 07/12/2026."
    kiosk.wait_until(lambda: sentence in kiosk.all_text())
    assert kiosk.app.root.current == "service" and not kiosk.app.screen("service").busy
    assert "ticket" not in kiosk.app.session.data
    assert waiting(hours_office, "ho-tich") == before
    assert list(kiosk.previews.glob("ticket-*")) == []
    assert "không kết nối được" not in kiosk.all_text()  # not mistaken for a network fault


def test_the_closed_sentence_in_english(kiosk, clock):
    clock.now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=VN)  # Monday's lunch break
    kiosk.app.lang = "en"
    tap_field(kiosk, "ho-tich")
    kiosk.wait_until(lambda: "The centre is closed now. Please come back at 1:30 p.m. on Monday 7 December 2026."
                     in kiosk.all_text())


def test_a_full_field_says_so_and_offers_the_next_day(kiosk, hours_office, clock):
    clock.now = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN)  # Monday morning: open
    first = OfficeClient(hours_office.url, "demo-kiosk-key", "kiosk-1", 5.0).issue_ticket(
        "chung-thuc", None, "earlier-citizen", None)
    assert first["number"] == "B001"  # the day's only Chứng thực number is gone
    tap_field(kiosk, "chung-thuc")
    sentence = "Lĩnh vực Chứng thực hôm nay đã hết số. Mời ông/bà quay lại lúc 7:30 sáng thứ Ba, 08/12/2026."
    kiosk.wait_until(lambda: sentence in kiosk.all_text())
    assert "ticket" not in kiosk.app.session.data and list(kiosk.previews.glob("ticket-*")) == []
    assert waiting(hours_office, "chung-thuc") == 1
    # the other fields still issue: a touch on Hộ tịch prints a number
    kiosk.tap("service_ho-tich")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "printed", timeout=15)
