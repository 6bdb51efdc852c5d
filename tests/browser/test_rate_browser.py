"""The counter's rating device (/rate/{counter}) and the phone page's rating, in a real headless
Chromium (Debian's) driven by Playwright against the real office service (uvicorn, SQLite, demo data
with device keys demo-rate-1..3)."""

import uuid

import pytest
import requests
from browser_harness import demo_office, watched_context
from sqlalchemy import select

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
WORDS = ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with demo_office(tmp_path_factory) as emb:
        yield emb


@pytest.fixture(scope="module")
def staff(office):
    s = requests.Session()
    s.post(office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).raise_for_status()
    return s


@pytest.fixture
def tablet(browser):
    """A cheap landscape tablet; any uncaught JavaScript error on its pages fails the test."""
    with watched_context(browser, viewport={"width": 1024, "height": 600}, has_touch=True) as c:
        yield c


@pytest.fixture
def phone(browser):
    with watched_context(browser, viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True) as c:
        yield c


def serve(office, staff, counter):
    """A ticket issued at the kiosk, called, served and finished at `counter` by canbo1."""
    api = office.url + "/api"
    r = requests.post(api + "/tickets", headers=KIOSK, json={"service": "khac", "idempotency_key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    t = r.json()
    staff.post(f"{api}/tickets/{t['id']}/call", json={"counter_id": counter}).raise_for_status()
    staff.post(f"{api}/tickets/{t['id']}/start").raise_for_status()
    staff.post(f"{api}/tickets/{t['id']}/finish").raise_for_status()
    return t


def open_device(ctx, office, counter, key):
    page = ctx.new_page()
    page.goto(f"{office.url}/rate/{counter}#key={key}")
    page.wait_for_selector("body:not([data-view='setup']):not([data-view='loading'])")
    page.wait_for_selector("#live[data-state='on']")
    return page


def stored_rating(office, ticket_id):
    from kiosk.office.storage.models import Rating

    with office.office.db.read() as s:
        return s.scalar(select(Rating).where(Rating.ticket_id == ticket_id))


def test_the_device_shows_faces_after_finish_and_takes_one_rating(tablet, office, staff):
    page = open_device(tablet, office, 1, "demo-rate-1")
    assert "key" not in page.url  # the key left the address bar for the browser's storage
    assert page.evaluate("localStorage.getItem('motcua.rate.key.1')") == "demo-rate-1"
    assert page.text_content("#where") == "Quầy số 1"

    ticket = serve(office, staff, 1)
    page.wait_for_selector("#view-rate:not([hidden])")
    assert page.text_content("#rate-ticket") == f"Phiếu {ticket['number']}"
    assert [w.strip() for w in page.locator(".face .face-word").all_text_contents()] == WORDS
    box = page.locator(".face").first.bounding_box()
    assert box["width"] >= 180 and box["height"] >= 144  # large enough for any finger

    page.tap(".face[data-score='2']")  # a low score asks why, tap-only
    page.wait_for_selector(".rating-form[data-step='reasons']")
    assert page.locator("input, textarea").count() == 1 and not page.is_visible("#device-key")  # nothing to type
    page.tap(".reason[data-reason='waited_long']")
    page.tap(".reason[data-reason='procedure_unclear']")
    page.tap(".reason[data-reason='procedure_unclear']")  # changed their mind
    assert page.get_attribute(".reason[data-reason='waited_long']", "aria-pressed") == "true"
    page.tap(".rating-form .send")
    page.wait_for_selector("#view-thanks:not([hidden])")
    assert page.text_content("#thanks-title") == "Cảm ơn ông/bà!"

    r = stored_rating(office, ticket["id"])
    assert (r.score, r.reasons, r.via, r.officer, r.counter_id) == (2, ["waited_long"], "counter", "canbo1", 1)

    # a second rating of the same ticket is refused: the page no longer offers it, the office answers 409
    page.reload()
    page.wait_for_selector("#live[data-state='on']")
    page.wait_for_timeout(500)
    assert page.get_attribute("body", "data-view") == "idle"
    status = page.evaluate("""(id) => fetch('/api/ratings', {method: 'POST', headers: {
        'Content-Type': 'application/json', Authorization: 'Bearer ' + localStorage.getItem('motcua.rate.key.1')},
        body: JSON.stringify({ticket_id: id, score: 4, reasons: []})}).then(r => r.status)""", ticket["id"])
    assert status == 409
    assert stored_rating(office, ticket["id"]).score == 2


def test_the_phone_rates_and_a_second_rating_is_refused(tablet, phone, office, staff):
    device = open_device(tablet, office, 2, "demo-rate-2")
    ticket = serve(office, staff, 2)
    device.wait_for_selector("#view-rate:not([hidden])")

    first = phone.new_page()
    first.goto(f"{office.url}/t/{ticket['public_token']}")
    first.wait_for_selector("#rating:not([hidden]) .face")
    second = phone.new_page()  # the same ticket's page open twice (e.g. the QR scanned again)
    second.goto(f"{office.url}/t/{ticket['public_token']}")
    second.wait_for_selector("#rating:not([hidden]) .face")
    assert [w.strip() for w in first.locator(".face .face-word").all_text_contents()] == WORDS

    first.tap(".face[data-score='4']")
    first.wait_for_selector("#rating .rated")
    assert first.text_content("#rating .rated") == "Ông/bà đã đánh giá: Rất hài lòng. Cảm ơn ông/bà!"
    # the counter's device drops its faces: the ticket was rated on the phone
    device.wait_for_selector("#view-thanks:not([hidden])")
    assert device.text_content("#thanks-title") == "Phiếu này đã được đánh giá. Cảm ơn ông/bà!"

    second.tap(".face[data-score='1']")
    second.wait_for_selector(".rating-form[data-step='reasons']")
    second.tap(".reason[data-reason='attitude']")
    second.tap(".rating-form .send")
    second.wait_for_selector("#rating .rated")
    assert second.text_content("#rating .rated") == "Phiếu này đã được đánh giá. Cảm ơn ông/bà!"
    r = stored_rating(office, ticket["id"])
    assert (r.score, r.reasons, r.via) == (4, [], "phone")


def test_the_phone_page_in_english_and_no_rating_before_done(phone, office, staff):
    api = office.url + "/api"
    t = requests.post(api + "/tickets", headers=KIOSK,
                      json={"service": "khac", "idempotency_key": uuid.uuid4().hex}).json()
    page = phone.new_page()
    page.goto(f"{office.url}/t/{t['public_token']}?lang=en")
    page.wait_for_selector("#ticket[data-status='waiting']")
    assert page.is_hidden("#rating")
    staff.post(f"{api}/tickets/{t['id']}/call", json={"counter_id": 3}).raise_for_status()
    staff.post(f"{api}/tickets/{t['id']}/finish").raise_for_status()
    page.wait_for_selector("#rating:not([hidden]) .face")  # the queue event reloads the ticket
    assert [w.strip() for w in page.locator(".face .face-word").all_text_contents()] == [
        "Very satisfied", "Satisfied", "Neutral", "Not satisfied"]
    page.tap(".face[data-score='3']")
    page.wait_for_selector("#rating .rated")
    assert page.text_content("#rating .rated") == "You rated: Satisfied. Thank you!"


def test_the_device_asks_for_its_key_and_refuses_another_counters(tablet, office):
    page = tablet.new_page()
    page.goto(office.url + "/rate/2")
    page.wait_for_selector("#view-setup:not([hidden])")
    page.fill("#device-key", "not-a-key")
    page.click("#setup-save")
    page.wait_for_selector("#error:not([hidden])")
    assert page.text_content("#error") == "Mã thiết bị không đúng hoặc đã được thay mã mới."
    page.fill("#device-key", "demo-rate-1")
    page.click("#setup-save")
    page.wait_for_function("() => document.getElementById('error').textContent.includes('quầy số 1')")
    assert page.is_visible("#view-setup")
    page.fill("#device-key", "demo-rate-2")
    page.click("#setup-save")
    page.wait_for_selector("body:not([data-view='setup'])")
    assert page.text_content("#where") == "Quầy số 2" and page.is_hidden("#error")
    page.reload()  # remembered
    page.wait_for_selector("body:not([data-view='setup']):not([data-view='loading'])")


def test_admin_issues_a_key_shown_once_and_the_old_one_stops(tablet, office, staff):
    device = open_device(tablet, office, 3, "demo-rate-3")
    admin = tablet.new_page()
    admin.goto(office.url + "/admin")
    admin.fill("#username", "admin")
    admin.fill("#password", "admin-demo")
    admin.click("#login-submit")
    admin.click("[data-tab='counters']")
    admin.wait_for_selector("#rating-devices-body tr[data-counter-id='3']")
    admin.click("#rating-devices-body tr[data-counter-id='3'] [data-action='device-key']")
    notice = admin.wait_for_selector("#rating-key-notice:not([hidden])").text_content()
    assert notice.startswith("Mã thiết bị của quầy số 3: ") and "Mã này chỉ hiện một lần." in notice
    link = next(w for w in notice.split() if "/rate/3#key=" in w)

    ticket = serve(office, staff, 3)  # the old key is refused: the device asks for a key
    device.wait_for_selector("#view-setup:not([hidden])")
    assert device.text_content("#error") == "Mã thiết bị không đúng hoặc đã được thay mã mới."

    fresh = tablet.new_page()
    fresh.goto(link)
    fresh.wait_for_selector("#view-rate:not([hidden])")
    assert fresh.text_content("#rate-ticket") == f"Phiếu {ticket['number']}"
    fresh.tap(".face[data-score='3']")
    fresh.wait_for_selector("#view-thanks:not([hidden])")
    assert stored_rating(office, ticket["id"]).score == 3


@pytest.fixture(scope="module")
def timed_office(tmp_path_factory):
    """An office whose clock the test moves, to reach the end of the rating window."""
    import datetime as dt

    from kiosk.config import Kiosk, Settings
    from kiosk.office.embedded import start_embedded
    from office_testing import Clock

    tmp = tmp_path_factory.mktemp("timed")
    clock = Clock(dt.datetime.now(dt.timezone.utc))
    emb = start_embedded(Settings(kiosk=Kiosk(state_dir=str(tmp))), database_url=f"sqlite:///{tmp}/office.db",
                         demo=True, clock=clock)
    emb.clock = clock
    yield emb
    emb.stop()


def test_the_faces_go_away_when_the_window_ends_and_a_late_tap_is_refused(tablet, timed_office):
    office = timed_office
    staff = requests.Session()
    staff.post(office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).raise_for_status()
    page = open_device(tablet, office, 1, "demo-rate-1")

    first = serve(office, staff, 1)
    page.wait_for_selector("#view-rate:not([hidden])")
    office.clock.advance(minutes=9, seconds=57)  # 3 s of the window left: the page counts them down
    page.reload()
    page.wait_for_selector("#view-rate:not([hidden])")
    assert page.text_content("#rate-ticket") == f"Phiếu {first['number']}"
    page.wait_for_selector("#view-idle:not([hidden])")  # the faces went away by themselves

    second = serve(office, staff, 1)
    page.wait_for_selector(f"#rate-ticket:text-is('Phiếu {second['number']}')")
    office.clock.advance(minutes=11)  # the citizen taps too late
    page.tap(".face[data-score='4']")
    page.wait_for_selector("#view-thanks:not([hidden])")
    assert page.text_content("#thanks-title") == "Đã hết thời gian đánh giá phiếu này."
    assert stored_rating(office, first["id"]) is None and stored_rating(office, second["id"]) is None
