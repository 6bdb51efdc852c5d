"""The staff console, lobby board and public ticket page in a real headless Chromium (Debian's),
driven by Playwright against the real office service (uvicorn on 127.0.0.1, SQLite, demo data).

"Pushed, not polled" is checked by what the board does NOT do: after its first load it makes no
HTTP request and no navigation while a call appears on it.
"""

import os
import time
import uuid
from pathlib import Path

import pytest
import requests
from browser_harness import ARGS, TV_ARGS, WAIT, demo_office

pytestmark = pytest.mark.browser
BROWSER_ARGS = TV_ARGS  # the board plays its chime without a click, as on the lobby TV

playwright_sync = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
KIOSK = {"Authorization": "Bearer demo-kiosk-key"}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    from kiosk.office.speech import Speaker

    with demo_office(tmp_path_factory) as emb:
        emb.app.state.speaker = Speaker(tmp_path_factory.mktemp("speech"))
        yield emb


@pytest.fixture(scope="module")
def admin_api(office):
    s = requests.Session()
    s.post(office.url + "/api/auth/login", json={"username": "admin", "password": "admin-demo"}).raise_for_status()
    return s


@pytest.fixture(autouse=True)
def clean_queue(office, admin_api):
    """Every test starts with an empty line, open counters and default settings."""
    api = office.url + "/api"
    for status, action in (("waiting", "cancel"), ("called", "cancel"), ("serving", "finish")):
        for t in admin_api.get(f"{api}/tickets", params={"status": status}).json()["tickets"]:
            admin_api.post(f"{api}/tickets/{t['id']}/{action}").raise_for_status()
    for c in admin_api.get(f"{api}/counters").json()["counters"]:
        if c["paused"]:
            admin_api.post(f"{api}/counters/{c['id']}/resume").raise_for_status()
    admin_api.put(f"{api}/admin/settings", json={"priority_ratio_normal": 2, "priority_ratio_priority": 1,
                                                 "max_wait_minutes": 30}).raise_for_status()
    yield


def issue(office, service="ho-tich", priority=None):
    r = requests.post(office.url + "/api/tickets", headers=KIOSK,
                      json={"service": service, "priority": priority, "idempotency_key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    return r.json()


def open_console(ctx, office, counter=1, user="canbo1", password="canbo1-demo"):
    page = ctx.new_page()
    page.goto(office.url + "/counter")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("#login-submit")
    page.click(f"#counter-choices [data-counter-id='{counter}']")
    page.wait_for_selector("#view-console:not([hidden])")
    page.wait_for_selector("#live[data-state='on']")
    return page


def open_board(ctx, office):
    board = ctx.new_page()
    board.set_viewport_size({"width": 1920, "height": 1080})
    board.goto(office.url + "/board")
    board.wait_for_selector("body[data-ready='true']")
    board.wait_for_selector("#live[data-state='on']")
    board.evaluate("window.__sameDocument = true")  # vanishes if the page reloads or navigates
    return board


def speech_requests(page, number):
    return page.evaluate(
        "(n) => performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(u => u.includes('/board/speech') && u.includes('number=' + n))", number)


def test_wrong_password_shows_a_plain_vietnamese_message(ctx, office):
    page = ctx.new_page()
    page.goto(office.url + "/counter")
    page.fill("#username", "canbo2")
    page.fill("#password", "khong-dung")
    page.click("#login-submit")
    error = page.wait_for_selector("#login-error:not([hidden])")
    assert error.text_content() == "Sai tên đăng nhập hoặc mật khẩu."
    assert page.is_visible("#view-login") and not page.is_visible("#view-console")
    assert page.input_value("#password") == ""


def test_too_many_wrong_passwords_says_when_to_try_again(ctx, office):
    page = ctx.new_page()
    page.goto(office.url + "/counter")
    page.fill("#username", "thu-sai")  # a name of its own: the limit is per username and address
    for attempt in range(6):
        page.fill("#password", f"sai-{attempt}")
        page.click("#login-submit")
        page.wait_for_selector("#login-submit:enabled")
    message = page.text_content("#login-error")
    assert message.startswith("Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ")
    assert message.endswith(" giây.") and "{" not in message


def test_call_next_is_pushed_to_the_board_without_reload(ctx, office, record_property):
    ticket = issue(office)
    board = open_board(ctx, office)
    # note when the big number changes, to measure the push (reported, not asserted)
    board.evaluate("""() => new MutationObserver(() => { window.__shownAt = Date.now(); })
        .observe(document.getElementById('now-number'), {childList: true, characterData: true, subtree: true})""")
    board_requests = []
    board.on("request", lambda r: board_requests.append((r.resource_type, r.url)))
    console = open_console(ctx, office, counter=1)

    clicked_at = console.evaluate("Date.now()")
    console.click("#act-next")
    console.wait_for_function("(n) => document.getElementById('cur-number').textContent === n", arg=ticket["number"])
    board.wait_for_function("(n) => document.getElementById('now-number').textContent === n", arg=ticket["number"])

    assert board.text_content("#now-counter") == "1"
    assert board.text_content("[data-counter='1'] .c-number") == ticket["number"]
    assert board.get_attribute("#recent li:first-child", "data-ticket") == ticket["number"]
    assert "flash" in board.get_attribute("#now", "class")
    assert board.evaluate("window.__sameDocument") is True  # no reload
    fetched = [(kind, url) for kind, url in board_requests if kind in ("fetch", "xhr", "document", "eventsource")]
    assert fetched == []  # pushed over the open event stream, not polled
    board.wait_for_function("(n) => performance.getEntriesByType('resource').some("
                            "e => e.name.includes('/board/speech') && e.name.includes('number=' + n))",
                            arg=ticket["number"])
    assert "counter=1" in speech_requests(board, ticket["number"])[0]

    latency = board.evaluate("window.__shownAt") - clicked_at
    record_property("call_to_board_ms", latency)
    print(f"\ncall -> board: {latency} ms (click to DOM change, SQLite, 100 ms event poll)")


def test_recall_flashes_and_announces_again(ctx, office):
    ticket = issue(office)
    board = open_board(ctx, office)
    console = open_console(ctx, office, counter=1)
    console.click("#act-next")
    board.wait_for_function("(n) => document.getElementById('now-number').textContent === n", arg=ticket["number"])
    seq = int(board.get_attribute("#now", "data-seq"))
    assert board.get_attribute("#now", "data-recall") == "false"

    console.click("#act-recall")
    board.wait_for_function("(s) => document.getElementById('now').dataset.seq === String(s)", arg=seq + 1)
    assert board.get_attribute("#now", "data-recall") == "true"
    assert "flash" in board.get_attribute("#now", "class")
    board.wait_for_function("(n) => performance.getEntriesByType('resource').filter("
                            "e => e.name.includes('/board/speech') && e.name.includes('number=' + n)).length === 2",
                            arg=ticket["number"], timeout=30000)  # after the first call, said twice (~9 s)
    assert board.evaluate("window.__sameDocument") is True


def test_start_finish_no_show_and_put_back_in_line(ctx, office):
    first, second = issue(office), issue(office)
    console = open_console(ctx, office, counter=1)

    console.click("#act-next")
    console.wait_for_function("(n) => document.getElementById('cur-number').textContent === n", arg=first["number"])
    assert console.is_disabled("#act-next")  # one citizen at a time
    console.click("#act-start")
    console.wait_for_selector("#current[data-status='serving']")
    assert "Đang giải quyết" in console.text_content("#cur-meta")
    console.click("#act-finish")
    console.wait_for_selector("#current.empty")
    assert console.text_content("#cur-number") == "—"

    console.click("#act-next")
    console.wait_for_function("(n) => document.getElementById('cur-number').textContent === n", arg=second["number"])
    console.click("#act-noshow")
    put_back = console.locator(f"#noshow-list li[data-number='{second['number']}'] button")
    assert put_back.text_content() == "Xếp lại hàng chờ"
    console.wait_for_selector("#current.empty")  # a refresh already under way may redraw once more
    put_back.click()  # "Xếp lại hàng chờ"
    console.wait_for_selector(f"#waiting-lists .svc[data-service='ho-tich'] li[data-number='{second['number']}']")
    console.wait_for_selector(f"#noshow-list li[data-number='{second['number']}']", state="detached")


def test_transfer_to_another_service_or_counter_keeps_the_number(ctx, office, admin_api):
    first, second = issue(office), issue(office)
    console = open_console(ctx, office, counter=1)

    console.click("#act-next")
    console.wait_for_function("(n) => document.getElementById('cur-number').textContent === n", arg=first["number"])
    console.click("#act-transfer")
    console.wait_for_selector("#transfer-dialog[open]")
    assert first["number"] in console.text_content("#transfer-ticket")
    console.click("#transfer-services [data-service='chung-thuc']")
    console.wait_for_selector("#transfer-dialog:not([open])", state="attached")
    console.wait_for_selector(f"#waiting-lists .svc[data-service='chung-thuc'] li[data-number='{first['number']}']")
    assert console.is_visible("#current.empty")

    console.click("#act-next")  # the transferred one waits at the back of Chứng thực: the second comes next
    console.wait_for_function("(n) => document.getElementById('cur-number').textContent === n", arg=second["number"])
    console.click("#act-transfer")
    console.click("#transfer-counters [data-counter-id='2']")
    console.wait_for_selector("#transfer-dialog:not([open])", state="attached")
    console.wait_for_selector("#current.empty")
    moved = admin_api.get(f"{office.url}/api/tickets/{second['id']}").json()
    assert (moved["number"], moved["status"], moved["target_counter_id"]) == (second["number"], "waiting", 2)
    badge = console.locator(f"#waiting-lists li[data-number='{second['number']}'] .badge.target")
    assert badge.text_content() == "chuyển cho quầy 2"


def test_pause_with_a_reason_then_resume_also_on_the_board(ctx, office):
    board = open_board(ctx, office)
    console = open_console(ctx, office, counter=2, user="canbo2", password="canbo2-demo")
    console.click("#act-pause")
    console.wait_for_selector("#pause-dialog[open]")
    console.check("#pause-reasons input[value='other']")  # "other" needs the reason written
    console.click("#pause-confirm")
    assert console.wait_for_selector("#pause-error:not([hidden])").text_content() == "Vui lòng ghi lý do tạm dừng."
    console.check("#pause-reasons input[value='pause.reason_meeting']")
    console.click("#pause-confirm")
    note = console.wait_for_selector("#paused-note:not([hidden])")
    assert note.text_content() == "Quầy đang tạm dừng: Họp"
    assert console.is_disabled("#act-next")
    assert console.text_content("#act-pause") == "Tiếp tục"
    board.wait_for_selector("[data-counter='2'].paused")
    assert board.text_content("[data-counter='2'] .c-note") == "Tạm dừng"

    console.click("#act-pause")
    console.wait_for_selector("#paused-note", state="hidden")
    assert console.is_enabled("#act-next")
    board.wait_for_selector("[data-counter='2']:not(.paused)")
    assert board.evaluate("window.__sameDocument") is True

    console.click("#act-pause")
    console.check("#pause-reasons input[value='other']")
    console.fill("#pause-other", "Sửa máy tính")
    console.click("#pause-confirm")
    assert console.wait_for_selector("#paused-note:not([hidden])").text_content() == "Quầy đang tạm dừng: Sửa máy tính"


@pytest.mark.slow
def test_public_ticket_page_updates_live_when_called(browser, ctx, office, admin_api):
    issue(office)
    mine = issue(office)
    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone_ctx.set_default_timeout(WAIT)
    errors = []
    phone_ctx.on("page", lambda page: page.on("pageerror", lambda exc: errors.append(str(exc))))
    try:
        phone = phone_ctx.new_page()
        phone.goto(f"{office.url}/t/{mine['public_token']}")
        phone.wait_for_selector("#ticket[data-status='waiting']")
        phone.wait_for_selector("#live[data-state='on']")
        phone.evaluate("window.__sameDocument = true")
        assert phone.text_content("#number") == mine["number"]
        assert phone.text_content("#service") == "Hộ tịch"
        assert phone.text_content("#status-text") == "Ông/bà đang trong hàng chờ."
        assert phone.text_content("#ahead") == "1 người"
        assert phone.evaluate("() => { Lang.set('en'); const r = [1, 2].map((n) => t('ticket.people', { n })); "
                              "Lang.set('vi'); return r; }") == ["1 person", "2 people"]
        phone.wait_for_selector("#status-text:text('Ông/bà đang trong hàng chờ.')")
        assert phone.is_hidden("#call")

        console = open_console(ctx, office, counter=3, user="canbo2", password="canbo2-demo")
        call_this = console.locator(f"#waiting-lists li[data-number='{mine['number']}'] button")
        assert call_this.text_content() == "Gọi số này"
        call_this.click()
        phone.wait_for_selector("#call:not([hidden])")
        assert phone.text_content("#call-counter") == "3"
        assert phone.text_content("#call .call-label") == "Đến lượt ông/bà! Mời ông/bà đến"
        assert phone.is_hidden("#status-text")  # the big call box replaces the sentence
        assert phone.evaluate("window.__sameDocument") is True

        admin_api.post(f"{office.url}/api/tickets/{mine['id']}/finish").raise_for_status()
        phone.wait_for_selector("#ticket[data-status='done']")
        assert phone.text_content("#status-text") == "Đã giải quyết xong. Cảm ơn ông/bà!"
        assert phone.is_hidden("#call")
        # nothing personal on the page: no kiosk, no staff name
        body = phone.text_content("body")
        assert "kiosk-1" not in body and "Trần Thị Bình" not in body
        assert errors == []
    finally:
        phone_ctx.close()


def test_unknown_ticket_link_shows_a_friendly_page(ctx, office):
    page = ctx.new_page()
    response = page.goto(office.url + "/t/khongtontai1234")
    assert response.status == 404
    assert page.text_content("h1") == "Không tìm thấy phiếu này"


def test_english_switch_relabels_and_is_remembered(ctx, office):
    console = open_console(ctx, office, counter=1)
    assert console.text_content("#act-next") == "Gọi số tiếp theo"
    console.click("[data-lang-toggle]")
    assert console.text_content("#act-next") == "Call next"
    assert console.text_content("#act-noshow") == "No-show"
    assert console.get_attribute("html", "lang") == "en"
    assert console.text_content("[data-lang-toggle]") == "Tiếng Việt"
    console.reload()
    console.wait_for_selector("#view-console:not([hidden])")
    assert console.text_content("#act-next") == "Call next"
    board = open_board(ctx, office)  # same browser profile: the board follows the choice
    assert board.text_content("#recent-h") == "Recent calls"
    console.click("[data-lang-toggle]")
    assert console.text_content("#act-next") == "Gọi số tiếp theo"


def test_session_expiry_sends_the_user_back_to_login(ctx, office, admin_api):
    console = open_console(ctx, office, counter=2, user="canbo2", password="canbo2-demo")
    users = admin_api.get(office.url + "/api/admin/users").json()["users"]
    canbo2 = next(u for u in users if u["username"] == "canbo2")
    # a new password ends every session of that user, as an expiry does
    admin_api.patch(f"{office.url}/api/admin/users/{canbo2['id']}", json={"password": "canbo2-demo"}).raise_for_status()
    issue(office, "dat-dai")  # the console reloads its lists on this event and meets the 401
    notice = console.wait_for_selector("#login-notice:not([hidden])")
    assert notice.text_content() == "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."
    assert console.is_visible("#view-login") and not console.is_visible("#view-console")


def test_kiosk_printer_status_and_not_printed_tickets_show_live(ctx, office):
    console = open_console(ctx, office, counter=1)
    r = requests.post(office.url + "/api/kiosks/kiosk-1/heartbeat", headers=KIOSK,
                      json={"printer": {"online": True, "paper": "near_end"}})
    assert r.status_code == 200, r.text
    console.wait_for_selector("#kiosk-list li[data-kiosk='kiosk-1'][data-printer='paper_near_end']")
    assert "Sắp hết giấy" in console.text_content("#kiosk-list li[data-kiosk='kiosk-1']")
    requests.post(office.url + "/api/kiosks/kiosk-1/heartbeat", headers=KIOSK,
                  json={"printer": {"online": True, "paper": "near_end"},
                        "scanner": {"state": "disconnected", "kind": "serial"}}).raise_for_status()
    dropped = console.wait_for_selector("#kiosk-list li[data-kiosk='kiosk-1'] .scanner-problem")
    assert dropped.text_content() == "Máy quét thẻ mất kết nối"

    t = issue(office, priority="elderly")
    requests.post(f"{office.url}/api/tickets/{t['id']}/print-result", headers=KIOSK,
                  json={"printed": False, "error": "paper out"}).raise_for_status()
    row = console.wait_for_selector(f"#waiting-lists li[data-number='{t['number']}'] .badge.noprint")
    assert row.text_content() == "Chưa in được phiếu"
    prio = console.text_content(f"#waiting-lists li[data-number='{t['number']}'] .badge.prio")
    assert prio == "Ưu tiên · người cao tuổi"
    reprint = console.locator(f"#waiting-lists li[data-number='{t['number']}'] [data-action='reprint']")
    assert reprint.text_content() == "In lại"
    reprint.click()  # the kiosk is asked to print it again; the mark goes until it reports
    console.wait_for_selector(f"#waiting-lists li[data-number='{t['number']}'] .badge.noprint", state="detached")
    assert requests.get(f"{office.url}/api/tickets/{t['id']}", headers=KIOSK).json()["reprint_count"] == 1
    requests.post(office.url + "/api/kiosks/kiosk-1/heartbeat", headers=KIOSK,
                  json={"printer": {"online": True, "paper": "ok"}}).raise_for_status()


def test_admin_edits_the_priority_ratio(ctx, office, admin_api):
    page = ctx.new_page()
    page.goto(office.url + "/admin")
    page.fill("#username", "admin")
    page.fill("#password", "admin-demo")
    page.click("#login-submit")
    page.click("[data-tab='settings']")
    page.wait_for_function("() => document.getElementById('ratio-normal').value === '2'")
    assert page.input_value("#ratio-priority") == "1"

    page.fill("#ratio-normal", "0")
    page.click("#settings-save")
    assert "người thường từ 1 đến 20" in page.wait_for_selector("#settings-error:not([hidden])").text_content()

    page.fill("#ratio-normal", "3")
    page.fill("#max-wait", "45")
    page.click("#settings-save")
    assert page.wait_for_selector("#banner:not([hidden])").text_content() == "Đã lưu."
    saved = admin_api.get(office.url + "/api/admin/settings").json()
    assert (saved["priority_ratio_normal"], saved["priority_ratio_priority"], saved["max_wait_minutes"]) == (3, 1, 45)


def test_admin_page_is_closed_to_counter_staff(ctx, office):
    page = ctx.new_page()
    page.goto(office.url + "/admin")
    page.fill("#username", "canbo1")
    page.fill("#password", "canbo1-demo")
    page.click("#login-submit")
    assert page.wait_for_selector("#view-denied:not([hidden]) h1").text_content() == \
        "Chỉ quản trị viên được vào trang này."


def test_admin_adds_a_user_who_can_then_log_in(ctx, office, admin_api):
    name = "cb" + uuid.uuid4().hex[:6]
    page = ctx.new_page()
    page.goto(office.url + "/admin")
    page.fill("#username", "admin")
    page.fill("#password", "admin-demo")
    page.click("#login-submit")
    page.click("[data-tab='users']")
    new = page.locator("#users-body tr.new")
    new.locator("input").nth(0).fill(name)
    new.locator("input").nth(1).fill("Lê Văn Cường")
    new.locator("input").nth(2).fill("ngan")  # too short
    new.locator("button").click()
    assert page.wait_for_selector("#users-error:not([hidden])").text_content() == "Mật khẩu cần ít nhất 8 ký tự."
    new.locator("input").nth(2).fill("mat-khau-moi-1")
    new.locator("button").click()
    page.wait_for_selector(f"#users-body tr[data-user='{name}']")
    r = requests.post(office.url + "/api/auth/login", json={"username": name, "password": "mat-khau-moi-1"})
    assert r.status_code == 200 and r.json()["user"]["full_name"] == "Lê Văn Cường"

    page.click(f"#users-body tr[data-user='{name}'] button.warn")  # deactivate
    page.wait_for_selector(f"#users-body tr[data-user='{name}'].inactive")
    r = requests.post(office.url + "/api/auth/login", json={"username": name, "password": "mat-khau-moi-1"})
    assert r.status_code == 401


@pytest.mark.slow
def test_board_asks_for_one_click_before_sound_when_autoplay_is_blocked(pw, chromium_path, office):
    b = pw.chromium.launch(executable_path=chromium_path, args=ARGS, headless=True)  # default autoplay policy
    try:
        page = b.new_page()
        page.goto(office.url + "/board")
        overlay = page.wait_for_selector("#sound-overlay:not([hidden])", timeout=WAIT)
        assert "Bấm để bật âm thanh" in overlay.text_content()
        page.click("#sound-on")
        page.wait_for_selector("#sound-overlay", state="hidden")
        page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/board/chime.wav'))")
    finally:
        b.close()


@pytest.mark.slow
def test_screenshots_of_the_console_and_the_board(ctx, office, tmp_path):
    """A realistic scene for the README. Written to assets/screenshots/{counter,board}.png when
    UPDATE_SCREENSHOTS=1 (so a normal test run leaves the work tree clean), else to a temp dir."""
    out = ROOT / "assets" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for svc, prio in [("ho-tich", None), ("ho-tich", "elderly"), ("chung-thuc", None), ("ho-tich", None),
                      ("dat-dai", None), ("chung-thuc", "disability"), ("lao-dong-xa-hoi", None), ("ho-tich", None)]:
        t = issue(office, svc, prio)
    requests.post(f"{office.url}/api/tickets/{t['id']}/print-result", headers=KIOSK,
                  json={"printed": False, "error": "paper out"}).raise_for_status()
    requests.post(office.url + "/api/kiosks/kiosk-1/heartbeat", headers=KIOSK,
                  json={"printer": {"online": True, "paper": "near_end"}}).raise_for_status()
    board = open_board(ctx, office)
    canbo2 = requests.Session()
    canbo2.post(office.url + "/api/auth/login", json={"username": "canbo2", "password": "canbo2-demo"}).raise_for_status()
    assert canbo2.post(office.url + "/api/counters/2/call-next").status_code == 200
    console = open_console(ctx, office, counter=1)
    console.click("#act-next")
    console.wait_for_selector("#current:not(.empty)")
    console.click("#act-start")
    console.wait_for_selector("#current[data-status='serving']")
    console.click("#act-recall")
    board.wait_for_function("() => document.getElementById('recent').children.length >= 2")
    time.sleep(0.6)  # mid-flash, for a livelier picture
    console.screenshot(path=str(out / "counter.png"), full_page=False)
    board.screenshot(path=str(out / "board.png"))
    assert (out / "counter.png").stat().st_size > 10_000 and (out / "board.png").stat().st_size > 10_000
    requests.post(office.url + "/api/kiosks/kiosk-1/heartbeat", headers=KIOSK,
                  json={"printer": {"online": True, "paper": "ok"}}).raise_for_status()


@pytest.mark.slow
def test_board_reconnects_by_itself_and_catches_up(ctx, tmp_path):
    """The office service restarts (or the network drops): the board's stream breaks, the board
    reconnects on its own and shows the call it missed, without a reload."""
    from kiosk.config import Kiosk, Settings
    from kiosk.office.embedded import start_embedded

    settings = Settings(kiosk=Kiosk(state_dir=str(tmp_path)))
    db = f"sqlite:///{tmp_path}/office.db"
    first = start_embedded(settings, database_url=db, demo=True)
    port = int(first.url.rsplit(":", 1)[1])
    second = None
    try:
        board = open_board(ctx, first)
        first.stop()
        board.wait_for_selector("#live[data-state='off']")
        second = start_embedded(settings, database_url=db, demo=True, port=port)
        missed = issue(second)
        staff = requests.Session()
        staff.post(second.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"})
        assert staff.post(second.url + "/api/counters/1/call-next").json()["number"] == missed["number"]
        board.wait_for_selector("#live[data-state='on']")
        board.wait_for_function("(n) => document.getElementById('now-number').textContent === n",
                                arg=missed["number"])
        assert board.text_content("[data-counter='1'] .c-number") == missed["number"]
        assert board.evaluate("window.__sameDocument") is True
    finally:
        (second or first).stop()
