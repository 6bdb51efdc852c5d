"""What the queue ticket says (kiosk/slips/ticket.py): plain data, no printer involved."""

import unicodedata

import pytest

from devices.printer.blocks import QR, Cut, Text
from kiosk.config import Settings
from kiosk.slips.ticket import ticket_blocks

WARD = Settings().ward

TICKET = {
    "id": 17, "number": "A012", "service": "HT", "service_name_vi": "Hộ tịch",
    "service_name_en": "Civil status", "status": "waiting", "priority": None, "ahead": 5,
    "estimated_wait_minutes": 15, "public_token": "q7Xk2mPz9LrT4vWb",
    "issued_at": "2026-11-30T02:38:00+00:00", "counters": [1, 2],
}


def texts(blocks):
    return [b.text for b in blocks if isinstance(b, Text)]


def test_vietnamese_ticket_says_everything_a_citizen_needs():
    blocks = ticket_blocks(TICKET, WARD, public_url_base="http://office.local:8080/")
    lines = texts(blocks)
    assert lines[0] == "UBND phường Bến Thành"
    assert WARD.department in lines and WARD.address in lines  # the ward's identity (kiosk.domain.ward)
    assert "Hộ tịch" in lines
    assert "Mời ông/bà đến quầy số 1 hoặc 2" in lines  # one of them, not both
    assert "Trước ông/bà còn 5 người" in lines
    assert "Dự kiến chờ khoảng 15 phút" in lines
    assert "30/11/2026  09:38" in lines  # 02:38 UTC is 09:38 in Hồ Chí Minh City
    assert not any("Ưu tiên" in t for t in lines)
    qrs = [b for b in blocks if isinstance(b, QR)]
    assert [q.data for q in qrs] == ["http://office.local:8080/t/q7Xk2mPz9LrT4vWb"]
    assert isinstance(blocks[-1], Cut)


def test_the_number_is_the_largest_text():
    blocks = ticket_blocks(TICKET, WARD, public_url_base="http://x")
    biggest = max((b for b in blocks if isinstance(b, Text)), key=lambda b: b.size)
    assert biggest.text == "A012" and biggest.bold


def test_english_ticket_when_asked():
    lines = texts(ticket_blocks({**TICKET, "priority": "elderly"}, WARD, "en", public_url_base="http://x"))
    assert "Civil status" in lines
    assert "Please go to counter 1 or 2" in lines
    assert "5 people before you" in lines
    assert "Priority: elderly\u00a0— confirm at the counter" in lines
    assert not any("Quầy" in t or "Ưu tiên" in t for t in lines)


def test_one_person_ahead_is_singular_in_english_and_unchanged_in_vietnamese():
    one = {**TICKET, "ahead": 1, "estimated_wait_minutes": 1}
    en = texts(ticket_blocks(one, WARD, "en", public_url_base="http://x"))
    assert "1 person before you" in en and not any("people" in t for t in en)
    assert "Trước ông/bà còn 1 người" in texts(ticket_blocks(one, WARD, public_url_base="http://x"))


@pytest.mark.parametrize("code, name", [
    ("elderly", "Người cao tuổi"), ("disability", "Người khuyết tật"), ("pregnant", "Phụ nữ mang thai"),
    ("merit", "Người có công với cách mạng"), ("child_carer", "Người đưa theo trẻ nhỏ"),
])
def test_priority_category_is_printed_to_be_confirmed_at_the_counter(code, name):
    lines = texts(ticket_blocks({**TICKET, "priority": code}, WARD, public_url_base="http://x"))
    assert f"Ưu tiên: {name}\u00a0— xác nhận tại quầy" in lines


def test_nobody_ahead_and_no_wait_read_naturally():
    lines = texts(ticket_blocks({**TICKET, "ahead": 0, "estimated_wait_minutes": 0}, WARD,
                                public_url_base="http://x"))
    assert "Ông/bà là người tiếp theo" in lines
    assert "Sắp đến lượt ông/bà" in lines


def test_counters_given_as_objects_and_missing_fields_are_tolerated():
    t = {**TICKET, "counters": [{"id": 9, "number": 3, "name": "Quầy Hộ tịch"}],
         "estimated_wait_minutes": None, "ahead": None, "service_name_en": None}
    lines = texts(ticket_blocks(t, WARD, "en", public_url_base="http://x"))
    assert "Please go to counter 3" in lines
    assert "Hộ tịch" in lines  # falls back to the Vietnamese name
    assert not any("wait" in s.lower() or "before you" in s for s in lines)


def test_naive_issue_time_is_taken_as_utc():
    lines = texts(ticket_blocks({**TICKET, "issued_at": "2026-11-30T17:05:00"}, WARD, public_url_base="http://x"))
    assert "01/12/2026  00:05" in lines  # past midnight in the ward's time zone


def test_text_is_nfc_even_when_data_is_decomposed():
    t = {**TICKET, "service_name_vi": unicodedata.normalize("NFD", "Chứng thực")}
    lines = texts(ticket_blocks(t, WARD, public_url_base="http://x"))
    assert "Chứng thực" in lines
    assert all(unicodedata.is_normalized("NFC", s) for s in lines)


def test_never_the_citizens_name_or_id_number():
    t = {**TICKET, "citizen_name": "Nguyễn Văn An", "id_number": "079123456789", "full_name": "Nguyễn Văn An"}
    blocks = ticket_blocks(t, WARD, public_url_base="http://x")
    everything = " ".join(texts(blocks) + [b.data for b in blocks if isinstance(b, QR)])
    assert "Nguyễn Văn An" not in everything and "079123456789" not in everything


def test_every_priority_category_has_a_printed_name_in_both_languages():
    from kiosk.domain.contract import PRIORITY_CATEGORIES
    from kiosk.slips.ticket import PRIORITY_NAMES

    assert set(PRIORITY_NAMES) == set(PRIORITY_CATEGORIES)
    assert all(names["vi"] and names["en"] for names in PRIORITY_NAMES.values())


def test_three_counters_read_as_a_choice_in_both_languages():
    t = {**TICKET, "counters": [3, 1, 2]}
    assert "Mời ông/bà đến quầy số 1, 2 hoặc 3" in texts(ticket_blocks(t, WARD, public_url_base="http://x"))
    assert "Please go to counters 1, 2 or 3" in texts(ticket_blocks(t, WARD, "en", public_url_base="http://x"))


def test_no_counter_line_without_counters():
    lines = texts(ticket_blocks({**TICKET, "counters": []}, WARD, public_url_base="http://x"))
    assert not any("quầy số" in t for t in lines)
