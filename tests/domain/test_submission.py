from datetime import date
from types import SimpleNamespace

import pytest

from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.submission import Submission


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def card():
    return SimpleNamespace(full_name="Trần Thị Bích", id_number="079190000001", date_of_birth=date(1990, 3, 5),
                           sex="Nữ", address="12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh")


def first_with_applicant(catalogue):
    return next(p for p in catalogue if any(f.startswith("applicant") for f in p.form_schema["properties"]))


def test_card_fields_are_filled_and_not_asked_again(catalogue):
    proc = first_with_applicant(catalogue)
    sub = Submission(proc, citizen=card())
    asked = [f.path for f in sub.pages]
    assert "applicant.full_name" not in asked and "applicant.id_number" not in asked
    assert sub.answers["applicant.full_name"] == "Trần Thị Bích"
    assert sub.answers["applicant.date_of_birth"] == "05/03/1990"
    without = Submission(proc)
    assert "applicant.full_name" in [f.path for f in without.pages]


def test_a_required_field_blocks_next_with_a_plain_sentence(catalogue):
    proc = first_with_applicant(catalogue)
    sub = Submission(proc, citizen=card())
    assert sub.confirming_address()  # the card's address page comes first: confirmed by a tap
    assert sub.choose_address("card")
    first = sub.current
    assert first is not None
    if first.required:
        assert sub.next() is False
        err = sub.errors[first.path]
        assert err.message_vi and err.message_en and "'" not in err.message_vi
        assert sub.current.path == first.path


def test_walking_every_page_reaches_review_and_payload_validates(catalogue):
    from kiosk.domain import forms

    proc = catalogue.by_code("1.004873") or first_with_applicant(catalogue)  # marital status certificate
    sub = Submission(proc, citizen=card())
    sub.consent = True
    guard = 0
    while not sub.on_review and guard < 60:
        f = sub.current
        value = {"digits": "0901234567", "date": "01/02/2020"}.get(f.widget, "Nội dung thử")
        if f.choices:
            value = f.choices[0][0]
        if "id_number" in f.path:
            value = "001290000002"
        if f.schema.get("type") == "integer":
            value = str(max(1, f.schema.get("minimum", 1)))
        sub.answer(f.path, value)
        if not sub.next():
            sub.answer(f.path, "")  # an optional field we filled wrongly: leave it empty
            assert sub.next(), sub.errors
        guard += 1
    assert sub.on_review
    body = sub.payload(kiosk_id="kiosk-1")
    assert body["applicant"]["id_number"] == "079190000001"
    assert body["applicant"]["date_of_birth"] == "1990-03-05"
    assert forms.validate(proc.form_schema, forms.submission_document(body["applicant"], body["fields"])) == []
    assert sub.ready()


def test_no_consent_no_submission(catalogue):
    sub = Submission(first_with_applicant(catalogue), citizen=card())
    sub.index = len(sub.pages)
    assert sub.ready() is False


def test_editing_a_card_field_from_review_returns_to_review(catalogue):
    sub = Submission(first_with_applicant(catalogue), citizen=card())
    sub.index = len(sub.pages)
    sub.edit("applicant.address")
    assert sub.current.path == "applicant.address"
    sub.answer("applicant.address", "Số 3 Nguyễn Huệ, phường Sài Gòn")
    assert sub.next()
    assert sub.on_review
    assert sub.answers["applicant.address"] == "Số 3 Nguyễn Huệ, phường Sài Gòn"


def test_review_rows_in_english_translate_choices(catalogue):
    sub = Submission(first_with_applicant(catalogue), citizen=card())
    rows = {p: v for p, _, v in sub.review_rows("en")}
    assert rows["applicant.sex"] == "Female"


def test_a_typed_id_number_is_checked_like_a_scanned_one(catalogue):
    sub = Submission(first_with_applicant(catalogue))  # no card: a volunteer types the number
    sub.answer("applicant.date_of_birth", "05/03/1990")
    sub.answer("applicant.sex", "Nữ")
    sub.answer("applicant.id_number", "079190000001")  # 1 = woman born in the 1900s, 90 = 1990
    assert sub.id_warnings("vi") == []
    sub.answer("applicant.id_number", "079085000001")  # a man born in 1985
    warnings = sub.id_warnings("en")
    assert len(warnings) == 2 and all(w for w in warnings)
    sub.answer("applicant.id_number", "999190000001")  # no such province code
    assert len(sub.id_warnings("vi")) == 1


def test_without_a_card_an_empty_first_applicant_field_is_refused_on_its_page(catalogue):
    """No card and nothing typed yet: the applicant group is absent from the document, and its
    first required field (the name) must still be refused on its own page with a plain sentence
    saying what to do, not only at review as "Thiếu thông tin người yêu cầu."."""
    for proc in catalogue:
        sub = Submission(proc)
        first = sub.current
        if first is None or not first.path.startswith("applicant.") or not first.required:
            continue
        assert sub.next() is False, proc.code
        assert sub.current.path == first.path
        err = sub.errors[first.path]
        assert err.field == first.path
        assert err.message_vi.startswith(("Vui lòng nhập", "Vui lòng chọn")), err.message_vi
        assert "Thiếu thông tin" not in err.message_vi and "'" not in err.message_vi
        assert err.message_en.startswith("Please")
        sub.answer(first.path, "12" if first.widget == "digits" else "Lê Văn An")
        assert sub.errors == {}


def test_without_a_card_the_name_page_refuses_empty_then_moves_on(catalogue):
    proc = catalogue.by_code("1.001193") or first_with_applicant(catalogue)
    sub = Submission(proc)
    name = next(f for f in sub.pages if f.path == "applicant.full_name")
    sub.index = [f.path for f in sub.pages].index(name.path)
    assert sub.next() is False
    assert sub.errors[name.path].message_vi == f"Vui lòng nhập {name.title_vi[:1].lower() + name.title_vi[1:]}."
    sub.answer(name.path, "Lê Văn An")
    assert sub.next() is True and sub.current.path != name.path
