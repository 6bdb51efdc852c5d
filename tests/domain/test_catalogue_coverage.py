"""The fuller catalogue (issue 15): enough procedures in enough fields, each with its code, a dated
source listed in SOURCES.md, papers split into required and "if any", a form a citizen can fill in
(checked here through the kiosk's own form logic, for every procedure, without the UI), and the
procedures done only at the counter offered as "prepare and take a number"."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest

from kiosk.domain.catalogue import DEFAULT_PATH, FIELD_CODES, CatalogueError, catalogue_from_dict, load_catalogue
from kiosk.domain.submission import Submission

RAW = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
SOURCES_MD = (DEFAULT_PATH.parent / "SOURCES.md").read_text(encoding="utf-8")
CAT = load_catalogue()
CODES = [p.code for p in CAT]


def test_at_least_thirty_procedures_in_at_least_five_fields_with_unique_national_codes():
    assert len(CAT) >= 30
    by_field = {f["code"]: len(CAT.by_field(f["code"])) for f in CAT.fields()}
    assert len(by_field) >= 5 and all(n >= 3 for n in by_field.values()), by_field
    assert len(set(CODES)) == len(CODES)
    assert all(re.fullmatch(r"[1-3]\.\d{6}", c) for c in CODES), CODES  # as dichvucong.gov.vn writes them
    assert set(by_field) <= set(FIELD_CODES)


def test_every_procedure_has_a_dated_source_listed_in_sources_md():
    for p in CAT:
        assert p.sources and p.legal_basis, p.code
        assert dt.date.fromisoformat(p.raw["source_date"]) <= dt.date(2026, 12, 31), p.code
        row = next((line for line in SOURCES_MD.splitlines() if line.startswith(f"| {p.code} |")), None)
        assert row is not None, f"{p.code} has no row in SOURCES.md"
        assert p.raw["source_date"] in row, p.code
        for key in p.raw.get("unverified", []):  # what was not checked at source is said there too
            assert key in row, (p.code, key)


def test_every_document_list_is_split_into_required_and_if_any_with_official_names():
    for p in CAT:
        required = p.documents_needed("always")
        assert required, f"{p.code}: no required paper"
        assert all(d.needed in ("always", "if_applicable", "never") for d in p.documents)
        assert all("needed" in d for d in p.raw["documents"]), p.code  # said, not defaulted
        for d in p.raw["documents"]:
            if d["vi"].startswith(("Tờ khai", "Đơn", "Giấy đề nghị", "Thông báo")):
                assert d.get("name_vi") and d["name_vi"] != d["vi"], (p.code, d["vi"])  # kiosk hint ≠ official name
    assert sum(bool(p.documents_needed("if_applicable")) for p in CAT) >= 25


def test_procedures_done_at_the_counter_are_prepared_not_declared():
    at_counter = {p.code for p in CAT if p.in_person}
    assert {p.code for p in CAT.by_field("B")} <= at_counter  # every authentication: signed or compared in person
    for p in CAT:
        assert p.kiosk_action == ("prepare" if p.in_person else "declare")
        if p.in_person:
            assert not p.fully_online and p.in_person_text("vi").startswith("Thủ tục này làm trực tiếp tại quầy")
            assert p.in_person_text("en")
        else:
            assert p.in_person_text("vi") == ""
    assert len(at_counter) < len(CAT) // 2  # most can still be declared ahead


def test_handover_texts_carry_the_department_placeholder():
    assert all(p.handover_vi == "{department}" == p.handover_en for p in CAT)
    assert "Bộ phận Tiếp nhận" not in json.dumps(RAW, ensure_ascii=False)


def test_the_birth_form_asks_what_the_official_declaration_asks():
    schema = CAT.by_code("1.001193").form_schema
    props, required = schema["properties"], set(schema["required"])
    assert {"child_hometown", "child_ethnicity", "child_nationality"} <= required
    assert {"mother_birth_year", "mother_ethnicity", "mother_nationality", "mother_residence"} <= required
    assert set(schema["dependentRequired"]["father_full_name"]) == {
        "father_birth_year", "father_ethnicity", "father_nationality", "father_residence"}
    assert props["child_hometown"]["title"] == "Quê quán của trẻ"
    assert schema["x-order"] == list(props)


# ---- every form, filled in by the kiosk's own logic (the touch walks cover a subset) -------------

def typed(field) -> str:
    """What a citizen types or chooses on a page (as the kiosk's keyboard hands it over)."""
    prop = field.schema
    if field.choices:
        return field.choices[0][0]
    if field.widget == "date":
        return "05/03/1990"
    if prop.get("type") == "integer":
        return str(max(prop.get("minimum", 1), 1))
    if field.widget == "digits":
        return "0901234567" if prop.get("pattern", "").startswith("^0") else "079190000002"
    if field.widget == "textarea":
        return "12 Lê Lợi, phường Bến Thành"
    return "Lê Văn An"


@pytest.mark.parametrize("every_field", [False, True], ids=["required-only", "every-field"])
@pytest.mark.parametrize("code", CODES)
def test_every_form_can_be_filled_in_page_by_page(code, every_field):
    sub = Submission(CAT.by_code(code), consent=True)
    for _ in range(60):
        if sub.on_review:
            break
        f = sub.current
        if f.required or every_field:
            sub.answer(f.path, typed(f))
        assert sub.next(), f"{code}: stuck on {f.path}: {sub.errors.get(f.path)}"
    assert sub.on_review
    assert sub.ready(), [e.field for e in sub.all_errors()]
    widgets = {f.widget for f in sub.fields}
    assert "text" in widgets or "choice" in widgets


def test_an_empty_required_page_holds_the_citizen_in_every_form():
    for p in CAT:
        sub = Submission(p, consent=True)
        first_required = next(f for f in sub.pages if f.required)
        while sub.current.path != first_required.path:
            sub.answer(sub.current.path, typed(sub.current))
            assert sub.next()
        assert not sub.next() and first_required.path in sub.errors, p.code


# ---- the checks that keep a bad edit out -----------------------------------------------------------

def _with(code, **changes):
    data = copy.deepcopy(RAW)
    entry = next(p for p in data["procedures"] if p["code"] == code)
    entry.update(changes)
    return data


@pytest.mark.parametrize("code,changes,words", [
    ("2.000815", {"fully_online": True}, ["2.000815", "fully_online"]),
    ("2.000815", {"in_person_vi": " "}, ["2.000815", "in_person_vi"]),
    ("1.001612", {"source_date": "hôm qua"}, ["1.001612", "source_date"]),
    ("1.001612", {"unverified": ["no_such_key"]}, ["1.001612", "unverified"]),
    ("1.001612", {"field_code": "G"}, ["1.001612", "field_code"]),
])
def test_a_bad_catalogue_edit_is_refused_naming_the_key(code, changes, words):
    with pytest.raises(CatalogueError) as e:
        catalogue_from_dict(_with(code, **changes))
    assert all(w in str(e.value) for w in words), str(e.value)


def test_review_before_is_a_date_and_says_when_it_is_overdue():
    assert CAT.review_before == dt.date(2027, 3, 1)
    assert not CAT.review_overdue(dt.date(2027, 3, 1)) and CAT.review_overdue(dt.date(2027, 3, 2))
    with pytest.raises(CatalogueError, match="review_before"):
        catalogue_from_dict({**copy.deepcopy(RAW), "review_before": "01/03/2027"})
