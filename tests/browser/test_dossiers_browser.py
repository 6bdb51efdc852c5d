"""The staff dossier console (/dossiers) and the admin procedure tab in a real headless Chromium
(Debian's, driven by Playwright) against the real office service on 127.0.0.1 (SQLite, demo data)."""

import json
import time
import uuid

import pytest
import requests
from browser_harness import log_in

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
APPLICANT = {"id_number": "079186001234", "full_name": "Võ Thị Sáu", "date_of_birth": "1986-04-12",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành"}


def login(ctx, office, path, user):
    page = ctx.new_page()
    log_in(page, office.url + path, user)
    return page


def submit_signature_dossier(office) -> dict:
    r = requests.post(office.url + "/api/dossiers", headers=KIOSK, timeout=10, json={
        "idempotency_key": uuid.uuid4().hex, "procedure_code": "2.000884", "applicant": APPLICANT,
        "fields": {"document_name": "Giấy ủy quyền", "number_of_documents": 2, "signing_method": "Điểm chỉ"}})
    assert r.status_code == 201, r.text
    return r.json()


def test_staff_see_a_declared_dossier_arrive_live_scan_its_slip_and_receive_it(ctx, office):
    page = login(ctx, office, "/dossiers", "canbo1")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    page.wait_for_selector("#live[data-state='on']")
    page.evaluate("window.__sameDocument = true")  # vanishes if the page reloads

    receipt = submit_signature_dossier(office)  # a kiosk sends one while the page is open
    code = receipt["code"]
    row = page.wait_for_selector(f"#dossier-rows tr[data-code='{code}']")
    assert "Võ Thị Sáu" in row.text_content() and "Chứng thực chữ ký" in row.text_content()
    assert row.get_attribute("data-status") == "declared"
    assert "Đã khai, chưa nộp bản chính" in row.text_content()
    assert page.evaluate("window.__sameDocument") is True  # pushed, not reloaded

    # the citizen hands over the slip: the scanner types its QR (the tracking URL: its token) and Enter
    token = receipt["public_token"]
    qr = f"{office.url}/d/{token}"
    page.focus("#find")
    page.keyboard.type(qr)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#detail-code:text('{code}')")
    fields = page.text_content("#detail-fields")
    assert "Cách ký" in fields and "Điểm chỉ" in fields  # the form's label and the value chosen
    applicant = page.text_content("#detail-applicant")
    assert "Số định danh cá nhân" in applicant and "079186001234" in applicant and "12/04/1986" in applicant

    # the procedure's papers as a checklist; nothing ticked: "Tiếp nhận" says so and sends nothing
    papers = page.locator("#checklist tr").all_text_contents()
    assert any("Giấy tờ sẽ ký" in p for p in papers) and len(papers) == 2
    page.click("#move-buttons [data-move='received']")
    assert page.wait_for_selector("#move-error:not([hidden])").text_content() == "Vui lòng đánh dấu các giấy tờ đã nhận."
    page.click("#move-buttons [data-move='rejected']")  # a refusal needs its reason
    assert page.text_content("#move-error") == "Vui lòng ghi lý do từ chối vào ô ghi chú."
    page.check("#checklist input[data-kind='got'] >> nth=0")
    page.check("#checklist input[data-kind='got'] >> nth=1")
    page.fill("#sets", "2")
    page.click("#move-buttons [data-move='received']")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{code}'][data-status='received']")
    assert page.text_content("#detail-status") == "Đã tiếp nhận"
    assert "Nguyễn Văn An" in page.text_content("#detail-received")  # the officer on duty
    assert page.text_content("#detail-appointment")  # date and hour from the reception time
    public = requests.get(f"{office.url}/api/dossiers/{token}", timeout=10).json()
    assert public["status"] == "received" and public["appointment_at"]

    page.click("#move-buttons [data-move='processing']")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{code}'][data-status='processing']")
    assert requests.get(f"{office.url}/api/dossiers/{token}", timeout=10).json()["status"] == "processing"

    page.click("[data-lang-toggle]")
    assert page.text_content("#detail-status") == "Processing"
    assert "How you sign" in page.text_content("#detail-fields")
    assert "Fingerprint" in page.text_content("#detail-fields")  # the choice's English label


def test_staff_ask_for_missing_papers_and_find_dossiers_by_id_number(ctx, office):
    receipt = submit_signature_dossier(office)
    code = receipt["code"]
    page = login(ctx, office, "/dossiers", "canbo1")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    page.fill("#find", "MCHS:" + code)  # the scanner prefix form of the slip's QR
    page.press("#find", "Enter")
    page.wait_for_selector(f"#detail-code:text('{code}')")
    page.check("#checklist input[data-kind='missing'] >> nth=1")
    page.fill("#move-note", "Chị Sáu nhờ gọi lại số 0903123456")  # staff's internal note
    page.fill("#move-citizen-note", "Mang giấy ủy quyền chưa ký đến quầy.")  # the second box: for the citizen
    page.click("#move-buttons [data-move='more_documents']")
    page.wait_for_selector("#detail-missing")
    assert page.text_content("#detail-missing") == "Giấy tờ, văn bản yêu cầu chứng thực chữ ký"  # its official name
    assert "0903123456" in page.text_content("#detail-note")  # staff see both notes
    assert "Mang giấy ủy quyền chưa ký" in page.text_content("#detail-citizen-note")
    assert page.input_value("#move-citizen-note") == ""
    public = requests.get(f"{office.url}/api/dossiers/{receipt['public_token']}", timeout=10).json()
    assert public["status"] == "more_documents" and "Giấy tờ sẽ ký" in public["missing_documents"][0]
    assert public["citizen_note"] == "Mang giấy ủy quyền chưa ký đến quầy." and "0903123456" not in str(public)

    page.fill("#find", "079186001234")  # an ID number lists that citizen's dossiers
    page.press("#find", "Enter")
    page.wait_for_function("() => [...document.querySelectorAll('#dossier-rows tr')].length >= 1")
    codes = page.eval_on_selector_all("#dossier-rows tr", "rows => rows.map(r => r.dataset.code)")
    assert code in codes
    page.fill("#find", "BT-20000101-0001")
    page.press("#find", "Enter")
    assert page.wait_for_selector("#find-error:not([hidden])").text_content() == "Không có hồ sơ mã BT-20000101-0001."


def test_staff_file_a_dossier_at_the_counter_and_receive_it_on_the_same_page(ctx, office):
    page = login(ctx, office, "/dossiers", "canbo1")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    page.click("#counter-new")
    page.select_option("#counter-procedure", "2.000884")
    page.wait_for_selector("#counter-fields [data-path='document_name']")
    page.click("#counter-save")  # empty: the office names the first missing field
    assert page.wait_for_selector("#counter-error:not([hidden])").text_content().startswith("applicant.")
    values = {"applicant.full_name": "Lê Văn Tám", "applicant.id_number": "001200009999",
              "applicant.date_of_birth": "01/02/1980", "applicant.address": "5 Hàm Nghi, phường Bến Thành",
              "document_name": "Hợp đồng", "number_of_documents": "1"}
    for path, value in values.items():
        page.fill(f"#counter-fields [data-path='{path}']", value)
    page.select_option("#counter-fields [data-path='applicant.sex']", "Nam")
    page.select_option("#counter-fields [data-path='signing_method']", index=1)
    page.click("#counter-save")
    page.wait_for_selector("#counter-form-card", state="hidden")
    code = page.text_content("#detail-code")
    assert page.text_content("#detail-status") == "Đã khai, chưa nộp bản chính"
    assert "nộp tại quầy" in page.text_content("#detail-meta")
    page.check("#checklist input[data-kind='got'] >> nth=0")
    page.click("#move-buttons [data-move='received']")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{code}'][data-status='received']")
    d = requests.get(f"{office.url}/api/dossiers/{code}", headers=KIOSK, timeout=10).json()  # a code needs a key
    assert d["status"] == "received" and d["procedure_code"] == "2.000884"


def test_staff_cancel_a_declaration_whose_originals_never_came(ctx, office):
    import datetime as dt

    from sqlalchemy import update

    from kiosk.office.storage.models import Dossier

    stale, fresh = submit_signature_dossier(office)["code"], submit_signature_dossier(office)["code"]
    with office.office.db.write() as s:  # declared four days ago (the office's default limit is 3)
        s.execute(update(Dossier).where(Dossier.code == stale).values(
            declared_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=4)))
    page = login(ctx, office, "/dossiers", "canbo1")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    assert page.text_content("#filter-stale-label") == "Đã khai quá 3 ngày, chưa nộp bản chính"
    page.check("#filter-stale")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{stale}'] [data-cancel]")
    assert not page.query_selector(f"#dossier-rows tr[data-code='{fresh}']")
    page.click(f"#dossier-rows tr[data-code='{stale}'] [data-cancel]")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{stale}']", state="detached")
    staff = requests.Session()
    staff.post(office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"},
               timeout=10).raise_for_status()
    d = staff.get(f"{office.url}/api/dossiers/{stale}", timeout=10).json()
    assert d["status"] == "cancelled" and "3 ngày" in d["note"]  # staff's note
    assert staff.get(f"{office.url}/api/dossiers/{fresh}", timeout=10).json()["status"] == "declared"


def test_a_slow_answer_to_the_whole_list_does_not_replace_the_stale_filter(ctx, office):
    """An officer ticks "declared more than 3 days ago" while the page's first, unfiltered list is
    still on its way: the late answer must not put the fresh dossiers back, each with a cancel
    button (CI saw this once, stop 24)."""
    import datetime as dt

    from sqlalchemy import update

    from kiosk.office.storage.models import Dossier

    stale, fresh = submit_signature_dossier(office)["code"], submit_signature_dossier(office)["code"]
    with office.office.db.write() as s:
        s.execute(update(Dossier).where(Dossier.code == stale).values(
            declared_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=4)))
    held = []

    def hold_whole_list(route):
        if "stale=true" in route.request.url or held:
            route.continue_()
        else:
            held.append(route)  # answered below, after the filtered list

    page = ctx.new_page()
    page.route("**/api/dossiers?*", hold_whole_list)
    log_in(page, office.url + "/dossiers", "canbo1")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert held, "the page never asked for its list"
    page.check("#filter-stale")
    page.wait_for_selector(f"#dossier-rows tr[data-code='{stale}'] [data-cancel]")
    with page.expect_response(lambda r: "/api/dossiers?" in r.url and "stale=true" not in r.url):
        held[0].continue_()
    page.wait_for_timeout(300)  # the late answer has been read by the page's script
    assert page.query_selector(f"#dossier-rows tr[data-code='{stale}'] [data-cancel]")
    assert not page.query_selector(f"#dossier-rows tr[data-code='{fresh}']")


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
