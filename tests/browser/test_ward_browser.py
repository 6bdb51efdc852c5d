"""The ward's identity in a real headless Chromium: an admin saves "Thông tin đơn vị" in /admin, and
the lobby board and the staff console already open relabel their header without a reload (the
"ward" event); a citizen text saying {department} is filled with the new name."""

import pytest
import requests
from browser_harness import TV_ARGS, demo_office, log_in, watched_context

pytestmark = pytest.mark.browser
BROWSER_ARGS = TV_ARGS

NEW = {"name": "UBND phường Sài Gòn", "department": "Trung tâm Phục vụ hành chính công phường Sài Gòn",
       "address": "45 Lê Duẩn, phường Sài Gòn", "phone": "028 3829 9999"}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with demo_office(tmp_path_factory) as emb:
        yield emb


def test_saving_in_admin_relabels_the_open_board_and_console(ctx, browser, office):
    board = ctx.new_page()
    board.goto(office.url + "/board")
    board.wait_for_selector("#live[data-state='on']")
    board.evaluate("window.__sameDocument = true")  # vanishes if the page reloads
    assert board.text_content(".ward-name") == "UBND phường Bến Thành"

    console = ctx.new_page()
    log_in(console, office.url + "/counter", "canbo1")
    console.click("#counter-choices [data-counter-id='1']")
    console.wait_for_selector("#live[data-state='on']")

    with watched_context(browser, viewport={"width": 1366, "height": 768}) as admin_ctx:  # the admin's own browser
        admin = admin_ctx.new_page()
        log_in(admin, office.url + "/admin", "admin")
        admin.click("[data-tab='ward']")
        admin.wait_for_function("() => document.getElementById('ward-name').value === 'UBND phường Bến Thành'")
        admin.fill("#ward-department", "")
        admin.click("#ward-save")
        assert "department" in admin.wait_for_selector("#ward-error:not([hidden])").text_content()
        for key, value in NEW.items():
            admin.fill(f"#ward-{key}", value)
        admin.click("#ward-save")
        admin.wait_for_selector("#ward-saved:not([hidden])")
        assert requests.get(office.url + "/api/ward", timeout=10).json()["name"] == NEW["name"]

    board.wait_for_function("(n) => document.querySelector('.ward-name').textContent === n", arg=NEW["name"])
    assert board.text_content(".dept") == NEW["department"]
    assert board.text_content(".contact") == f"{NEW['address']} · ĐT: {NEW['phone']}"
    assert board.evaluate("window.__sameDocument") is True  # pushed, not reloaded
    console.wait_for_function("(n) => document.querySelector('[data-ward=name]').textContent === n",
                              arg=NEW["name"])
    assert console.text_content("[data-ward=department]") == NEW["department"]
    # a citizen text saying {department} is filled with the identity (common.js's t())
    said = board.evaluate("() => t('dossier.next.ready')")
    assert said == f"Mời ông/bà mang giấy tiếp nhận và giấy tờ tùy thân đến {NEW['department']} để nhận kết quả."
