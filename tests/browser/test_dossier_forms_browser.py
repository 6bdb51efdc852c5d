"""/dossiers prints the official forms: a dossier declared at a kiosk is found, received on the
checklist, and its receipt (Mẫu 01) opens as a PDF in a new tab, in a real headless Chromium
(Debian's, driven by Playwright) against the real office service on 127.0.0.1 (SQLite, demo data)."""

import io
import os
import uuid

import pytest
import requests
from browser_harness import watch_errors

pytestmark = pytest.mark.browser

playwright_sync = pytest.importorskip("playwright.sync_api")
pypdf = pytest.importorskip("pypdf")

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
APPLICANT = {"full_name": "Nguyễn Thị Hòa", "id_number": "079190001234", "date_of_birth": "1990-05-17",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành", "phone": "0903123456"}
BIRTH = {"child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2026-01-20", "child_sex": "Nữ",
         "child_place_of_birth": "Bệnh viện Từ Dũ",
         "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
         "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
         "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
         "mother_full_name": "Nguyễn Thị Hòa", "relationship": "Mẹ"}


@pytest.fixture
def ctx(browser):
    """A fresh context (its own cookies); any uncaught JavaScript error fails the test."""
    c = browser.new_context(viewport={"width": 1366, "height": 900})
    errors = []
    watch_errors(c, errors)
    yield c
    c.close()
    assert errors == []


def declare_birth(office) -> str:
    r = requests.post(office.url + "/api/dossiers", headers=KIOSK, timeout=10, json={
        "idempotency_key": uuid.uuid4().hex, "procedure_code": "1.001193", "applicant": APPLICANT,
        "fields": BIRTH})
    assert r.status_code == 201, r.text
    return r.json()["code"]


def pdf_text(body: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)


def open_dossier(ctx, office, code):
    page = ctx.new_page()
    page.goto(office.url + "/dossiers")
    page.fill("#username", "canbo1")
    page.fill("#password", "canbo1-demo")
    page.click("#login-submit")
    page.wait_for_selector("#view-dossiers:not([hidden])")
    page.fill("#find", code)
    page.press("#find", "Enter")
    page.wait_for_selector(f"#detail-code:text('{code}')")
    return page


def printable(page) -> list[str]:
    return page.eval_on_selector_all("#detail-forms-links a", "links => links.map(a => a.dataset.form)")


def test_an_officer_receives_a_kiosk_dossier_and_prints_its_receipt(ctx, office):
    code = declare_birth(office)
    page = open_dossier(ctx, office, code)
    assert page.text_content("#detail-status") == "Đã khai, chưa nộp bản chính"
    # before "Tiếp nhận": only the tờ khai, no receipt to hand over
    assert printable(page) == ["declaration"]
    assert page.text_content("#detail-forms-links") == "In tờ khai"

    for i in range(3):  # the three papers always needed; the "if any" ones are not there
        page.check(f"#checklist input[data-kind='got'] >> nth={i}")
    page.fill("#sets", "2")
    page.click("#move-buttons [data-move='received']")
    page.wait_for_selector("#detail-forms-links a[data-form='receipt']")
    assert printable(page) == ["receipt", "receipt-80mm", "declaration"]
    link = page.locator("#detail-forms-links a[data-form='receipt']")
    assert link.text_content() == "In giấy tiếp nhận" and link.get_attribute("target") == "_blank"

    with ctx.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{office.url}/api/dossiers/{code}/forms/receipt.pdf"
    # the PDF the tab shows, fetched with the page's own cookies (the officer's session)
    answer = page.request.get(tab.url)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.body())
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code}",
                     "Tiếp nhận hồ sơ của: Nguyễn Thị Hòa", "2. Số lượng hồ sơ: 02 (bộ)",
                     "Nguyễn Văn An"):  # canbo1, who received it
        assert expected in text, expected
    # the link alone is not enough: without the session the office refuses the papers
    assert requests.get(tab.url, timeout=10).status_code == 401
    # the same receipt for the counter's thermal printer: an 80 mm wide strip
    roll = page.locator("#detail-forms-links a[data-form='receipt-80mm']")
    assert roll.text_content() == "In giấy tiếp nhận (khổ 80 mm)"
    answer = page.request.get(office.url + roll.get_attribute("href"))
    assert answer.status == 200 and f"Mã hồ sơ: {code}" in pdf_text(answer.body())
    assert round(float(pypdf.PdfReader(io.BytesIO(answer.body())).pages[0].mediabox.width) * 25.4 / 72) == 80

    shots = os.environ.get("KIOSK_SCREENSHOTS")
    if shots:  # for a person to look at the console (not an assertion)
        page.screenshot(path=os.path.join(shots, "dossiers-received.png"), full_page=True)


def test_a_refused_dossier_offers_the_refusal_and_no_receipt(ctx, office):
    code = declare_birth(office)
    page = open_dossier(ctx, office, code)
    page.fill("#move-note", "Không thuộc thẩm quyền giải quyết của phường")
    page.click("#move-buttons [data-move='rejected']")
    page.wait_for_selector("#detail-forms-links a[data-form='refusal']")
    assert printable(page) == ["refusal", "declaration"]
    assert page.text_content("#detail-forms-links a[data-form='refusal']") == "In phiếu từ chối"
    href = page.get_attribute("#detail-forms-links a[data-form='refusal']", "href")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in pdf_text(page.request.get(office.url + href).body())

    page.click("[data-lang-toggle]")
    assert page.text_content("#detail-forms-links a[data-form='refusal']") == "Print the refusal"
