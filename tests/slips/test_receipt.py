"""The dossier declaration slip (kiosk/slips/receipt.py): what it says, and what the printed paper gives back.

The paper is read back from the real ESC/POS bytes (devices.printer.preview) and its QR decoded
with zxing-cpp, then classified by kiosk.domain.scan as the kiosk's scanner would.
"""

import json
import unicodedata
from datetime import date

import pytest
import zxingcpp

from devices.printer.blocks import QR, Cut, Text
from devices.printer.preview import interpret
from devices.printer.render import encode, paper_dots
from kiosk.domain.catalogue import load_catalogue
from kiosk.config import Settings
from kiosk.link.outbox import Outbox
from kiosk.paths import DATA
from kiosk.slips.receipt import (day_text, dossier_for_receipt, fee_text, next_step, next_steps, receipt_blocks,
                                 tracking_qr)
from kiosk.domain.scan import classify

WARD = Settings().ward
BASE = "http://192.168.1.10:8080"
ID_NUMBER = "079186001234"
MASKED = "079******234"
NAME = "Nguyễn Thị Hồng Nhung"
PROCEDURES = {p["code"]: p for p in json.loads((DATA / "procedures.json").read_text(encoding="utf-8"))["procedures"]}
COPY = PROCEDURES["2.000635"]  # copy of a birth certificate: 8.000 đồng, some papers in original
TOKEN = "q3Zr-9xV_kT2mW8pLc4NbA"  # the office's public_token (secrets.token_urlsafe(16))
SENT = {
    "code": "BT-20261130-0007", "public_token": TOKEN, "local_ref": "KS1-20261130-0003", "status": "declared",
    "declared_at": "2026-11-30T02:38:00+00:00", "expected_date": "2026-12-01",
    "applicant": {"full_name": NAME, "id_number": ID_NUMBER},
}
SAVED = {**SENT, "code": None, "status": None}
BIRTH = PROCEDURES["1.001193"]


def blocks(dossier=SENT, procedure=COPY, lang="vi", base=BASE, counters=(1, 3)):
    return receipt_blocks(dossier, procedure, WARD, lang, tracking_url_base=base, counters=counters)


def texts(bl):
    return [b.text for b in bl if isinstance(b, Text)]


def qrs(bl):
    return [b.data for b in bl if isinstance(b, QR)]


def paper(bl, width):
    return interpret(encode(bl, paper_width=width), paper_dots(width), strict=True)


def decoded(img):
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def test_the_slip_is_a_declaration_not_an_official_receipt():
    bl = blocks()
    lines = texts(bl)
    assert lines[0] == "UBND PHƯỜNG BẾN THÀNH" and WARD.department in lines and WARD.address in lines
    assert "PHIẾU XÁC NHẬN KHAI HỒ SƠ" in lines
    assert "Hồ sơ chưa được tiếp nhận: cán bộ sẽ kiểm tra bản chính tại quầy." in lines
    # not an official form: no national motto, no receipt title, no portal where the code does not exist
    assert not any("CỘNG HÒA" in t or "Độc lập" in t or "GIẤY TIẾP NHẬN" in t for t in lines)
    assert not any("dichvucong" in t.lower() or "Cổng Dịch vụ công" in t for t in lines)
    assert "BT-20261130-0007" in lines
    assert "Thủ tục: Cấp bản sao Giấy khai sinh, bản sao trích lục hộ tịch" in lines
    assert f"Người khai: {NAME}" in lines
    assert f"Số định danh: {MASKED}" in lines
    assert "Khai lúc: 09:38, 30/11/2026" in lines  # 02:38 UTC in Hồ Chí Minh City
    assert "Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại quầy số 1 hoặc 3." in lines
    assert "Ngày hẹn dự kiến nếu hồ sơ đầy đủ: Thứ Ba, 01/12/2026" in lines
    assert f"Lệ phí: {COPY['fee_text_vi']}" in lines
    assert "• Tại máy tự phục vụ: quét mã QR này" in lines
    assert "Xin ông/bà giữ phiếu này và mang theo khi nộp bản chính." in lines
    assert f"{BASE}/d/{TOKEN}" in lines  # the unguessable token, never the sequential code
    assert qrs(bl) == [f"{BASE}/d/{TOKEN}"] and not any("/d/BT-" in t for t in lines)
    assert isinstance(bl[-1], Cut)
    assert all(t == unicodedata.normalize("NFC", t) for t in lines)


def test_the_papers_are_split_into_required_and_if_applicable():
    lines = texts(blocks(procedure=BIRTH))
    required, if_any = lines.index("Bắt buộc:"), lines.index("Nếu có:")
    assert required < if_any
    between = lines[required + 1:if_any]
    assert any(t.startswith("• Giấy chứng sinh (bản chính)") for t in between)
    assert "• Thẻ căn cước / CCCD hoặc hộ chiếu còn hạn (xuất trình bản chính)" in between  # not "(bản chính)" twice
    after = lines[if_any + 1:if_any + 3]
    assert after[0].startswith("• Văn bản ủy quyền, nếu nộp thay người khác") and after[0].endswith("(bản chính)")
    assert after[1].startswith("• Giấy tờ chứng minh nơi cư trú – chỉ khi cán bộ không tra cứu được")
    marriage = texts(blocks(procedure=PROCEDURES["1.000894"]))
    assert not any("Không cần Giấy xác nhận tình trạng hôn nhân" in t for t in marriage)  # a note, not a paper
    en = texts(blocks(procedure=BIRTH, lang="en"))
    assert "Required:" in en and "If applicable:" in en


def test_english_slip_when_asked():
    lines = texts(blocks(lang="en"))
    assert "DOSSIER DECLARATION SLIP" in lines
    assert "Procedure: Certified copy of a birth certificate or civil-status extract" in lines
    assert f"Declared by: {NAME}" in lines and f"ID number: {MASKED}" in lines
    assert "Take a queue number for Civil status and hand in the originals at counter 1 or 3." in lines
    assert "Expected result date if the dossier is complete: Tuesday 1 December 2026" in lines
    assert f"Fee: {COPY['fee_text_en']}" in lines
    assert not any("Hẹn" in t or "Thủ tục" in t for t in lines)


def test_saved_slip_when_the_office_was_unreachable():
    bl = blocks(SAVED)
    lines = texts(bl)
    assert "PHIẾU XÁC NHẬN KHAI HỒ SƠ" in lines
    assert any("sẽ được gửi tự động" in t for t in lines)
    assert "KS1-20261130-0003" in lines and "Số tham chiếu" in lines
    assert any("tra cứu bằng số tham chiếu" in t.lower() for t in lines)
    assert "Mã hồ sơ" not in lines
    assert "Khai lúc: 09:38, 30/11/2026" in lines
    assert "Ngày hẹn dự kiến nếu hồ sơ đầy đủ: Thứ Ba, 01/12/2026" in lines
    assert f"Người khai: {NAME}" in lines
    # Only the kiosk can resolve a local reference before the office has the dossier: no phone URL.
    assert qrs(bl) == ["MCHS:KS1-20261130-0003"]
    assert not any(BASE in t for t in lines)


def test_saved_slip_in_english():
    lines = texts(blocks(SAVED, lang="en"))
    assert any("It is saved and will be sent automatically" in t for t in lines)
    assert "Reference" in lines and "KS1-20261130-0003" in lines


def test_the_screen_lines_say_what_the_slip_says():
    steps = next_steps(SENT, BIRTH, "vi", counters=[{"number": 3}, {"number": 1}])
    lines = texts(blocks(procedure=BIRTH))
    assert steps[0] == "Hồ sơ chưa được tiếp nhận: cán bộ sẽ kiểm tra bản chính tại quầy."
    assert steps[1] == "Bước tiếp theo: Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại quầy số 1 hoặc 3."
    assert all(t in lines for t in steps[2:]), [t for t in steps[2:] if t not in lines]
    assert "Ngày hẹn dự kiến nếu hồ sơ đầy đủ: Thứ Ba, 01/12/2026" in steps
    assert next_step(BIRTH, None, "vi").startswith("Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại ")


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("variant", ["sent", "saved"])
def test_printed_qr_scans_back_as_this_dossier(width, lang, variant):
    dossier = SENT if variant == "sent" else SAVED
    img = paper(blocks(dossier, lang=lang), width)
    assert img.width == paper_dots(width)
    (content,) = decoded(img)
    assert content == (f"{BASE}/d/{TOKEN}" if variant == "sent" else f"MCHS:{SENT['local_ref']}")
    scan = classify(content)
    assert scan.kind == "dossier"
    assert scan.code == (TOKEN if variant == "sent" else SENT["local_ref"])  # the token as printed, case kept


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("variant", [SENT, SAVED])
def test_full_id_number_is_nowhere_in_text_or_bytes(width, variant):
    bl = blocks(variant)
    assert not any(ID_NUMBER in t for t in texts(bl)) and not any(ID_NUMBER in q for q in qrs(bl))
    raster = encode(bl, paper_width=width)
    assert ID_NUMBER.encode() not in raster
    # In text mode the words go to the printer as characters: the masked number is there, the full one not.
    as_text = encode(bl, paper_width=width, mode="text")
    assert MASKED.encode() in as_text and ID_NUMBER.encode() not in as_text


def test_decomposed_names_print_composed():
    nfd = {**SENT, "applicant": {"full_name": unicodedata.normalize("NFD", NAME), "id_number": ID_NUMBER}}
    assert f"Người khai: {NAME}" in texts(blocks(nfd))


def test_computed_fee_overrides_the_catalogue_text():
    assert "Lệ phí: 16.000 đồng" in texts(blocks({**SENT, "fee_vnd": 16000}))
    assert "Fee: 16,000 VND" in texts(blocks({**SENT, "fee_vnd": 16000}, lang="en"))
    assert "Lệ phí: Miễn lệ phí" in texts(blocks({**SENT, "fee_vnd": 0}))
    assert fee_text(2_000_000, "vi") == "2.000.000 đồng"


def test_procedure_without_papers_says_so():
    procedure = {**COPY, "documents": [{"vi": "Không cần giấy xác nhận", "en": "No certificate", "original_required": False,
                                        "needed": "never"}]}
    lines = texts(blocks(procedure=procedure))
    assert "Không cần mang thêm giấy tờ." in lines and "Bắt buộc:" not in lines


def test_catalogue_procedure_objects_work_like_dicts():
    procedure = load_catalogue().by_code(COPY["code"])
    assert texts(blocks(procedure=procedure)) == texts(blocks())
    assert texts(blocks(procedure=procedure, lang="en")) == texts(blocks(lang="en"))


def test_every_catalogue_procedure_prints_on_58mm():
    for procedure in PROCEDURES.values():
        for dossier in (SENT, SAVED):
            img = paper(blocks(dossier, procedure), 58)
            assert decoded(img), procedure["code"]


def test_weekdays_and_dates():
    assert day_text("2026-12-06") == "Chủ nhật, 06/12/2026"
    assert day_text(date(2026, 12, 7)) == "Thứ Hai, 07/12/2026"
    assert day_text("2027-02-12T00:00:00+07:00", "en") == "Friday 12 February 2027"


def test_qr_falls_back_to_the_scanner_prefix_without_a_web_address():
    assert tracking_qr("BT-20261130-0007", BASE + "/", token=TOKEN) == f"{BASE}/d/{TOKEN}"
    assert tracking_qr("BT-20261130-0007", "", token=TOKEN) == "MCHS:BT-20261130-0007"
    # no token (an older office): never a URL of the code, which the public page does not answer
    assert tracking_qr("BT-20261130-0007", BASE) == "MCHS:BT-20261130-0007"
    assert tracking_qr("BT 2026/7", BASE) is None  # not a code the scanner would accept: no QR
    bl = blocks({**SENT, "code": "BT 2026/7", "public_token": None})
    assert qrs(bl) == [] and "BT 2026/7" in texts(bl)
    assert not any("quét mã QR" in t for t in texts(bl))


def test_receipt_from_outbox_entries_before_and_after_sending(tmp_path):
    with Outbox(tmp_path / "outbox.db", kiosk_id="KS1") as outbox:
        entry = outbox.put("dossier", {"procedure_code": COPY["code"], "applicant": SENT["applicant"]})
        applicant = entry.payload["applicant"]
        saved = blocks(dossier_for_receipt(entry, applicant))
        assert entry.local_ref in texts(saved) and qrs(saved) == [f"MCHS:{entry.local_ref}"]

        sent = outbox.mark_sent(entry.id, {"code": "BT-20261130-0009", "status": "declared",
                                           "declared_at": "2026-11-30T08:10:00+00:00", "received_at": None,
                                           "appointment_date": None, "public_token": TOKEN,
                                           "procedure_name_vi": "not kept"})
        assert sent.response["public_token"] == TOKEN and "procedure_name_vi" not in sent.response
        assert sent.payload is None  # the name now comes from the session, not the outbox
        bl = blocks(dossier_for_receipt(sent, applicant, fee_vnd=8000, expected_date=date(2026, 12, 2)))
        lines = texts(bl)
        assert "BT-20261130-0009" in lines and "Khai lúc: 15:10, 30/11/2026" in lines
        assert "Ngày hẹn dự kiến nếu hồ sơ đầy đủ: Thứ Tư, 02/12/2026" in lines and "Lệ phí: 8.000 đồng" in lines
        assert decoded(paper(bl, 80)) == [f"{BASE}/d/{TOKEN}"]  # a re-print from the outbox has the token


def test_the_counters_come_from_the_queue_not_from_the_catalogue_text():
    old_text = {**COPY, "handover_vi": "Quầy số 2 – {department}",
                "handover_en": "Counter 2 – {department}"}  # a catalogue seeded before, with the placeholder
    lines = texts(blocks(procedure=old_text, counters=[3, 1]))
    assert "Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại quầy số 1 hoặc 3." in lines
    assert not any("Quầy số 2" in t or "quầy số 2" in t for t in lines)
    lines = texts(blocks(procedure=old_text, counters=[1, 2, 3], lang="en"))
    assert "Take a queue number for Civil status and hand in the originals at counters 1, 2 or 3." in lines
    lines = texts(blocks(procedure=old_text, counters=None))  # the office's counters not known: the place alone
    assert f"Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại {WARD.department}." in lines  # filled
