"""The public dossier page /d/{public_token} (the receipt's QR): over HTTP (served with the strict
policy, a friendly Vietnamese 404 — for a sequential code too —, nothing personal in the page or the
JSON it reads, never staff's internal note) and in a real
headless Chromium against the embedded office (status live without a reload, English switch)."""

import datetime as dt
import json
import re
import unicodedata
import uuid
from pathlib import Path

import pytest
import requests
from browser_harness import watch_errors
from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.operations.dossiers import STATUSES
from kiosk.office.settings import OfficeSettings

WEB = Path(__file__).resolve().parents[2] / "kiosk" / "office" / "web"
KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
APPLICANT = {"id_number": "079186001234", "full_name": "Võ Thị Sáu", "date_of_birth": "1986-04-12",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành", "phone": "0903123456"}
SIGNATURE = {"document_name": "Giấy ủy quyền", "number_of_documents": 2, "signing_method": "Điểm chỉ"}
PERSONAL = ("Võ Thị Sáu", "079186001234", "Lê Lợi", "0903123456", "1986-04-12", "12/04/1986",
            "Nguyễn Văn An")  # the last: canbo1's full name (staff names stay off the public page)
PAPERS = ["Thẻ căn cước / CCCD hoặc hộ chiếu còn hạn (bản chính hoặc bản sao có chứng thực), hoặc căn cước điện tử",
          "Giấy tờ sẽ ký – ký trước mặt người thực hiện chứng thực"]  # procedure 2.000884
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def dossier_body() -> dict:
    return {"idempotency_key": uuid.uuid4().hex, "procedure_code": "2.000884", "applicant": APPLICANT,
            "fields": SIGNATURE}


# ---- HTTP ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dossier-page")
    settings = OfficeSettings(database_url=f"sqlite:///{tmp}/office.db", demo=True,
                              ward_name="UBND phường Bến Thành", kiosk_keys={"kiosk-1": "demo-kiosk-key"})
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def staff(client):
    r = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # requests below say who they are by header, or are anonymous
    return {"Authorization": f"Bearer {r.json()['token']}"}


def submitted(client) -> dict:
    r = client.post("/api/dossiers", headers=KIOSK, json=dossier_body())
    assert r.status_code == 201, r.text
    return r.json()


def test_page_is_html_with_the_strict_policy_and_the_token(client):
    receipt = submitted(client)
    token = receipt["public_token"]
    assert client.get(f"/d/{receipt['code']}").status_code == 404  # a countable code opens nothing
    r = client.get(f"/d/{token}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"
    assert f'data-token="{token}"' in r.text and "UBND phường Bến Thành" in r.text
    assert "{{" not in r.text
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", r.text) == []  # no inline script
    for ref in re.findall(r'(?:src|href)="(/web/[^"]+)"', r.text):
        assert client.get(ref).status_code == 200, ref


@pytest.mark.parametrize("code", ["HS-20261130-9999", "x", "A" * 200, "<b onclick=x>"])
def test_unknown_code_gets_a_friendly_vietnamese_html_404(client, code):
    r = client.get("/d/" + code)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "Không tìm thấy hồ sơ này" in r.text and "giấy tiếp nhận" in r.text
    assert "<b onclick" not in r.text and "{{" not in r.text


def test_neither_the_page_nor_its_json_holds_personal_data(client, staff):
    receipt = submitted(client)
    code, token = receipt["code"], receipt["public_token"]
    r = client.post(f"/api/dossiers/{code}/accept", headers=staff,
                    json={"documents_received": [PAPERS[0]], "sets": 1})  # the officer's name is recorded
    assert r.status_code == 200, r.text
    for status in ("processing", "ready"):
        r = client.post(f"/api/dossiers/{code}/status", headers=staff,
                        json={"status": status, "note": "Gọi chị Võ Thị Sáu 0903123456"})  # staff's own note
        assert r.status_code == 200, r.text
    assert client.get(f"/api/dossiers/{code}", headers=staff).json()["applicant"]["full_name"] == "Võ Thị Sáu"
    assert client.get(f"/api/dossiers/{code}", headers=staff).json()["history"][-1]["actor"]

    page = client.get(f"/d/{token}").text
    assert client.get(f"/api/dossiers/{code}").status_code == 404  # the code: nothing without a key
    public = client.get(f"/api/dossiers/{token}")  # what the page reads: no key, no cookie
    assert public.status_code == 200
    data = public.json()
    assert data["status"] == "ready" and [h["status"] for h in data["history"]] == [
        "declared", "received", "processing", "ready"]
    assert not {"applicant", "fields", "masked_id", "id_number", "note"} & set(data)
    assert all("actor" not in h for h in data["history"])
    for text in (page, public.text):
        for secret in PERSONAL:
            assert secret not in text
    assert "fetch('/api/dossiers/' + encodeURIComponent(TOKEN)" in (WEB / "static" / "dossier.js").read_text()


def test_every_dossier_status_has_a_label_and_a_next_step_in_both_languages():
    for lang in ("vi", "en"):
        texts = json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
        for status in STATUSES:
            for key in (f"dossier.status.{status}", f"dossier.next.{status}"):
                assert texts.get(key, "").strip(), (lang, key)
                assert unicodedata.is_normalized("NFC", texts[key])
        assert len(texts["dossier.weekdays"].split(",")) == 7
    vi = json.loads((WEB / "i18n" / "vi.json").read_text(encoding="utf-8"))
    assert [vi[f"dossier.status.{s}"] for s in ("received", "processing", "ready", "returned", "more_documents",
                                                "rejected")] == [
        "Đã tiếp nhận", "Đang giải quyết", "Đã có kết quả", "Đã trả kết quả", "Cần bổ sung giấy tờ",
        "Không được tiếp nhận"]


# ---- real Chromium ------------------------------------------------------------------------------

playwright_sync = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def staff_api(office):
    s = requests.Session()
    s.post(office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"},
           timeout=10).raise_for_status()
    return s


@pytest.fixture
def ctx(browser):
    """A phone-sized context; any uncaught JavaScript error on its pages fails the test."""
    c = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    errors = []
    watch_errors(c, errors)
    yield c
    c.close()
    assert errors == []


def kiosk_submits(office) -> dict:
    from kiosk.link.client import OfficeClient

    return OfficeClient(office.url, "demo-kiosk-key", "kiosk-1").submit_dossier(dossier_body())


def accept(office, staff_api, code):
    r = staff_api.post(f"{office.url}/api/dossiers/{code}/accept", json={"documents_received": PAPERS, "sets": 1},
                       timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def move(office, staff_api, code, status, note=None):
    r = staff_api.post(f"{office.url}/api/dossiers/{code}/status", json={"status": status, "note": note}, timeout=10)
    assert r.status_code == 200, r.text


@pytest.mark.browser
def test_citizen_sees_the_result_ready_without_reloading(ctx, office, staff_api):
    receipt = kiosk_submits(office)
    code = receipt["code"]
    page = ctx.new_page()
    page.goto(f"{office.url}/d/{receipt['public_token']}")
    page.wait_for_selector("#status-text:text('Đã khai, chưa nộp bản chính')")
    page.wait_for_selector("#live[data-state='on']")
    assert page.text_content("#code") == code
    assert page.text_content("#procedure") == receipt["procedure_name_vi"]
    assert "nộp bản chính" in page.text_content("#next")
    assert not page.is_visible("#appointment-row") and not page.is_visible("#received-row")  # nothing received yet
    page.evaluate("window.__sameDocument = true")  # vanishes if the page reloads

    received = accept(office, staff_api, code)  # the officer checked the originals
    page.wait_for_selector("#status-text:text('Đã tiếp nhận')")
    due = dt.date.fromisoformat(received["appointment_date"])
    hour = received["appointment_at"][11:16]
    assert page.text_content("#appointment") == f"{WEEKDAYS_VI[due.weekday()]}, {due:%d/%m/%Y} {hour}"
    assert "quay lại vào ngày, giờ hẹn" in page.text_content("#next")

    move(office, staff_api, code, "processing")
    page.wait_for_selector("#status-text:text('Đang giải quyết')")
    move(office, staff_api, code, "ready")
    page.wait_for_selector("#status-text:text('Đã có kết quả')")
    department = requests.get(f"{office.url}/api/ward", timeout=10).json()["department"]  # the ward's identity
    assert page.text_content("#next") == (f"Mời ông/bà mang giấy tiếp nhận và giấy tờ tùy thân đến {department} "
                                          "để nhận kết quả.")
    assert page.evaluate("window.__sameDocument") is True  # pushed, not reloaded
    history = page.locator("#history li .what").all_text_contents()
    assert history == ["Đã có kết quả", "Đang giải quyết", "Đã tiếp nhận",
                       "Đã khai, chưa nộp bản chính"]  # newest first
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", page.locator("#history li .when").first.text_content())
    body = page.text_content("body")
    assert not any(secret in body for secret in PERSONAL)

    page.click("[data-lang-toggle]")
    assert page.text_content("#status-text") == "Results ready"
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#history li .what").first.text_content() == "Results ready"


@pytest.mark.browser
def test_more_documents_shows_the_citizen_note_and_a_staff_browser_still_gets_the_public_view(ctx, office,
                                                                                             staff_api):
    receipt = kiosk_submits(office)
    code, token = receipt["code"], receipt["public_token"]
    # the same browser holds a staff session: the page must still read only the public view
    r = ctx.request.post(office.url + "/api/auth/login", data={"username": "canbo1", "password": "canbo1-demo"})
    assert r.ok
    answers = []
    page = ctx.new_page()
    page.on("response", lambda res: answers.append(res) if f"/api/dossiers/{token}" in res.url else None)
    page.goto(f"{office.url}/d/{token}")
    page.wait_for_selector("#live[data-state='on']")
    page.wait_for_selector("#status-text:text('Đã khai, chưa nộp bản chính')")

    r = staff_api.post(f"{office.url}/api/dossiers/{code}/more-documents", timeout=10,
                       json={"missing_documents": [PAPERS[1]], "note": "Chị Sáu hẹn gọi lại 0903123456",
                             "citizen_note": "Bản sao giấy ủy quyền có chứng thực"})
    assert r.status_code == 200, r.text
    page.wait_for_selector("#status-text:text('Cần bổ sung giấy tờ')")
    assert page.text_content("#dnote-label") == "Giấy tờ cần bổ sung:"
    assert page.text_content("#dnote-text") == PAPERS[1] + "\nBản sao giấy ủy quyền có chứng thực"
    assert page.is_visible("#dnote")
    assert answers and all("applicant" not in res.json() for res in answers)
    assert "Võ Thị Sáu" not in page.text_content("body") and "0903123456" not in page.text_content("body")


def test_a_running_office_serves_pages_and_texts_as_they_are_on_disk(client, tmp_path, monkeypatch):
    """Pages are cached, but not past an update: HTML cached before counter.js gained its help list
    met the new script and broke the console ("Cannot set properties of null")."""
    import os
    import shutil

    import kiosk.office.web as web

    static, i18n = tmp_path / "static", tmp_path / "i18n"
    shutil.copytree(web.STATIC, static)
    shutil.copytree(web.I18N_DIR, i18n)
    monkeypatch.setattr(web, "STATIC", static)
    monkeypatch.setattr(web, "I18N_DIR", i18n)
    assert "Không tìm thấy hồ sơ này" in client.get("/d/nope").text
    assert "Tra cứu hồ sơ" in client.get("/web/i18n.js").text

    def rewrite(path, old, new):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # a later update

    rewrite(static / "dossier_notfound.html", "Không tìm thấy hồ sơ này", "Hồ sơ không có")
    rewrite(i18n / "vi.json", "Tra cứu hồ sơ", "Theo dõi hồ sơ")
    assert "Hồ sơ không có" in client.get("/d/nope").text
    assert "Theo dõi hồ sơ" in client.get("/web/i18n.js").text
