"""GET /api/dossiers/{code}/forms/{form}.pdf through the real app (SQLite, fixed clock): staff get
the PDF of a dossier a kiosk submitted, 409 when the form does not apply yet, 404 for an unknown
dossier or form, 401 for anyone else (the papers carry personal data)."""

import copy
import datetime as dt
import io
import re
import shutil
import sqlite3
import warnings
from contextlib import closing

import pytest
from pypdf import PdfReader

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings, sqlite_url
from office_testing import Clock, demo_sqlite

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))  # a Monday morning
WARD = {"ward_name": "UBND phường Bến Thành", "ward_department": "Trung tâm Phục vụ hành chính công",
        "ward_address": "Số 1 đường Lê Lợi, phường Bến Thành", "ward_phone": "028 3822 1234"}
APPLICANT = {"full_name": "Nguyễn Thị Hòa", "id_number": "079190001234", "date_of_birth": "1990-05-17",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "phone": "0903123456"}
BIRTH = {"child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2024-02-20", "child_sex": "Nữ",
         "child_place_of_birth": "Bệnh viện Từ Dũ",
         "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
         "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
         "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
         "mother_full_name": "Nguyễn Thị Hòa", "relationship": "Mẹ"}
TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A demo office database with canbo1 logged in, built once (argon2 logins are slow)."""
    base = tmp_path_factory.mktemp("forms-template")
    url = demo_sqlite(tmp_path_factory.getbasetemp(), base / "office.db")
    app = create_app(OfficeSettings(database_url=url, demo=True), clock=Clock(START))
    with TestClient(app) as c:
        r = c.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"})
        assert r.status_code == 200, r.text
        TOKEN["canbo1"] = r.json()["token"]
    app.state.office.db.dispose()
    with closing(sqlite3.connect(base / "office.db")) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return base / "office.db"


@pytest.fixture
def client(tmp_path, template):
    path = tmp_path / "office.db"
    shutil.copyfile(template, path)
    app = create_app(OfficeSettings(database_url=sqlite_url(path), migrate=False, demo=True, **WARD),
                     clock=Clock(START))
    with TestClient(app) as c:
        c.cookies.clear()
        yield c


# the catalogue's own document names (the checklist's): the receipt lists what was received in those words
DECLARATION = "Tờ khai – máy giúp ông/bà điền; ký tên tại quầy"
BIRTH_PAPER = "Giấy chứng sinh (bản chính); nếu không có: văn bản người làm chứng hoặc giấy cam đoan về việc sinh"
PROXY = ("Văn bản ủy quyền, nếu nộp thay người khác (không cần chứng thực nếu là ông, bà, cha, mẹ, con, vợ, chồng, "
         "anh, chị, em ruột)")


def staff():
    return {"Authorization": f"Bearer {TOKEN['canbo1']}"}


def submit(client, key="k1") -> str:
    r = client.post("/api/dossiers", headers=KIOSK,
                    json={"idempotency_key": key, "procedure_code": "1.001193",
                          "applicant": copy.deepcopy(APPLICANT), "fields": copy.deepcopy(BIRTH)})
    assert r.status_code == 201, r.text
    return r.json()["code"]


def receive(client, code):
    """The officer's "Tiếp nhận"."""
    r = client.post(f"/api/dossiers/{code}/accept", headers=staff(),
                    json={"documents_received": [DECLARATION, BIRTH_PAPER],
                          "sets": 2})
    assert r.status_code == 200, r.text


def ask_more(client, code, missing):
    r = client.post(f"/api/dossiers/{code}/more-documents", headers=staff(), json={"missing_documents": missing})
    assert r.status_code == 200, r.text


def refuse(client, code, reason):
    r = client.post(f"/api/dossiers/{code}/reject", headers=staff(), json={"reason": reason})
    assert r.status_code == 200, r.text


def pdf_text(r) -> str:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    reader = PdfReader(io.BytesIO(r.content))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def assert_error(r, status, code, field):
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and body["field"] == field and body["detail"], body
    assert "Traceback" not in r.text


def test_staff_print_the_declaration_of_a_kiosk_dossier(client):
    code = submit(client)
    r = client.get(f"/api/dossiers/{code}/forms/declaration.pdf", headers=staff())
    text = pdf_text(r)
    assert r.headers["content-disposition"] == f'inline; filename="{code}-declaration.pdf"'
    for expected in ("TỜ KHAI ĐĂNG KÝ KHAI SINH", f"(Mã hồ sơ: {code})", "Kính gửi: UBND phường Bến Thành",
                     "Họ, chữ đệm và tên người yêu cầu: Nguyễn Thị Hòa",
                     "Họ, chữ đệm và tên của trẻ: Trần Minh Khuê", "Ngày sinh của trẻ: 20/02/2024",
                     "Làm tại: Bến Thành, ngày 02 tháng 3 năm 2026", "NGƯỜI YÊU CẦU"):
        assert expected in text, expected


def test_the_receipt_of_a_received_dossier_names_the_officer_and_the_appointment(client):
    code = submit(client)
    receive(client, code)
    text = pdf_text(client.get(f"/api/dossiers/{code}/forms/receipt.pdf", headers=staff()))
    dossier = client.get(f"/api/dossiers/{code}", headers=staff()).json()
    day = dt.date.fromisoformat(dossier["appointment_date"])
    for expected in ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code}",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Tiếp nhận hồ sơ của: Nguyễn Thị Hòa",
                     "Số điện thoại: 0903123456", "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
                     "4. Thời gian nhận hồ sơ: Hồi 09 giờ 00 phút, ngày 02 tháng 3 năm 2026",
                     "Số 1 đường Lê Lợi, phường Bến Thành", "028 3822 1234",
                     "Nguyễn Văn An"):  # canbo1, who received it
        assert expected in text, expected
    # the appointment, with its hour
    assert re.search(r"5\. Thời gian trả kết quả giải quyết hồ sơ: Hồi \d\d giờ \d\d phút, ngày "
                     rf"{day.day:02d} tháng {day.month} năm {day.year}", text), text
    # the papers by their official names (the catalogue's name_vi), not the kiosk's hints
    assert "1) Tờ khai đăng ký khai sinh 2) Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh (bản chính)" in text
    assert "ki-ốt" not in text
    assert "2. Số lượng hồ sơ: 02 (bộ)" in text


def test_no_receipt_before_the_officer_receives_the_dossier(client):
    code = submit(client)
    declared = client.get(f"/api/dossiers/{code}", headers=staff()).json()
    assert declared["status"] == "declared" and declared["forms"] == ["declaration"]  # the console's buttons
    assert_error(client.get(f"/api/dossiers/{code}/forms/receipt.pdf", headers=staff()), 409,
                 "form_not_applicable", "form")
    receive(client, code)
    assert client.get(f"/api/dossiers/{code}", headers=staff()).json()["forms"] == ["receipt", "declaration"]
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf_text(
        client.get(f"/api/dossiers/{code}/forms/receipt.pdf", headers=staff()))


def test_the_supplement_only_once_papers_were_asked_for(client):
    code = submit(client)
    receive(client, code)
    assert_error(client.get(f"/api/dossiers/{code}/forms/supplement.pdf", headers=staff()), 409,
                 "form_not_applicable", "form")
    ask_more(client, code, [BIRTH_PAPER, PROXY])
    assert client.get(f"/api/dossiers/{code}", headers=staff()).json()["forms"] == [
        "receipt", "supplement", "declaration"]
    text = pdf_text(client.get(f"/api/dossiers/{code}/forms/supplement.pdf", headers=staff()))
    for expected in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Hồ sơ của: Nguyễn Thị Hòa",
                     "1. Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh (bản chính) 2. Văn bản ủy quyền Lý do:", "NGƯỜI HƯỚNG DẪN", "Nguyễn Văn An"):
        assert expected in text, expected


def test_the_refusal_only_for_a_refused_dossier(client):
    code = submit(client)
    assert_error(client.get(f"/api/dossiers/{code}/forms/refusal.pdf", headers=staff()), 409,
                 "form_not_applicable", "form")
    refuse(client, code, "Không thuộc thẩm quyền giải quyết của phường")
    assert client.get(f"/api/dossiers/{code}", headers=staff()).json()["forms"] == ["refusal", "declaration"]
    text = pdf_text(client.get(f"/api/dossiers/{code}/forms/refusal.pdf", headers=staff()))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền giải quyết của phường" in text
    # the declaration stays printable whatever happened
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in pdf_text(
        client.get(f"/api/dossiers/{code}/forms/declaration.pdf", headers=staff()))


def test_unknown_dossier_or_form_is_404_json(client):
    assert_error(client.get("/api/dossiers/BT-20260302-9999/forms/receipt.pdf", headers=staff()), 404,
                 "dossier_not_found", None)
    code = submit(client)
    assert_error(client.get(f"/api/dossiers/{code}/forms/invoice.pdf", headers=staff()), 404, "unknown_form", "form")


def test_only_staff_get_the_papers(client):
    code = submit(client)
    url = f"/api/dossiers/{code}/forms/declaration.pdf"
    for headers in ({}, KIOSK, {"Authorization": "Bearer not-a-session"}):
        r = client.get(url, headers=headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["code"] == "login_required" and b"%PDF" not in r.content


def test_the_forms_take_the_wards_identity_from_the_config_file(tmp_path):
    from kiosk.config import Settings, Ward
    from kiosk.office.api.dossier_forms import ward_identity

    config = Settings(ward=Ward(name="UBND xã Tân Phú", department="Bộ phận Một cửa", address="Ấp 3, xã Tân Phú",
                                phone="0277 3850 123"))
    settings = OfficeSettings.from_settings(config, database_url=sqlite_url(tmp_path / "o.db"))
    assert ward_identity(settings) == {"name": "UBND xã Tân Phú", "department": "Bộ phận Một cửa",
                                       "address": "Ấp 3, xã Tân Phú", "phone": "0277 3850 123",
                                       "timezone": "Asia/Ho_Chi_Minh"}


def test_the_receipt_for_the_thermal_printer_and_no_other_paper(client):
    code = submit(client)
    receive(client, code)
    r = client.get(f"/api/dossiers/{code}/forms/receipt.pdf?paper=80mm", headers=staff())
    assert r.status_code == 200 and r.headers["content-disposition"] == f'inline; filename="{code}-receipt-80mm.pdf"'
    page = PdfReader(io.BytesIO(r.content)).pages[0]
    assert round(float(page.mediabox.width) * 25.4 / 72) == 80 and f"Mã hồ sơ: {code}" in pdf_text(r)
    assert_error(client.get(f"/api/dossiers/{code}/forms/declaration.pdf?paper=80mm", headers=staff()), 422,
                 "paper_not_available", "paper")
    assert client.get(f"/api/dossiers/{code}/forms/receipt.pdf?paper=a5", headers=staff()).json()["field"] == "paper"
