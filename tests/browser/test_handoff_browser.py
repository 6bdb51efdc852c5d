"""The hand-off in a real headless Chromium against a running office with an HTTP connector and
a stand-in provincial system: the admin's "Liên thông" tab shows the connector, its figures and
the refused dossier; on /dossiers (with dossiers_handoff.js) an officer reads the province's
refusal, presses "Gửi lại" and sees the official code arrive; with the code typed by hand the
public page shows it."""

import re

import pytest
import requests
from browser_harness import log_in, watch_errors

from handoff_testing import ACCEPT, connector, dossier_body
from kiosk.config import Settings
from kiosk.office.embedded import start_embedded
from province_standin import REFUSAL, Province

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def province():
    p = Province("refuse")
    yield p
    p.stop()


@pytest.fixture(scope="module")
def office(tmp_path_factory, province):
    tmp = tmp_path_factory.mktemp("handoff-browser")
    o = start_embedded(Settings(), database_url=f"sqlite:///{tmp}/office.db", demo=True,
                       connector=connector(url=province.url))
    yield o
    o.stop()


@pytest.fixture
def ctx(browser):
    c = browser.new_context(viewport={"width": 1280, "height": 900})
    errors = []
    watch_errors(c, errors)
    yield c
    c.close()
    assert errors == []


TOKENS: dict[str, str] = {}


def refused_dossier(office, province) -> str:
    province.set("refuse")
    r = requests.post(office.url + "/api/dossiers", headers={"Authorization": "Bearer demo-kiosk-key"},
                      json=dossier_body(f"browser-{len(province.requests)}"), timeout=10)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    token = requests.post(office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"},
                          timeout=10).json()["token"]
    requests.post(f"{office.url}/api/dossiers/{code}/accept", headers={"Authorization": f"Bearer {token}"},
                  json=ACCEPT, timeout=10).raise_for_status()  # the officer's "Tiếp nhận" hands it off
    assert province.wait_for(lambda p: code in p.keys())
    TOKENS[code] = r.json()["public_token"]  # the slip's: what the public page takes
    return code


def test_the_admin_sees_the_connector_and_the_refused_dossier(ctx, office, province):
    code = refused_dossier(office, province)
    page = ctx.new_page()
    log_in(page, office.url + "/admin", "admin")
    page.click("[data-tab='connector']")
    page.wait_for_selector("#connector-failed-list li")
    assert page.text_content("#connector-kind") == "Gửi qua mạng (HTTP)"
    assert page.text_content("#connector-target") == province.url
    assert int(page.text_content("#connector-failed")) >= 1
    assert "bị tỉnh từ chối" in page.text_content("#connector-health")
    assert page.get_attribute("#connector-health", "data-level") == "bad"
    assert re.fullmatch(r"\d+% \(\d+/\d+\)", page.text_content("#connector-share"))
    listed = page.text_content("#connector-failed-list")
    assert code in listed and REFUSAL in listed
    page.click("[data-lang-toggle]")
    assert page.text_content("#connector-kind") == "Over the network (HTTP)"


def test_an_officer_reads_the_refusal_sends_again_and_sees_the_official_code(ctx, office, province):
    code = refused_dossier(office, province)
    page = ctx.new_page()
    log_in(page, office.url + "/dossiers", "canbo1")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{code}']")
    page.add_script_tag(url="/web/dossiers_handoff.js")  # H1's page includes it with a script tag
    page.click(f"#dossier-rows tr[data-code='{code}']")
    page.wait_for_selector("#handoff-state[data-state='failed']")
    assert page.text_content("#handoff-state") == "Tỉnh từ chối hồ sơ."
    assert REFUSAL in page.text_content("#handoff-answer")
    province.set("ok")
    page.click("#handoff-retry")
    page.wait_for_selector("#handoff-notice:text('Đã đưa hồ sơ vào hàng gửi lại.')")
    assert province.wait_for(lambda p: code in p.created)
    page.click(f"#dossier-rows tr[data-code='{code}']")  # reopen: the page reads it again
    page.wait_for_selector("#handoff-state[data-state='delivered']")
    assert page.input_value("#official-code") == province.created[code]
    assert page.locator("#handoff-retry").count() == 0


def test_a_code_typed_by_hand_shows_on_the_public_page(ctx, office, province):
    code = refused_dossier(office, province)
    page = ctx.new_page()
    log_in(page, office.url + "/dossiers", "canbo1")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{code}']")
    page.add_script_tag(url="/web/dossiers_handoff.js")
    page.click(f"#dossier-rows tr[data-code='{code}']")
    page.wait_for_selector("#handoff-state[data-state='failed']")
    page.fill("#official-code", "")
    page.click("#official-code-save")
    assert page.text_content("#handoff-error") == "Nhập mã hồ sơ do hệ thống của tỉnh cấp."
    page.fill("#official-code", "000.00.31.H29-261202-0042")
    page.click("#official-code-save")
    page.wait_for_selector("#handoff-state[data-state='delivered']")
    # the page reloads the dossier on the change's event: the notice must still be there after it
    page.wait_for_timeout(300)
    assert page.text_content("#handoff-notice") == "Đã lưu mã hồ sơ của tỉnh."
    public = ctx.new_page()
    public.goto(f"{office.url}/d/{TOKENS[code]}")
    public.wait_for_selector("#official-row:not([hidden])")
    assert public.text_content("#official-code") == "000.00.31.H29-261202-0042"
    assert "Cổng Dịch vụ công" in public.text_content("#official-row")
