"""Forms as data: validation messages a citizen can read, field order, prefill from the ID card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.forms import (
    clean, fields_in_order, format_date, parse_date, prefill_from_card, submission_document, validate,
)

CAT = load_catalogue()
BIRTH = CAT.by_code("1.001193").form_schema
COPIES = CAT.by_code("2.000815").form_schema
TODAY = date(2026, 11, 30)


@dataclass
class Card:  # the shape of kiosk.domain.cccd.CitizenId
    full_name: str = "Nguyễn Thị Hòa"
    id_number: str = "079190001234"
    date_of_birth: date = date(1990, 5, 17)
    sex: str = "Nữ"
    address: str = "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh"


APPLICANT = {"full_name": "Nguyễn Thị Hòa", "id_number": "079190001234", "date_of_birth": "1990-05-17",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh"}
BIRTH_OK = {
    "child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2026-11-20", "child_sex": "Nữ",
    "child_place_of_birth": "Bệnh viện Từ Dũ",
    "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
    "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
    "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
    "mother_full_name": "Nguyễn Thị Hòa",
    "mother_id_number": "079190001234", "relationship": "Mẹ",
}


def errors_by_field(schema, data):
    return {e.field: e for e in validate(schema, data, today=TODAY)}


def test_a_complete_birth_registration_is_accepted():
    assert validate(BIRTH, submission_document(APPLICANT, BIRTH_OK), today=TODAY) == []


def test_every_procedure_accepts_its_own_example_and_rejects_an_empty_form():
    for p in CAT:
        errs = validate(p.form_schema, {}, today=TODAY)
        assert [e.field for e in errs][0] == "applicant", p.code
        required = [f for f in fields_in_order(p.form_schema) if f.required and not f.path.startswith("applicant.")]
        errs = errors_by_field(p.form_schema, {"applicant": APPLICANT})
        assert set(errs) == {f.path for f in required}, p.code
        for f in required:
            assert errs[f.path].message_vi.startswith("Vui lòng"), errs[f.path]
            assert errs[f.path].message_en.startswith("Please")


def test_messages_are_plain_sentences_naming_the_field():
    data = submission_document({**APPLICANT, "id_number": "07919000123", "phone": "912345678"},
                               {**BIRTH_OK, "child_date_of_birth": "2026-02-30", "child_sex": "Khác",
                                "mother_id_number": "abc"})
    errs = errors_by_field(BIRTH, data)
    assert set(errs) == {"applicant.id_number", "applicant.phone", "child_date_of_birth", "child_sex",
                         "mother_id_number"}
    assert errs["applicant.id_number"].message_vi == "Số định danh cá nhân: phải gồm đúng 12 chữ số."
    assert errs["applicant.id_number"].message_en == "Personal ID number: must be exactly 12 digits."
    assert "10 chữ số, bắt đầu bằng số 0" in errs["applicant.phone"].message_vi
    assert "ngày không hợp lệ" in errs["child_date_of_birth"].message_vi
    assert "Nam, Nữ" in errs["child_sex"].message_vi
    for e in errs.values():  # never jsonschema's own English
        assert "does not match" not in e.message_en and "is not valid under" not in e.message_en
        assert "'" not in e.message_vi


def test_errors_come_in_form_order():
    errs = validate(BIRTH, {"applicant": {**APPLICANT, "sex": "?"}, "relationship": "Cô"}, today=TODAY)
    fields = [e.field for e in errs]
    order = [f.path for f in fields_in_order(BIRTH)]
    assert fields == sorted(fields, key=order.index)
    assert fields[0] == "applicant.sex"


@pytest.mark.parametrize("bad", ["20261120", "2026-11-31", "20/11/2026x", "2026-13-01", "hôm qua"])
def test_dates_are_strict(bad):
    errs = errors_by_field(BIRTH, submission_document(APPLICANT, {**BIRTH_OK, "child_date_of_birth": bad}))
    assert set(errs) == {"child_date_of_birth"}


def test_future_dates_are_refused_where_they_cannot_be():
    errs = errors_by_field(BIRTH, submission_document(APPLICANT, {**BIRTH_OK, "child_date_of_birth": "2026-12-01"}))
    assert "chưa tới" in errs["child_date_of_birth"].message_vi
    marriage = CAT.by_code("1.000894").form_schema
    data = {"applicant": APPLICANT, "partner_full_name": "Lê Văn An", "partner_date_of_birth": "1992-01-02",
            "partner_id_number": "001092000001", "partner_address": "Huế", "applicant_marriage_number": 1,
            "partner_marriage_number": 1, "preferred_date": "2026-12-05"}
    assert validate(marriage, data, today=TODAY) == []  # a wished date may be in the future


def test_people_type_dates_as_day_month_year():
    data = submission_document(APPLICANT, {**BIRTH_OK, "child_date_of_birth": "20/11/2026"})
    assert validate(BIRTH, data, today=TODAY) == []
    assert clean(BIRTH, data)["child_date_of_birth"] == "2026-11-20"
    assert parse_date("1/2/2026") == date(2026, 2, 1)
    assert parse_date("31/02/2026") is None
    assert format_date("2026-02-01") == "01/02/2026"
    assert format_date(None) == ""


def test_optional_empty_fields_are_left_out_and_text_is_cleaned():
    data = submission_document({**APPLICANT, "phone": "", "full_name": "  Nguyễn   Thị Hòa "},
                               {**BIRTH_OK, "father_id_number": "", "father_full_name": None})
    assert validate(BIRTH, data, today=TODAY) == []
    cleaned = clean(BIRTH, data)
    assert "phone" not in cleaned["applicant"] and "father_id_number" not in cleaned
    assert cleaned["applicant"]["full_name"] == "Nguyễn Thị Hòa"


def test_text_is_stored_in_nfc():
    import unicodedata
    nfd = unicodedata.normalize("NFD", "Trần Minh Khuê")
    cleaned = clean(BIRTH, {"child_full_name": nfd})
    assert cleaned["child_full_name"] == "Trần Minh Khuê"
    assert unicodedata.is_normalized("NFC", cleaned["child_full_name"])


def test_dependent_fields():
    data = submission_document(APPLICANT, {**BIRTH_OK, "father_id_number": "001090000002"})
    errs = errors_by_field(BIRTH, data)
    assert set(errs) == {"father_full_name"}
    assert errs["father_full_name"].message_vi == "Vui lòng nhập họ, chữ đệm và tên người cha."


def test_numbers_from_the_digit_keyboard_and_their_bounds():
    base = {"applicant": APPLICANT, "document_name": "Bằng tốt nghiệp"}
    assert validate(COPIES, {**base, "number_of_pages": "3", "number_of_copies": "2"}, today=TODAY) == []
    errs = errors_by_field(COPIES, {**base, "number_of_pages": "0", "number_of_copies": "ba"})
    assert errs["number_of_pages"].message_vi == "Số trang của giấy tờ: phải từ 1 đến 500."
    assert errs["number_of_copies"].message_vi == "Số bản cần chứng thực: vui lòng nhập một số."


def test_unknown_fields_are_named():
    errs = errors_by_field(BIRTH, submission_document({**APPLICANT, "nickname": "Bé"}, {**BIRTH_OK, "x": 1}))
    assert set(errs) == {"applicant.nickname", "x"}
    assert errs["x"].message_en == "This form has no such field."


def test_fields_in_order_for_the_generic_form_screen():
    fields = fields_in_order(BIRTH)
    assert [f.path for f in fields[:6]] == ["applicant.full_name", "applicant.id_number", "applicant.date_of_birth",
                                            "applicant.sex", "applicant.address", "applicant.phone"]
    assert fields[0].group_vi == "Người yêu cầu" and fields[0].from_card == "full_name"
    sex = next(f for f in fields if f.path == "child_sex")
    assert sex.widget == "choice" and sex.choices == (("Nam", "Male"), ("Nữ", "Female"))
    assert sex.required and sex.title_en == "Child's sex"
    assert next(f for f in fields if f.name == "child_date_of_birth").widget == "date"
    assert next(f for f in fields if f.name == "mother_id_number").widget == "digits"
    for p in CAT:
        for f in fields_in_order(p.form_schema):
            assert f.title_vi and f.title_en and f.widget in ("text", "date", "digits", "choice", "textarea")


def test_prefill_from_card_fills_exactly_the_card_fields():
    data = prefill_from_card(BIRTH, Card())
    assert data == {"applicant": {"full_name": "Nguyễn Thị Hòa", "id_number": "079190001234",
                                  "date_of_birth": "1990-05-17", "sex": "Nữ",
                                  "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh"}}
    errs = errors_by_field(BIRTH, {**data, **BIRTH_OK})
    assert errs == {}


def test_prefill_from_a_real_scanned_card():
    from kiosk.domain.cccd import CitizenId

    card = CitizenId(id_number="079190001234", old_id_number=None, full_name="NGUYỄN THỊ HÒA",
                     date_of_birth=date(1990, 5, 17), sex="Nữ", address="12 Lê Lợi, phường Bến Thành",
                     issue_date=date(2021, 4, 1), card_type="CCCD", issuer="")
    data = prefill_from_card(BIRTH, card)
    assert data["applicant"]["full_name"] == "Nguyễn Thị Hòa"
    assert data["applicant"] == {**card.applicant()}
    assert validate(BIRTH, {**data, **BIRTH_OK}, today=TODAY) == []


def test_prefill_skips_what_the_card_lacks():
    class Partial:
        full_name = "Lê Văn An"
        id_number = "001092000001"
    assert prefill_from_card(BIRTH, Partial()) == {"applicant": {"full_name": "Lê Văn An", "id_number": "001092000001"}}


@given(st.dictionaries(st.sampled_from([f.name for f in fields_in_order(BIRTH)] + ["applicant", "zz"]),
                       st.one_of(st.none(), st.text(max_size=20), st.integers(), st.booleans(),
                                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2)),
                       max_size=8))
def test_any_input_gets_field_messages_never_an_exception(data):
    for e in validate(BIRTH, data, today=TODAY):
        assert e.message_vi and e.message_en
        assert "Traceback" not in e.message_en


def test_missing_field_messages_read_as_sentences():
    errs = errors_by_field(BIRTH, {"applicant": {"date_of_birth": 19900101}})
    assert errs["applicant.id_number"].message_en == "Please enter: personal ID number."
    assert errs["applicant.full_name"].message_vi == "Vui lòng nhập họ, chữ đệm và tên."
    assert "ngày không hợp lệ" in errs["applicant.date_of_birth"].message_vi
    assert errs["child_sex"].message_vi == "Vui lòng chọn giới tính của trẻ."
