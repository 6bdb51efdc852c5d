"""The reports page (/reports) in a real headless Chromium against the real office service: the
day's figures, the charts drawn (SVG bars with the right values) with no JavaScript or console
error, the exports offered to an admin only."""

import uuid

import pytest
import requests
from browser_harness import demo_office
from handoff_testing import ACCEPT, dossier_body

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with demo_office(tmp_path_factory) as emb:
        yield emb


@pytest.fixture(scope="module")
def day(office):
    """Three tickets served at counter 1 and rated 4, 3 and 1 (waited too long); one no-show; two
    birth registrations declared, one at the kiosk with a volunteer and received, one at the counter."""
    api = office.url + "/api"
    staff = requests.Session()
    staff.post(api + "/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).raise_for_status()
    for score in (4, 3, 1, None):
        t = requests.post(api + "/tickets", headers=KIOSK,
                          json={"service": "ho-tich", "idempotency_key": uuid.uuid4().hex}).json()
        staff.post(f"{api}/tickets/{t['id']}/call", json={"counter_id": 1}).raise_for_status()
        if score is None:
            staff.post(f"{api}/tickets/{t['id']}/no-show").raise_for_status()
            continue
        staff.post(f"{api}/tickets/{t['id']}/finish").raise_for_status()
        r = requests.post(api + "/ratings", headers={"Authorization": "Bearer demo-rate-1"},
                          json={"ticket_id": t["id"], "score": score, "reasons": ["waited_long"] if score == 1 else []})
        assert r.status_code == 201, r.text
    r = requests.post(api + "/dossiers", headers=KIOSK, json={**dossier_body(uuid.uuid4().hex), "volunteer_code": "TNV-1"})
    staff.post(f"{api}/dossiers/{r.json()['code']}/accept", json=ACCEPT).raise_for_status()
    staff.post(api + "/dossiers", json=dossier_body(uuid.uuid4().hex)).raise_for_status()


def open_reports(page, office, user):
    page.goto(office.url + "/reports")
    page.fill("#username", user)
    page.fill("#password", f"{user}-demo")
    page.click("#login-submit")
    page.wait_for_selector("#report:not([hidden])")


def figure(page, key):
    return page.text_content(f"[data-figure='{key}'] .n")


def test_the_days_figures_and_charts(page, office, day):
    open_reports(page, office, "admin")
    assert page.input_value("#rep-span") == "day"
    assert (figure(page, "issued"), figure(page, "served"), figure(page, "no_show"), figure(page, "ratings")) == (
        "4", "3", "1", "3")
    assert figure(page, "satisfied") == "66,7 %"
    bars = page.eval_on_selector_all("#chart-ratings rect.bar", "rs => rs.map(r => [r.getAttribute('class'), "
                                     "r.dataset.value, r.getBoundingClientRect().width > 0])")
    assert bars == [["bar score4", "1", True], ["bar score3", "1", True], ["bar score2", "0", False],
                    ["bar score1", "1", True]]
    labels = page.eval_on_selector_all("#chart-ratings text.label", "ts => ts.map(t => t.textContent)")
    assert labels == ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]
    assert page.eval_on_selector("#chart-reasons rect.bar", "r => r.dataset.value") == "1"
    assert page.eval_on_selector_all("#chart-counters text.label", "ts => ts.map(t => t.textContent)") == ["Quầy số 1"]
    hours = page.eval_on_selector_all("#chart-hours text.label", "ts => ts.map(t => t.textContent)")
    assert len(hours) == 1 and hours[0].endswith(":00")  # all issued within the last minutes
    assert page.eval_on_selector("#chart-hours rect.bar[data-value]", "r => r.dataset.value") == "4"
    officers = page.eval_on_selector_all("#tbl-officer tbody tr", "rs => rs.map(r => r.innerText.split('\\t'))")
    assert len(officers) == 1  # canbo1 served 3 and marked 1 absent; 3 ratings, 2 of them satisfied
    assert officers[0][:3] == ["Nguyễn Văn An", "3", "1"] and officers[0][5:7] == ["3", "66,7 %"]
    # thousands the Vietnamese way on the page, the English way after the switch
    assert page.evaluate("[fmtNum(1250), fmtNum(60000), fmtNum(7.8)]") == ["1.250", "60.000", "7,8"]
    assert [figure(page, k) for k in ("dos_declared", "dos_received_share", "dos_reached", "dos_on_time_share",
                                      "dos_kiosk_share", "dos_volunteer_share")] == ["2", "50 %", "0 / 1", "—",
                                                                                     "50 %", "50 %"]
    assert page.eval_on_selector_all("#chart-dossiers rect.bar[data-value]", "rs => rs.map(r => r.dataset.value)") == ["2", "1", "0"]
    assert page.eval_on_selector_all("#chart-dossiers text.label", "ts => ts.map(t => t.textContent)") == [
        "Đăng ký khai sinh"]
    assert page.locator("#tbl-procedure tbody tr").count() == 2  # the procedure and the total
    status_rows = page.eval_on_selector_all("#tbl-status tbody tr", "rs => rs.map(r => r.innerText)")
    assert "Đã khai, chưa nộp bản chính\t1" in status_rows and "Đã tiếp nhận\t1" in status_rows

    # an admin may download the same figures
    for link, kind in (("#rep-csv", "text/csv"), ("#rep-xlsx", "spreadsheetml")):
        assert page.is_visible(link)
        r = page.request.get(office.url + page.get_attribute(link, "href"))
        assert r.status == 200 and kind in r.headers["content-type"]
    # and the month's report for the leaders (today's range lies within one month)
    month = page.input_value("#rep-from")[:7]
    assert page.text_content("#rep-monthly") == f"Báo cáo tháng {month[5:]}/{month[:4]} (PDF)"
    r = page.request.get(office.url + page.get_attribute("#rep-monthly", "href"))
    assert r.status == 200 and r.headers["content-type"] == "application/pdf" and r.body().startswith(b"%PDF")

    page.click("[data-lang-toggle]")  # English, same figures
    page.wait_for_function("() => document.querySelector('#chart-ratings text.label').textContent === 'Very satisfied'")
    assert figure(page, "satisfied") == "66.7 %"
    assert page.evaluate("[fmtNum(1250), fmtNum(7.8)]") == ["1,250", "7.8"]
    assert page.text_content("#tbl-officer thead").startswith("OfficerServedNot there when called")


def test_staff_read_but_do_not_export(page, office, day):
    open_reports(page, office, "canbo2")
    assert figure(page, "issued") == "4"
    assert page.is_hidden("#rep-csv") and page.is_hidden("#rep-xlsx") and page.is_hidden("#rep-monthly")


def test_a_bad_range_says_so_in_words(page, office, day):
    open_reports(page, office, "canbo1")
    page.select_option("#rep-span", "custom")
    page.fill("#rep-from", "2026-12-31")
    page.fill("#rep-to", "2026-01-01")
    page.click("#rep-show")
    page.wait_for_selector("#rep-error:not([hidden])")
    assert page.text_content("#rep-error").startswith("Khoảng ngày không hợp lệ")
    assert page.is_hidden("#report")


def test_the_counter_console_shows_the_officers_own_day(page, office, day):
    """canbo1 finished the day's three tickets (rated 4, 3 and 1): the console's panel says so."""
    page.goto(office.url + "/counter")
    page.fill("#username", "canbo1")
    page.fill("#password", "canbo1-demo")
    page.click("#login-submit")
    page.click("#counter-choices [data-counter-id='1']")
    page.wait_for_selector("#my-day:not([hidden])")
    value = lambda key: page.text_content(f"[data-myday='{key}'] .n")  # noqa: E731
    assert (value("served"), value("no_show"), value("ratings"), value("satisfied")) == ("3", "1", "3", "66,7 %")
    # service times of a few seconds: in minutes with a decimal comma
    assert all(value(k).startswith("0") for k in ("service_mean", "service_median", "service_p90"))
    assert (value("due_today"), value("overdue")) == ("0", "0")  # the birth registration is due tomorrow
    assert page.text_content("#myday-h") == "Hôm nay của tôi"
    page.click("[data-lang-toggle]")
    page.wait_for_function("() => document.querySelector('#myday-h').textContent === 'My day'")
    assert page.text_content("[data-myday='served'] .k") == "Served"
