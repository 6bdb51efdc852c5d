"""The bundled procedure catalogue: its facts, its checks, and search."""

from __future__ import annotations

import copy
import json
import unicodedata

import pytest

from kiosk.domain.catalogue import (
    DEFAULT_PATH, CatalogueError, catalogue_from_dict, fold, load_catalogue,
)

RAW = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_the_bundled_catalogue_keeps_the_eleven_reference_procedures(cat):
    assert {p.code for p in cat} >= {
        "1.001193", "1.000894", "1.004873", "1.000656", "1.004837", "2.000635",
        "2.000815", "2.000884", "1.004859", "1.001022", "1.004884"}
    assert RAW["status_date"] and RAW["sources"]


def test_every_procedure_is_complete_for_a_citizen(cat):
    for p in cat:
        assert p.name_vi and p.name_en and p.field_vi and p.field_en, p.code
        assert p.documents and all(d.vi and d.en for d in p.documents), p.code
        assert p.sources and p.legal_basis, p.code
        assert p.handover_vi == p.handover_en == "{department}", p.code  # the ward's own name, filled where shown
        assert p.processing_days >= 0
        assert p.form_schema["$schema"].endswith("2020-12/schema")
        assert "applicant" in p.form_schema["required"]


def test_facts_checked_against_the_law(cat):
    marriage = cat.by_code("1.000894")
    assert not any("tình trạng hôn nhân" in d.vi and d.original_required for d in marriage.documents)
    assert any("Không cần Giấy xác nhận tình trạng hôn nhân" in d.vi for d in marriage.documents)
    assert marriage.fee_vnd == 0 and not marriage.fully_online  # both partners must come
    assert cat.by_code("2.000884").fee_vnd == 10000
    assert cat.by_code("2.000635").fee_vnd == 8000
    assert cat.by_code("2.000815").processing_days == 0
    # no procedure claims "toàn trình" without evidence
    assert not any(p.fully_online for p in cat)
    assert all(p.raw.get("online_note") for p in cat)
    # fee set by the province is null, with a text saying so
    status = cat.by_code("1.004873")
    assert status.fee_vnd is None and "tỉnh" in status.fee_text_vi


def test_field_letters(cat):
    assert [f["code"] for f in cat.fields()] == ["A", "B", "C", "D", "F"]  # E (Khác) has no procedure
    assert [(f["code"], f["vi"]) for f in RAW["fields"]] == [
        ("A", "Hộ tịch"), ("B", "Chứng thực"), ("C", "Đất đai – Xây dựng"), ("D", "Văn hóa – Xã hội"),
        ("E", "Khác"), ("F", "Hộ kinh doanh")]
    names = {f["code"]: f["vi"] for f in RAW["fields"]}
    assert all(p.field_vi == names[p.field_code] for p in cat)
    assert not any("Lao động" in f["vi"] or "Thương binh" in f["vi"] for f in RAW["fields"])


def test_all_text_is_nfc():
    def walk(v):
        if isinstance(v, str):
            assert unicodedata.is_normalized("NFC", v), v
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
    walk(RAW)


def test_originals_list_for_the_receipt(cat):
    birth = cat.by_code("1.001193")
    originals = [d.vi for d in birth.originals]
    assert any("Giấy chứng sinh" in d for d in originals)
    assert not any(d.startswith("Tờ khai") for d in originals)  # the kiosk fills the form


@pytest.mark.parametrize("query,expected", [
    ("khai sinh", "1.001193"),
    ("KHAI SINH", "1.001193"),
    ("Đăng ký khai sinh", "1.001193"),
    ("dang ky khai sinh", "1.001193"),
    ("kết hôn", "1.000894"),
    ("ket hon", "1.000894"),
    ("chứng thực chữ ký", "2.000884"),
    ("chu ky", "2.000884"),
    ("khai tu", "1.000656"),
    ("hôn nhân", "1.004873"),
    ("giám hộ", "1.004837"),
    ("2.000815", "2.000815"),
])
def test_search_ignores_accents_and_case(cat, query, expected):
    found = [p.code for p in cat.search(query)]
    assert found and found[0] == expected


def test_search_ranks_the_name_match_first_and_finds_related(cat):
    found = [p.code for p in cat.search("khai sinh")]
    assert found[0] == "1.001193"
    assert set(found) == {"1.001193", "1.004884", "2.000635", "1.004772", "2.000528"}


def test_search_in_english_and_both(cat):
    assert [p.code for p in cat.search("marriage", "en")][0] == "1.000894"
    assert cat.search("marriage", "vi") == []
    assert [p.code for p in cat.search("death", None)] == ["1.000656"]
    assert cat.search("khai sinh", None)[0].code == "1.001193"


def test_search_edge_cases(cat):
    assert len(cat.search("")) == len(cat)
    assert len(cat.search("   ")) == len(cat)
    assert cat.search("hộ chiếu du lịch") == []
    assert cat.search("!!!") == cat.search("")


def test_fold():
    assert fold("Đăng ký  KHAI SINH") == "dang ky khai sinh"
    assert fold("Thừa Thiên – Huế") == "thua thien hue"
    assert fold(unicodedata.normalize("NFD", "Nguyễn")) == "nguyen"


def test_fee_estimates(cat):
    copies = cat.by_code("2.000815")
    assert copies.estimate_fee({"number_of_pages": 1, "number_of_copies": 1}) == 2000
    assert copies.estimate_fee({"number_of_pages": 5, "number_of_copies": 2}) == 2 * (2 * 2000 + 3 * 1000)
    assert copies.estimate_fee({"number_of_pages": 500, "number_of_copies": 1}) == 200000
    assert cat.by_code("2.000635").estimate_fee({"number_of_copies": 3}) == 24000
    assert cat.by_code("2.000884").estimate_fee({"number_of_documents": 2}) == 20000
    assert cat.by_code("1.001193").estimate_fee({}) == 0
    assert cat.by_code("1.004873").estimate_fee({}) is None


# -- a bad file gets one sentence naming the place --------------------------------------------------


def _broken(mutate):
    data = copy.deepcopy(RAW)
    mutate(data)
    return data


@pytest.mark.parametrize("mutate,words", [
    (lambda d: d["procedures"][0].pop("name_en"), ['1.001193', '"name_en" is missing']),
    (lambda d: d["procedures"][1].update(field_code="Z"), ["1.000894", "field_code"]),
    (lambda d: d["procedures"][2].update(processing_days="three"), ["1.004873", "processing_days"]),
    (lambda d: d["procedures"][3].update(fee_vnd=-5), ["1.000656", "fee_vnd"]),
    (lambda d: d["procedures"][4].update(sources=[]), ["1.004837", "sources"]),
    (lambda d: d["procedures"].append(copy.deepcopy(d["procedures"][0])), ["1.001193", "twice"]),
    (lambda d: d["procedures"][5]["form_schema"].update(type="nonsense"), ["2.000635", "JSON Schema"]),
    (lambda d: d["procedures"][6]["form_schema"]["properties"].pop("applicant"), ["2.000815", "applicant"]),
    (lambda d: d["procedures"][7]["form_schema"]["properties"]["document_name"].pop("x-label-en"),
     ["2.000884", "document_name"]),
    (lambda d: d["procedures"][0]["documents"][0].pop("original_required"), ["1.001193", "document 1"]),
    (lambda d: d["procedures"][0]["documents"][1].update(name_vi=" "), ["1.001193", "document 2", "name_vi"]),
    (lambda d: d["procedures"][0].update(name_vi=unicodedata.normalize("NFD", "Đăng ký")), ["NFC"]),
    (lambda d: d.pop("status_date"), ["status_date"]),
    (lambda d: d.update(procedures=[]), ["procedures"]),
])
def test_bad_catalogue_is_refused_with_a_clear_sentence(mutate, words):
    with pytest.raises(CatalogueError) as e:
        catalogue_from_dict(_broken(mutate))
    for w in words:
        assert w in str(e.value)


def test_bad_files(tmp_path):
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot be read"):
        load_catalogue(bad)


def test_a_saved_copy_round_trips(tmp_path, cat):
    saved = tmp_path / "last.json"
    saved.write_text(json.dumps(cat.to_dict(), ensure_ascii=False), encoding="utf-8")
    again = load_catalogue(saved)
    assert [p.code for p in again] == [p.code for p in cat]
