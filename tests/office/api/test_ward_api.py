"""The ward's identity at the office's API: GET /api/ward for anyone, PUT /api/admin/ward for admins
only (422 naming the field, Origin checked, audited), a "ward" event on the live stream, and the
pages, badges and i18n script reading the stored identity, not the config."""

import datetime as dt
import io

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from office_testing import Clock, demo_sqlite

CONFIG = {"ward_name": "UBND phường Bến Thành", "ward_department": "Trung tâm Phục vụ hành chính công",
          "ward_address": "Số 1 đường Lê Lợi", "ward_phone": "028 3822 1234",
          "ward_hours_text": "Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00"}
NEW = {"name": "UBND phường Sài Gòn", "department": "Trung tâm Phục vụ hành chính công phường Sài Gòn",
       "address": "45 Lê Duẩn, phường Sài Gòn", "phone": "028 3829 9999", "hours_text": "Thứ Hai – Thứ Bảy: 7:00–17:00"}


@pytest.fixture
def client(tmp_path, tmp_path_factory):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    app = create_app(OfficeSettings(database_url=url, demo=True, **CONFIG),
                     clock=Clock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)))
    with TestClient(app) as c:
        yield c


def login(client, user):
    r = client.post("/api/auth/login", json={"username": user, "password": f"{user}-demo"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_the_config_seeds_the_identity_anyone_may_read(client):
    r = client.get("/api/ward")
    assert r.status_code == 200
    assert r.json() == {"name": "UBND phường Bến Thành", "department": "Trung tâm Phục vụ hành chính công",
                        "address": "Số 1 đường Lê Lợi", "phone": "028 3822 1234",
                        "hours_text": "Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00", "has_logo": False}


def test_an_admin_changes_it_audited_and_announced(client):
    admin = login(client, "admin")
    with client.stream("GET", "/api/events?kinds=ward") as stream:
        r = client.put("/api/admin/ward", json=NEW, headers=admin)
        assert r.status_code == 200, r.text
        text = ""
        for chunk in stream.iter_text():
            text += chunk
            if "event: ward" in text and "\n\n" in text.split("event: ward", 1)[1]:
                break
    assert "UBND phường Sài Gòn" in text and "028 3829 9999" in text
    assert client.get("/api/ward").json() == {**NEW, "has_logo": False}
    entries = client.get("/api/admin/audit", headers=admin).json()["entries"]
    change = next(e for e in entries if e["entity"] == "ward")
    assert change["actor"] == "user:admin" and change["details"]["name"] == "UBND phường Sài Gòn"
    # a partial change keeps the rest
    assert client.put("/api/admin/ward", json={"phone": ""}, headers=admin).json() == {**NEW, "phone": "",
                                                                                        "has_logo": False}


def test_only_admins_and_only_from_the_offices_own_pages(client):
    assert client.put("/api/admin/ward", json=NEW).status_code == 401
    assert client.put("/api/admin/ward", json=NEW, headers=login(client, "canbo1")).status_code == 403
    login(client, "admin")  # the browser now holds the admin's cookie
    evil = client.put("/api/admin/ward", json=NEW, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and evil.json()["code"] == "foreign_origin"
    assert client.get("/api/ward").json()["name"] == "UBND phường Bến Thành"


@pytest.mark.parametrize("body, field", [({"name": ""}, "name"), ({"department": "  "}, "department"),
                                         ({"phone": "gọi tôi"}, "phone"), ({"address": "x" * 301}, "address"),
                                         ({"logo": "/etc/passwd"}, "logo"), ({"name": 5}, "name")])
def test_bad_input_is_a_422_naming_the_field(client, body, field):
    r = client.put("/api/admin/ward", json=body, headers=login(client, "admin"))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field and r.json()["detail"] and "Traceback" not in r.text


def test_pages_badges_and_texts_follow_the_stored_identity(client):
    admin = login(client, "admin")
    assert client.put("/api/admin/ward", json=NEW, headers=admin).status_code == 200
    for path in ("/board", "/counter", "/admin", "/"):
        page = client.get(path).text
        assert "UBND phường Sài Gòn" in page and "Bến Thành" not in page, path
    board = client.get("/board").text
    assert NEW["department"] in board and "45 Lê Duẩn, phường Sài Gòn · ĐT: 028 3829 9999" in board
    # citizen texts say {department}: the script hands the identity to common.js's t()
    script = client.get("/web/i18n.js").text
    assert '"dossier.next.ready": "Mời ông/bà mang giấy tiếp nhận và giấy tờ tùy thân đến {department}' in script
    assert 'window.WARD = {"name": "UBND phường Sài Gòn"' in script
    vol = client.get("/api/admin/volunteers", headers=admin).json()["volunteers"][0]
    badge = client.get(f"/admin/volunteers/{vol['id']}/badge").text
    assert "UBND phường Sài Gòn" in badge and NEW["department"] in badge


# a 16×16 PNG (Pillow is a dependency of the printer code)
def _png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("logo, images", [(_png(), 1), (b"\x89PNG\r\n\x1a\n but broken", 0)])
def test_the_config_logo_heads_the_pdfs_and_a_broken_one_is_left_out(tmp_path, tmp_path_factory, logo, images):
    path = tmp_path / "logo.png"
    path.write_bytes(logo)
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    app = create_app(OfficeSettings(database_url=url, demo=True, ward_logo=str(path), **CONFIG),
                     clock=Clock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)))
    with TestClient(app) as client:
        assert client.get("/api/ward").json()["has_logo"] is True
        procedure = next(p for p in client.get("/api/procedures").json()["procedures"] if p["code"] == "2.000815")
        r = client.post("/api/dossiers", headers={"Authorization": "Bearer demo-kiosk-key"}, json={
            "idempotency_key": "logo-1", "procedure_code": "2.000815",
            "applicant": {"full_name": "Lê Văn Tám", "id_number": "079090001234", "date_of_birth": "1990-01-01",
                          "sex": "Nam", "address": "12 Lê Lợi"},
            "fields": {"document_name": "Bằng tốt nghiệp", "number_of_pages": 2, "number_of_copies": 3}})
        assert r.status_code == 201, r.text
        code = r.json()["code"]
        staff = login(client, "canbo1")
        r = client.post(f"/api/dossiers/{code}/accept", headers=staff,
                        json={"documents_received": [procedure["documents"][0]["vi"]], "sets": 1})
        assert r.status_code == 200, r.text
        r = client.get(f"/api/dossiers/{code}/forms/receipt.pdf", headers=staff)
        assert r.status_code == 200, r.text
        page = PdfReader(io.BytesIO(r.content)).pages[0]
        assert len(page.images) == images
        assert "UBND PHƯỜNG BẾN THÀNH" in page.extract_text()


def test_the_logo_heads_the_board_and_the_public_pages(tmp_path, tmp_path_factory):
    path = tmp_path / "logo.png"
    path.write_bytes(_png())
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    with TestClient(create_app(OfficeSettings(database_url=url, demo=True, ward_logo=str(path), **CONFIG))) as client:
        r = client.get("/api/ward/logo.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content == _png()
        for page in ("/board", "/counter"):
            assert '<img class="ward-logo" src="/api/ward/logo.png" alt="">' in client.get(page).text, page


def test_without_a_logo_no_image_and_a_404_naming_it(client):
    r = client.get("/api/ward/logo.png")
    assert r.status_code == 404 and r.json()["field"] == "logo" and r.json()["code"] == "no_logo"
    assert "ward-logo" not in client.get("/board").text
