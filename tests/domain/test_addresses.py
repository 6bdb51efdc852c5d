"""Card addresses after the July 2025 reform: the many ways an old Quận 1 address is written all
lead to the current ward, current-style addresses are left alone, divided wards get no guess,
and the bundled table is checked (sources, NFC, consistency)."""

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain import addresses
from kiosk.paths import DATA

NEW_BT = "Phường Bến Thành"


@pytest.mark.parametrize("written", [
    "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh",
    "12 Lê Lợi, P. Bến Thành, Q.1, Thành phố Hồ Chí Minh",
    "12 Lê Lợi, phường Bến Thành, quận 1, TP. Hồ Chí Minh",
    "12 LÊ LỢI, PHƯỜNG BẾN THÀNH, QUẬN 1, TP. HỒ CHÍ MINH",
    "12 Le Loi, Phuong Ben Thanh, Quan 1, TP Ho Chi Minh",
    "12 Lê Lợi, Phường Bến Thành, Quận 01, TPHCM",
    "12 Lê Lợi P.Bến Thành Q.1 TP.HCM",
    "12 Lê Lợi, P.Bến Thành, Q1, Hồ Chí Minh",
    "12 Lê Lợi; Bến Thành; Quận 1; Thành phố Hồ Chí Minh",
    unicodedata.normalize("NFD", "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh"),
])
def test_old_ben_thanh_is_proposed_as_the_current_ward(written):
    c = addresses.check(written)
    assert c.status == "renamed", c
    assert c.new_units == (NEW_BT,)
    assert c.proposal.endswith("Phường Bến Thành, Thành phố Hồ Chí Minh")
    assert c.proposal.split(",")[0].strip().lower() in ("12 lê lợi", "12 le loi")  # the street is kept
    assert "Quận" not in c.proposal and "1685/NQ-UBTVQH15" in c.source


@pytest.mark.parametrize("old, new", [
    ("Phường Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh", "Phường Bến Thành"),
    ("Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh", "Phường Sài Gòn"),
    ("Phường Tân Định, Quận 1, TP. Hồ Chí Minh", "Phường Tân Định"),
    ("Phường Cô Giang, Quận 1, TP. Hồ Chí Minh", "Phường Cầu Ông Lãnh"),
    ("Phường Cầu Kho, Quận 1", "Phường Cầu Ông Lãnh"),
    ("phuong nguyen cu trinh quan 1 ho chi minh", "Phường Cầu Ông Lãnh"),
])
def test_other_whole_wards_of_quan_1(old, new):
    c = addresses.check(old)
    assert (c.status, c.new_units) == ("renamed", (new,))
    assert c.proposal == f"{new}, Thành phố Hồ Chí Minh"


@pytest.mark.parametrize("old, candidates", [
    ("45 Nguyễn Thái Bình, Phường Nguyễn Thái Bình, Quận 1, TP. Hồ Chí Minh", {"Phường Sài Gòn", NEW_BT}),
    ("Phường Cầu Ông Lãnh, Quận 1, TP.HCM", {NEW_BT, "Phường Cầu Ông Lãnh"}),
    ("P. Đa Kao, Q.1, TP.HCM", {"Phường Sài Gòn", "Phường Tân Định"}),
])
def test_divided_wards_get_candidates_not_a_guess(old, candidates):
    c = addresses.check(old)
    assert c.status == "split" and set(c.new_units) == candidates and c.proposal == ""


@pytest.mark.parametrize("current", [
    "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
    "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh",
    "Số 7 ngõ 15 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
    "Ấp 3, xã Châu Pha, Thành phố Hồ Chí Minh",
])
def test_an_address_without_a_district_is_current(current):
    assert addresses.check(current).status == "current"


@pytest.mark.parametrize("old", [
    "Số 7 ngõ 15 phố Hàng Bạc, phường Hàng Bạc, quận Hoàn Kiếm, Hà Nội",  # another province
    "Xa lộ Hà Nội, phường 5, quận 3, TP HCM",  # not in the table; "Xa lộ" is a road, not a xã
    "Phường Bến Thành, Thị xã Bến Cát, Tỉnh Bình Dương",  # same ward name, other district
    "Phường Bến Thành, Quận 1, Hà Nội",  # Quận 1 of another province is not ours
])
def test_an_old_address_the_table_does_not_know_is_outdated_without_a_proposal(old):
    c = addresses.check(old)
    assert c.status == "outdated" and c.proposal == "" and c.new_units == ()


def test_a_merged_province_is_named_with_its_current_name():
    c = addresses.check("Ấp 3, Xã Tân Thạnh, Huyện Tân Thành, Tỉnh Bà Rịa – Vũng Tàu")
    assert c.status == "outdated" and c.province_now == "Thành phố Hồ Chí Minh" and "202/2025/QH15" in c.source
    assert addresses.check("Xã Nghĩa Trung, Huyện Nghĩa Hưng, Tỉnh Nam Định").province_now == "Tỉnh Ninh Bình"
    assert addresses.check("Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội").province_now == ""  # unchanged


# -- property-based: spelling never changes the answer ------------------------------------------

_COMMUNE_SPELLINGS = ["Phường {n}", "phường {n}", "P. {n}", "P.{n}", "PHƯỜNG {N}"]
_DISTRICT_SPELLINGS = ["Quận 1", "quận 1", "Q.1", "Q1", "Q. 1", "Quận 01", "QUẬN 1"]
_PROVINCE_SPELLINGS = ["TP. Hồ Chí Minh", "TP.Hồ Chí Minh", "Thành phố Hồ Chí Minh", "TP.HCM", "TPHCM",
                       "Hồ Chí Minh", "THÀNH PHỐ HỒ CHÍ MINH", ""]
_STREETS = ["", "12 Lê Lợi", "Số 45/7 Bùi Viện", "Tổ 3, Khu phố 2", "88 Phạm Ngũ Lão"]


def _whole_old_units():
    raw = json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))
    return [(f["old"].split(" ", 1)[1], c["new"]) for c in raw["communes"] for f in c["from"] if f["whole"]]


def _strip_marks(text):
    return "".join(c for c in unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
                   if unicodedata.category(c) != "Mn")


@settings(max_examples=300, deadline=None)
@given(unit=st.sampled_from(_whole_old_units()), street=st.sampled_from(_STREETS),
       commune=st.sampled_from(_COMMUNE_SPELLINGS), district=st.sampled_from(_DISTRICT_SPELLINGS),
       province=st.sampled_from(_PROVINCE_SPELLINGS), sep=st.sampled_from([", ", ",", " - ", "; "]),
       no_marks=st.booleans(), nfd=st.booleans())
def test_any_spelling_of_an_old_quan_1_ward_gives_its_new_ward(unit, street, commune, district, province, sep,
                                                                no_marks, nfd):
    old_name, new = unit
    parts = [street, commune.format(n=old_name, N=old_name.upper()), district, province]
    written = sep.join(p for p in parts if p)
    if no_marks:
        written = _strip_marks(written)
    if nfd:
        written = unicodedata.normalize("NFD", written)
    c = addresses.check(written)
    assert (c.status, c.new_units) == ("renamed", (new,)), written
    assert c.proposal.endswith(f"{new}, Thành phố Hồ Chí Minh")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120))
def test_any_text_gets_an_answer_and_never_an_error(text):
    c = addresses.check(text)
    assert c.status in ("current", "renamed", "split", "outdated")
    assert (c.status == "renamed") == bool(c.proposal)


# -- the data file --------------------------------------------------------------------------------

def test_the_bundled_table_is_valid_sourced_and_nfc():
    raw = json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))
    assert addresses.validate(raw) == []
    for c in raw["communes"]:
        assert raw["sources"][c["source"]]["date"] == "2025-06-16"
        for f in c["from"]:
            assert unicodedata.is_normalized("NFC", f["old"]) and unicodedata.is_normalized("NFC", f["district"])
    merged = {o for p in raw["provinces"] for o in p["old"]}
    assert len(merged) == 63 - 11 and len(raw["provinces"]) == 23  # 63 provinces into 34
    assert (DATA / "SOURCES-addresses.md").is_file()


@pytest.mark.parametrize("break_it, says", [
    (lambda raw: raw["communes"][0].update(source="NQ-9999"), "not in 'sources'"),
    (lambda raw: raw["communes"][0].update(new=unicodedata.normalize("NFD", "Phường Sài Gòn")), "not NFC"),
    (lambda raw: raw["communes"][0]["from"][0].update(whole="yes"), "'whole' must be true or false"),
    (lambda raw: raw["sources"]["NQ-1685"].pop("date"), "has no date"),
    (lambda raw: raw["communes"][0].update(new="Bến Nghé"), "must start with Phường"),
    (lambda raw: raw["communes"][1]["from"].pop(), "where did the rest go"),
    (lambda raw: raw["communes"][3]["from"][0].update(old="Phường Bến Thành"), "marked whole but listed"),
])
def test_validate_names_what_is_wrong(break_it, says):
    raw = json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))
    break_it(raw)
    problems = addresses.validate(raw)
    assert any(says in p for p in problems), problems


def test_a_table_in_the_state_folder_replaces_the_bundled_one(tmp_path):
    assert addresses.table_path(tmp_path) == addresses.BUNDLED
    raw = json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))
    raw["communes"].append({"new": "Phường Xuân Hòa", "source": "NQ-1685",
                            "from": [{"old": "Phường Võ Thị Sáu", "district": "Quận 3", "whole": True}]})
    local = tmp_path / "address_changes.json"
    local.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert addresses.table_path(tmp_path) == local
    c = addresses.check("Phường Võ Thị Sáu, Quận 3, TP.HCM", addresses.load(local))
    assert c.new_units == ("Phường Xuân Hòa",)
    assert addresses.check("Phường Võ Thị Sáu, Quận 3, TP.HCM").status == "outdated"  # bundled: unknown
