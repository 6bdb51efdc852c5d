"""The staff dossier console (/dossiers) and the admin procedure tab in a real headless Chromium
(Debian's, driven by Playwright) against the real office service on 127.0.0.1 (SQLite, demo data)."""

import json
import time
import uuid

import pytest
import requests
from browser_harness import watch_errors

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
APPLICANT = {"id_number": "079186001234", "full_name": "Võ Thị Sáu", "date_of_birth": "1986-04-12",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành"}


@pytest.fixture
def ctx(browser):
    """A fresh context (its own cookies); any uncaught JavaScript error fails the test."""
    c = browser.new_context(viewport={"width": 1366, "height": 768})
    errors = []
    watch_errors(c, errors)
    yield c
    c.close()
    assert errors == []


def login(ctx, office, path, user):
    page = ctx.new_page()
    page.goto(office.url + path)
    page.fill("#username", user)
    page.fill("#password", f"{user}-demo")
    page.click("#login-submit")
    return page


def submit_signature_dossier(office) -> dict:
    r = requests.post(office.url + "/api/dossiers", headers=KIOSK, timeout=10, json={
        "idempotency_key": uuid.uuid4().hex, "procedure_code": "2.000884", "applicant": APPLICANT,
        "fields": {"document_name": "Giấy ủy quyền", "number_of_documents": 2, "signing_method": "Điểm chỉ"}})
    assert r.status_code == 201, r.text
    return r.json()


def test_staff_see_a_new_dossier_arrive_live_and_move_it_along(ctx, office):
    page = login(ctx, office, "/dossiers", "canbo1")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    page.wait_for_selector("#live[data-state='on']")
    page.evaluate("window.__sameDocument = true")  # vanishes if the page reloads

    receipt = submit_signature_dossier(office)  # a kiosk sends one while the page is open
    row = page.wait_for_selector(f"#dossier-rows tr[data-code='{receipt['code']}']")
    assert "Võ Thị Sáu" in row.text_content() and "Chứng thực chữ ký" in row.text_content()
    assert row.get_attribute("data-status") == "received"
    assert page.evaluate("window.__sameDocument") is True  # pushed, not reloaded

    row.click()
    page.wait_for_selector(f"#detail-code:text('{receipt['code']}')")
    fields = page.text_content("#detail-fields")
    assert "Cách ký" in fields and "Điểm chỉ" in fields  # the form's label and the value chosen
    applicant = page.text_content("#detail-applicant")
    assert "Số định danh cá nhân" in applicant and "079186001234" in applicant and "12/04/1986" in applicant

    page.click("#move-buttons [data-move='more_documents']")  # a note is required first
    assert page.wait_for_selector("#move-error:not([hidden])").text_content() == \
        "Vui lòng ghi rõ giấy tờ cần bổ sung hoặc lý do từ chối."
    page.click("#move-buttons [data-move='processing']")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{receipt['code']}'][data-status='processing']")
    assert page.text_content("#detail-status") == "Đang xử lý"
    assert requests.get(f"{office.url}/api/dossiers/{receipt['code']}", timeout=10).json()["status"] == "processing"

    page.click("[data-lang-toggle]")
    assert page.text_content("#detail-status") == "Processing"
    assert "How you sign" in page.text_content("#detail-fields")
    assert "Fingerprint" in page.text_content("#detail-fields")  # the choice's English label


def test_an_admin_changes_a_fee_and_a_broken_documents_list_is_refused_plainly(ctx, office):
    page = login(ctx, office, "/admin", "admin")
    page.wait_for_selector("#view-admin:not([hidden])")
    page.click("[data-tab='procedures']")
    page.select_option("#proc-pick", "2.000884")
    before = requests.get(office.url + "/api/procedures/2.000884", timeout=10).json()["fee_vnd"]
    # the form loads the chosen procedure asynchronously: type only once it shows it
    page.wait_for_function("(fee) => document.querySelector('#proc-fee-vnd').value === fee", arg=str(before))
    page.fill("#proc-fee-vnd", "15000")
    page.click("#proc-save")
    page.wait_for_selector("#banner:not([hidden])")
    deadline = time.monotonic() + 10  # the banner may be an earlier one: wait for the save itself
    while requests.get(office.url + "/api/procedures/2.000884", timeout=10).json()["fee_vnd"] != 15000:
        assert time.monotonic() < deadline, "the new fee was not saved"
        time.sleep(0.2)

    page.fill("#proc-documents", '[{"vi": "Giấy tờ"')  # cut off
    page.click("#proc-save")
    error = page.wait_for_selector("#proc-error:not([hidden])").text_content()
    assert error.startswith("Thành phần hồ sơ không phải JSON hợp lệ")
    page.fill("#proc-documents", json.dumps([{"vi": "Giấy tờ", "en": "Paper"}], ensure_ascii=False))
    page.click("#proc-save")
    page.wait_for_selector("#proc-error:has-text('original_required')")
    assert page.text_content("#proc-error").startswith("Chưa lưu:")
    served = requests.get(office.url + "/api/procedures/2.000884", timeout=10).json()
    assert served["fee_vnd"] == 15000 and served["documents"][0].get("original_required") is not None
