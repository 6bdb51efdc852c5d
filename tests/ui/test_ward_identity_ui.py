"""The ward's identity, one source (issue 15): ONE change through PUT /api/admin/ward, and the new
name, department, address and phone show on every surface of a running system, with no restart:
the kiosk's top bar (offscreen Kivy, after its next heartbeat), the ticket the kiosk then prints
(python-escpos Dummy bytes, read back as a printer would), the board and the staff console (real
HTTP) and a PDF form (pypdf)."""

import io

import pytest
import requests
from escpos.printer import Dummy
from pypdf import PdfReader

from devices.printer import EscposPrinter
from escpos_text import printed_lines
from kiosk.link.client import OfficeClient
from office_testing import staff_session

pytestmark = pytest.mark.ui

NEW = {"name": "UBND phường Sài Gòn", "department": "Trung tâm Phục vụ hành chính công phường Sài Gòn",
       "address": "45 Lê Duẩn, phường Sài Gòn", "phone": "028 3829 9999",
       "hours_text": "Thứ Hai – Thứ Bảy: 7:00–17:00"}
APPLICANT = {"full_name": "Lê Văn Tám", "id_number": "079090001234", "date_of_birth": "1990-01-01", "sex": "Nam",
             "address": "12 Lê Lợi, phường Sài Gòn"}


@pytest.fixture
def kiosk(kiosk_ui, office):
    """The session's app pointed at the real office, printing in text mode to a python-escpos Dummy."""
    app = kiosk_ui.app
    saved = app.client, app.printer, app.public_base_url, app.services, app.kiosk.ward
    dummies = []

    def connect():
        dummies.append(Dummy())
        return dummies[-1]

    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.printer = EscposPrinter(connect, reads_back=False, where="dummy", paper_width=80, mode="text")
    app.public_base_url = office.url
    app.services = []
    kiosk_ui.dummies = dummies
    yield kiosk_ui
    app.end_session()
    app.client, app.printer, app.public_base_url, app.services, ward = saved
    app.kiosk.ward = ward  # the session's app serves other tests: its identity back as it was
    app.show_ward(ward)


def top_bar(kiosk):
    return kiosk.find("ward_label").text


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_one_change_in_admin_shows_everywhere_without_a_restart(kiosk, office):
    app = kiosk.app
    before = top_bar(kiosk)
    assert NEW["name"] not in before

    admin = staff_session(office, "admin", "admin-demo")
    r = admin.put(f"{office.url}/api/admin/ward", json=NEW)
    assert r.status_code == 200, r.text

    # the running kiosk: its next heartbeat brings the change to the top bar
    app.upkeep.heartbeat()
    kiosk.wait_until(lambda: NEW["name"] in top_bar(kiosk), timeout=15)
    assert top_bar(kiosk) == NEW["name"] + "\n" + NEW["department"]
    assert NEW["name"] in kiosk.all_text()

    # the ticket it prints: name, department, address and phone, read back from the printer's bytes
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    kiosk.tap("service_ho-tich")
    kiosk.wait_until(lambda: app.screen("ticket").print_state == "printed", timeout=15)
    paper = " ".join(printed_lines(kiosk.dummies[-1].output))
    for value in (NEW["name"], NEW["department"], NEW["address"], "Điện thoại: " + NEW["phone"]):
        assert value in paper, (value, paper)
    assert "Bến Thành" not in paper

    # the board and the staff console, over real HTTP
    for path in ("/board", "/counter"):
        page = requests.get(f"{office.url}{path}", timeout=5).text
        for value in (NEW["name"], NEW["department"], NEW["address"], NEW["phone"]):
            assert value in page, (path, value)

    # a PDF: the official receipt (Mẫu 01) of a dossier received at the counter
    kiosk_client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    code = kiosk_client.submit_dossier({
        "idempotency_key": "ward-identity-1", "procedure_code": "2.000815", "applicant": APPLICANT,
        "fields": {"document_name": "Bằng tốt nghiệp", "number_of_pages": 2, "number_of_copies": 3}})["code"]
    procedure = next(p for p in kiosk_client.procedures()["procedures"] if p["code"] == "2.000815")
    staff = staff_session(office, "canbo1", "canbo1-demo")
    r = staff.post(f"{office.url}/api/dossiers/{code}/accept",
                   json={"documents_received": [procedure["documents"][0]["vi"]], "sets": 1})
    assert r.status_code == 200, r.text
    r = staff.get(f"{office.url}/api/dossiers/{code}/forms/receipt.pdf")
    assert r.status_code == 200, r.text
    text = pdf_text(r.content)
    for value in (NEW["name"].upper(), NEW["department"].upper(), NEW["address"], NEW["phone"]):
        assert value in text, (value, text[:400])
