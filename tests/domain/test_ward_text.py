"""Placeholders in catalogue texts (kiosk.domain.ward.fill_ward): {ward}, {department}, {address},
{phone} and {hours} become the ward's identity; anything else in braces is left as it is."""

from kiosk.domain.ward import WardIdentity, fill_ward, fill_ward_all

WARD = WardIdentity(name="UBND phường Tân Định", department="Trung tâm Phục vụ hành chính công phường Tân Định",
                    address="28 Trần Quang Khải", phone="028 3848 0000", hours_text="Thứ Hai – Thứ Sáu")

# a small catalogue entry written the way the catalogue writes its handover texts
PROCEDURE = {
    "code": "9.999999", "name_vi": "Thủ tục thử", "fee_vnd": 0,
    "handover_vi": "Quầy số 1 – {department}", "handover_en": "Counter 1 – {department}",
    "fee_text_vi": "Nộp tại {department}, {address}",
    "documents": [{"vi": "Đơn gửi {ward}", "en": "Letter to {ward}", "needed": "required"},
                  {"vi": "Hỏi thêm: {phone} ({hours})", "en": "Ask: {phone}", "needed": "if_any"}],
    "form_schema": {"pattern": "^[0-9]{12}$", "title": "Tờ khai {unknown}"},
}


def test_each_placeholder_is_the_wards():
    assert fill_ward("Quầy số 1 – {department}", WARD) == "Quầy số 1 – Trung tâm Phục vụ hành chính công phường Tân Định"
    assert fill_ward("{ward}, {address}, ĐT {phone}, {hours}", WARD) == \
        "UBND phường Tân Định, 28 Trần Quang Khải, ĐT 028 3848 0000, Thứ Hai – Thứ Sáu"


def test_other_braces_and_plain_texts_are_untouched():
    assert fill_ward("^[0-9]{12}$ {unknown} {", WARD) == "^[0-9]{12}$ {unknown} {"
    assert fill_ward("", WARD) == "" and fill_ward("{department}", None) == "{department}"


def test_a_whole_catalogue_entry_is_filled_and_the_original_kept():
    filled = fill_ward_all(PROCEDURE, WARD)
    assert filled["handover_vi"] == "Quầy số 1 – Trung tâm Phục vụ hành chính công phường Tân Định"
    assert filled["fee_text_vi"] == "Nộp tại Trung tâm Phục vụ hành chính công phường Tân Định, 28 Trần Quang Khải"
    assert filled["documents"][0]["en"] == "Letter to UBND phường Tân Định"
    assert filled["documents"][1]["vi"] == "Hỏi thêm: 028 3848 0000 (Thứ Hai – Thứ Sáu)"
    assert filled["form_schema"] == PROCEDURE["form_schema"] and filled["fee_vnd"] == 0
    assert PROCEDURE["handover_vi"] == "Quầy số 1 – {department}"  # not changed in place


def test_the_offices_answer_updates_the_identity_but_never_blanks_its_name():
    config = WardIdentity(name="UBND phường Bến Thành", address="Số 1 Lê Lợi")
    assert config.department == "Trung tâm Phục vụ hành chính công"  # the default since July 2025
    office = config.updated({"name": "", "department": "Trung tâm PVHCC", "address": "", "phone": "028"})
    assert (office.name, office.department, office.address, office.phone) == \
        ("UBND phường Bến Thành", "Trung tâm PVHCC", "", "028")
    assert config.updated(None) == config and config.updated("garbage") == config
