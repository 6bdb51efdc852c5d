"""Catalogue procedures submitted by touch only (issue 13): with a scanned card and without one
(the applicant's details typed: name in Telex, ID number on digits, date of birth, sex, address),
the on-screen keyboard's keys with Telex, digits and dates, the choice buttons and "Tiếp tục", the
review, "Gửi hồ sơ", the result screen. Optional fields are left empty. Real touches at the centre
of visible widgets; reading the form's state only to decide what to type, never to move. A
procedure done only at the counter is walked to its number ("Chuẩn bị hồ sơ và lấy số").

Why a subset: one walk takes about 20 s (8 to 47 s on a loaded 2-core runner), per window size.
Walking all 30+ procedures of the catalogue with and without a card at 1024×600 and 1080×1920
would add some 20 minutes to CI. The walks below keep to about the count of the 11-procedure
catalogue (about 22 per size) and are chosen so that together they cover every field, every form
widget kind (text, date, digits, integer digits, choice, textarea), declared and in-person
procedures, with and without a card (`test_the_walked_subset_is_representative` checks this
against the catalogue). Every procedure's form is still filled page by page, fast and without the
UI, through the same domain code in tests/domain/test_catalogue_coverage.py.
"""

import pytest

from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.forms import fields_in_order
from ui_harness import Driver
from test_dossier_ui import CARD, kiosk  # noqa: F401  (fixture: real office, outbox, sender, printer)

pytestmark = [pytest.mark.ui, pytest.mark.slow]

CATALOGUE = load_catalogue()
# declared at the kiosk, walked with a scanned card / with the applicant's details typed
WITH_CARD = ["1.001193", "1.000894", "1.000656", "2.000635", "1.004859", "1.004746",
             "1.013978", "1.001776", "1.001699", "1.001612"]
WITHOUT_CARD = ["1.004873", "1.004837", "1.001022", "1.004884", "2.000528",
                "1.009994", "1.014027", "1.001570"]
# done at the counter: the page offers "Chuẩn bị hồ sơ và lấy số"
AT_COUNTER = ["2.000815", "2.001035"]


def test_the_walked_subset_is_representative():
    walked = [CATALOGUE.by_code(c) for c in WITH_CARD + WITHOUT_CARD + AT_COUNTER]
    assert None not in walked
    assert {p.field_code for p in walked} == {p.field_code for p in CATALOGUE}  # every field
    declared = [CATALOGUE.by_code(c) for c in WITH_CARD + WITHOUT_CARD]
    assert not any(p.in_person for p in declared) and all(CATALOGUE.by_code(c).in_person for c in AT_COUNTER)
    kinds = {("integer" if f.schema.get("type") == "integer" else f.widget)
             for p in declared for f in fields_in_order(p.form_schema)}
    assert kinds == {"text", "date", "digits", "integer", "choice", "textarea"}
    assert {p.field_code for p in map(CATALOGUE.by_code, WITH_CARD)} >= {"A", "C", "D", "F"}
    assert {p.field_code for p in map(CATALOGUE.by_code, WITHOUT_CARD)} >= {"A", "C", "D", "F"}
    assert len(WITH_CARD) + len(WITHOUT_CARD) + len(AT_COUNTER) + 2 <= 24  # + the two birth walks below


def answer_for(path, widget, schema=None):
    """What a citizen would type (Telex) into a required field."""
    if widget == "digits":
        if path.endswith("id_number"):
            return "079190000002"
        return str(max((schema or {}).get("minimum", 1), 1))  # a count, or a year (from 1900)
    if widget == "date":
        return "05/03/1990" if "birth" in path and not path.startswith("child") else "01/11/2026"
    if widget == "textarea":
        return "Lee Lowji"  # Lê Lợi
    return "Lee Vawn An"  # Lê Văn An


def walk_form(drv, answers=None):
    """Answer every page by touch; `answers` (path -> Telex keys) overrides `answer_for`."""
    answers = answers or {}
    form = drv.app.screen("form")
    seen = []
    while drv.app.root.current == "form":
        assert len(seen) < 40, f"the form does not end: {seen[-3:]}"
        label, step = drv.find("field_label").text, form.step
        seen.append(label)
        if form.widget == "choice":
            choice = drv.app.session.data["submission"].current.choices[0][0]
            drv.tap(f"choice_{choice}")
            drv.tap("choice_next")
        elif form.widget == "address":  # the card's address: "Đúng, dùng địa chỉ này"
            drv.tap("address_card")
        else:
            sub = drv.app.session.data["submission"]
            field = sub.current
            if field.required and not form.value:
                drv.type_keys(answers.get(field.path) or answer_for(field.path, form.widget, field.schema))
            drv.tap("key-ok")
        if drv.app.root.current == "form":
            assert form.step == step + 1, f"stuck on {label!r}: {form.error or 'no message'}"
    return seen


def submit(drv):
    assert drv.app.root.current == "review", drv.app.notice
    drv.tap("submit_dossier_now")
    drv.wait_until(lambda: drv.app.screen("dossier_result").code, timeout=20)
    assert "Đã khai hồ sơ" in drv.all_text()


def start(drv, code):
    drv.tap("submit_dossier")
    drv.wait_until(lambda: drv.has(f"procedure_{code}"), timeout=10)
    drv.tap(f"procedure_{code}")
    drv.tap("start_dossier")
    drv.tap("consent_agree")
    drv.tap("consent_next")


@pytest.mark.parametrize("code", WITH_CARD)
def test_with_a_card_a_procedure_is_submitted_by_touch(kiosk, code):  # noqa: F811
    kiosk.app.scanner_frame(CARD + "\r")
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    kiosk.tap("card_confirm")
    start(kiosk, code)
    walk_form(kiosk)
    submit(kiosk)


def test_without_a_card_a_birth_is_registered_by_touch(kiosk):  # noqa: F811
    start(kiosk, "1.001193")
    seen = walk_form(kiosk)
    assert any(label.startswith("Giới tính") for label in seen)  # the applicant's own, a choice
    review = kiosk.all_text()
    assert "Lê Văn An" in review and "079190000002" in review
    submit(kiosk)


# What a citizen without a card types for themself (Telex): "Nguyễn Văn An", "12 Lê Lợi".
APPLICANT = {
    "applicant.full_name": "Nguyeenx Vawn An",
    "applicant.id_number": "079190000002",
    "applicant.date_of_birth": "05/03/1990",
    "applicant.address": "12 Lee Lowji",
}


@pytest.mark.parametrize("code", WITHOUT_CARD)
def test_without_a_card_a_procedure_is_submitted_by_touch(kiosk, code):  # noqa: F811
    start(kiosk, code)
    seen = walk_form(kiosk, APPLICANT)
    sub = kiosk.app.session.data["submission"]
    applicant = {f.path for f in sub.fields if f.path.startswith("applicant.")}
    if "applicant.full_name" in applicant:
        assert any(label.startswith("Họ") for label in seen), seen
    review = kiosk.all_text()
    typed = {"applicant.full_name": "Nguyễn Văn An", "applicant.id_number": "079190000002",
             "applicant.date_of_birth": "05/03/1990", "applicant.address": "12 Lê Lợi"}
    for path, shown in typed.items():
        if path in applicant and any(f.path == path and f.required for f in sub.fields):
            assert shown in review, (path, shown)
    submit(kiosk)


@pytest.mark.parametrize("code", AT_COUNTER)
def test_a_procedure_done_at_the_counter_leads_to_a_number_by_touch(kiosk, code):  # noqa: F811
    """At 1024×600 (and in portrait below): the page says it is done at the counter, lists the
    papers as required / if any, offers no online filing, and one tap takes a number in its field."""
    proc = CATALOGUE.by_code(code)
    kiosk.tap("submit_dossier")
    kiosk.wait_until(lambda: kiosk.has(f"procedure_{code}"), timeout=10)
    kiosk.tap(f"procedure_{code}")
    page = kiosk.all_text()
    assert proc.in_person_text("vi") in page
    assert "Giấy tờ bắt buộc" in page
    assert ("Nếu có" in page) == bool(proc.documents_needed("if_applicable"))
    assert not kiosk.has("start_dossier") and "Nộp hồ sơ trực tuyến" not in page
    assert kiosk.find("prepare_papers").text == "Chuẩn bị hồ sơ và lấy số"
    kiosk.tap("prepare_papers")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket", timeout=15)
    ticket = kiosk.app.session.data["ticket"]
    assert ticket["service"] == "chung-thuc" and ticket["number"].startswith("B")
    assert "submission" not in kiosk.app.session.data  # nothing was declared
    kiosk.tap("ticket_done")


def test_without_a_card_an_empty_name_is_refused_on_its_page(kiosk):  # noqa: F811
    """The bug: "Tiếp tục" on an empty name moved on and only the review said "Thiếu thông tin
    người yêu cầu.". It must stay on the name page with a sentence saying what to do."""
    start(kiosk, "1.001193")
    form = kiosk.app.screen("form")
    sub = kiosk.app.session.data["submission"]
    for _ in range(40):  # answer the pages before the name, as a person would
        assert kiosk.app.root.current == "form"
        if sub.current.path == "applicant.full_name":
            break
        if form.widget == "choice":
            kiosk.tap(f"choice_{sub.current.choices[0][0]}")
            kiosk.tap("choice_next")
        else:
            if sub.current.required and not form.value:
                kiosk.type_keys(answer_for(sub.current.path, form.widget))
            kiosk.tap("key-ok")
    assert sub.current.path == "applicant.full_name"
    label, step = kiosk.find("field_label").text, form.step
    assert form.value == ""
    kiosk.tap("key-ok")
    assert kiosk.app.root.current == "form"
    assert kiosk.find("field_label").text == label and form.step == step
    assert form.error.startswith("Vui lòng nhập"), form.error
    assert form.error in kiosk.all_text()
    assert "Thiếu thông tin" not in kiosk.all_text()
    kiosk.type_keys("Nguyeenx Vawn An")
    assert form.value == "Nguyễn Văn An"
    kiosk.tap("key-ok")
    assert form.step == step + 1 and not form.error


# On a floor-standing portrait screen (1080×1920: its own arrangement, app.portrait) the same walks,
# by the same touches. The window is resized once for these tests (the app builds its screens anew
# for it) and back after them. The same subset is walked here, with a card and without one.
LARGE = (1080, 1920)


@pytest.fixture(scope="module")
def portrait_window(kiosk_session_app):
    drv = Driver(kiosk_session_app)
    before = tuple(drv.window.size)
    drv.resize(*LARGE)
    yield
    drv.resize(*before)  # as the other tests expect it


@pytest.fixture
def large(portrait_window, kiosk):  # noqa: F811
    assert tuple(kiosk.window.size) == LARGE and kiosk.app.portrait
    return kiosk


@pytest.mark.parametrize("code", WITH_CARD)
def test_with_a_card_in_portrait_a_procedure_is_submitted_by_touch(large, code):
    test_with_a_card_a_procedure_is_submitted_by_touch(large, code)


@pytest.mark.parametrize("code", WITHOUT_CARD)
def test_without_a_card_in_portrait_a_procedure_is_submitted_by_touch(large, code):
    test_without_a_card_a_procedure_is_submitted_by_touch(large, code)


@pytest.mark.parametrize("code", AT_COUNTER)
def test_in_portrait_a_procedure_done_at_the_counter_leads_to_a_number_by_touch(large, code):
    test_a_procedure_done_at_the_counter_leads_to_a_number_by_touch(large, code)
