"""The ward's identity on paper (issue 15): tickets and declaration slips print the name, the
department, the address and the phone the kiosk got from the office, and fill the catalogue's
{department}, {address}... placeholders."""

import json

from devices.printer.blocks import Text
from devices.printer.render import encode
from escpos_text import printed_lines
from kiosk.domain.ward import WardIdentity
from kiosk.paths import DATA
from kiosk.slips.receipt import next_steps, receipt_blocks
from kiosk.slips.ticket import ticket_blocks

WARD = WardIdentity(name="UBND phường Tân Định", department="Trung tâm Phục vụ hành chính công phường Tân Định",
                    address="28 Trần Quang Khải, phường Tân Định", phone="028 3848 0000")
TICKET = {"number": "B007", "service_name_vi": "Chứng thực", "public_token": "q7Xk2mPz9LrT4vWb",
          "issued_at": "2026-11-30T02:38:00+00:00", "counters": [], "ahead": 0}
COPY = next(p for p in json.loads((DATA / "procedures.json").read_text(encoding="utf-8"))["procedures"]
            if p["code"] == "2.000635")
PLACEHOLDERS = {**COPY, "handover_vi": "{department}", "handover_en": "{department}",
                "fee_text_vi": "Nộp tại {department}, {address} (ĐT {phone})"}
DOSSIER = {"code": "BT-20261130-0007", "public_token": "q3Zr-9xV_kT2mW8pLc4NbA", "local_ref": "KS1-20261130-0003",
           "declared_at": "2026-11-30T02:38:00+00:00", "applicant": {"full_name": "Lê Văn Tám"}}


def texts(blocks):
    return [b.text for b in blocks if isinstance(b, Text)]


def test_the_ticket_prints_the_identity_under_the_name():
    lines = texts(ticket_blocks(TICKET, WARD, public_url_base="http://office.local"))
    assert lines[:4] == [WARD.name, WARD.department, WARD.address, "Điện thoại: 028 3848 0000"]
    english = texts(ticket_blocks(TICKET, WARD, "en", public_url_base="http://office.local"))
    assert "Phone: 028 3848 0000" in english


def test_a_ward_without_address_or_phone_prints_no_empty_lines():
    bare = WardIdentity(name="UBND xã Tân Phú")
    lines = texts(ticket_blocks(TICKET, bare, public_url_base="http://office.local"))
    assert lines[:3] == ["UBND xã Tân Phú", "Trung tâm Phục vụ hành chính công", "SỐ THỨ TỰ"]


def test_the_slip_fills_the_catalogues_placeholders_on_paper_and_on_screen():
    blocks = receipt_blocks(DOSSIER, PLACEHOLDERS, WARD, tracking_url_base="http://office.local")
    lines = texts(blocks)
    assert lines[:4] == [WARD.name.upper(), WARD.department, WARD.address, "Điện thoại: 028 3848 0000"]
    assert f"Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại {WARD.department}." in lines
    paper = " ".join(printed_lines(encode(blocks, mode="text")))  # as the printer gets it
    assert "{" not in paper and WARD.department in paper
    screen = next_steps(DOSSIER, PLACEHOLDERS, ward=WARD)
    assert any(WARD.department in line for line in screen) and not any("{" in line for line in screen)
