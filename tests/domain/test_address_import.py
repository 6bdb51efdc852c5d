"""The province's full commune list from a spreadsheet's CSV: what an installer types is what the
kiosk proposes, and a wrong row is named."""

# The Bắc Ninh rows are made up to exercise the format, not the real 2025 arrangement.
import json
import unicodedata

import pytest

from kiosk.domain import addresses
from kiosk.domain.address_import import ImportProblems, from_csv, to_csv
from kiosk.paths import DATA

SOURCE = dict(province="Tỉnh Bắc Ninh", source_id="NQ-MAU", source_title="Nghị quyết mẫu (ví dụ)",
              source_date="2025-06-16")


def bundled():
    return json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))


def test_the_bundled_table_survives_export_and_import():
    raw = bundled()
    again = from_csv(to_csv(raw), province=raw["province"], source_id="NQ-1685",
                     source_title=raw["sources"]["NQ-1685"]["title"], source_date="2025-06-16",
                     provinces=raw["provinces"], province_aliases=raw["province_aliases"],
                     extra_sources={"NQ-202": raw["sources"]["NQ-202"]})
    assert again["communes"] == raw["communes"]
    check = addresses.check("12 Lê Lợi, P. Phạm Ngũ Lão, Q.1, TP.HCM", addresses._build(again))
    assert check.status == "renamed" and check.new_units == ("Phường Bến Thành",)


def test_without_the_whole_column_a_unit_under_several_new_ones_was_divided():
    csv_text = ("Đơn vị mới;Đơn vị cũ;Quận/huyện cũ\n"
                "Phường Kinh Bắc;Phường Vệ An;Thành phố Bắc Ninh\n"
                "Phường Kinh Bắc;Phường Tiền An;Thành phố Bắc Ninh\n"
                "Phường Võ Cường;Phường Tiền An;Thành phố Bắc Ninh\n"
                "Phường Võ Cường;Phường Võ Cường;Thành phố Bắc Ninh\n")
    table = addresses._build(from_csv(csv_text, **SOURCE))
    whole = addresses.check("3 Lý Thái Tổ, phường Vệ An, thành phố Bắc Ninh, tỉnh Bắc Ninh", table)
    assert whole.status == "renamed" and whole.proposal == "3 Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh"
    divided = addresses.check("9 Ngô Gia Tự, P. Tiền An, TP. Bắc Ninh, Bắc Ninh", table)
    assert divided.status == "split" and set(divided.new_units) == {"Phường Kinh Bắc", "Phường Võ Cường"}


def test_excel_csv_with_bom_english_headers_and_nfd_text_reads_the_same():
    nfd = unicodedata.normalize("NFD", "Phường Vệ An")
    csv_text = ("\ufeffnew,old,district,whole\r\n"
                f"Phường Kinh Bắc,{nfd},Thành phố Bắc Ninh,yes\r\n\r\n")
    table = from_csv(csv_text, **SOURCE)
    assert table["communes"][0]["from"] == [{"old": "Phường Vệ An", "district": "Thành phố Bắc Ninh", "whole": True}]
    assert not addresses.validate(table)


def test_each_wrong_row_is_named():
    csv_text = ("Đơn vị mới,Đơn vị cũ,Quận/huyện cũ,Toàn bộ\n"
                "Phường Kinh Bắc,,Thành phố Bắc Ninh,có\n"
                "Phường Kinh Bắc,Phường Vệ An,Thành phố Bắc Ninh,hình như\n")
    with pytest.raises(ImportProblems) as err:
        from_csv(csv_text, **SOURCE)
    assert err.value.problems == ["row 2: Đơn vị cũ is empty",
                                  "row 3: Toàn bộ is 'hình như': write có or một phần (yes or no)"]


def test_a_header_without_the_needed_columns_says_which():
    with pytest.raises(ImportProblems) as err:
        from_csv("Tên,Ghi chú\nA,B\n", **SOURCE)
    assert "row 1" in str(err.value) and "Đơn vị mới" in str(err.value) and "missing: new, old, district" in str(err.value)


def test_a_unit_marked_whole_in_two_places_is_refused_by_the_tables_rules():
    csv_text = ("Đơn vị mới,Đơn vị cũ,Quận/huyện cũ,Toàn bộ\n"
                "Phường Kinh Bắc,Phường Vệ An,Thành phố Bắc Ninh,có\n"
                "Phường Võ Cường,Phường Vệ An,Thành phố Bắc Ninh,có\n")
    with pytest.raises(ImportProblems, match="marked whole but listed under 2 new units"):
        from_csv(csv_text, **SOURCE)


def test_a_new_name_that_is_not_a_commune_is_refused():
    with pytest.raises(ImportProblems, match="must start with Phường, Xã"):
        from_csv("new,old,district\nKinh Bắc,Phường Vệ An,Thành phố Bắc Ninh\n", **SOURCE)
