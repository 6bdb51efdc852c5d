"""Every procedure of the catalogue, submitted by touch only (issue 13): a scanned card (and, for
one procedure, no card), the on-screen keyboard's keys with Telex, digits and dates, the choice
buttons and "Tiếp tục", the review, "Gửi hồ sơ", the result screen. Optional fields are left
empty. Real touches at the centre of visible widgets; reading the form's state only to decide
what to type, never to move."""

import pytest

from kiosk.domain.catalogue import load_catalogue
from test_dossier_ui import CARD, kiosk  # noqa: F401  (fixture: real office, outbox, sender, printer)

pytestmark = [pytest.mark.ui, pytest.mark.slow]

PROCEDURES = [p.code for p in load_catalogue()]


def type_keys(drv, text):
    """Telex on the on-screen keyboard, switching between letters and digits as a person does."""
    for ch in text:
        if ch == " ":
            drv.tap("key-space")
            continue
        key = f"key-{ch.lower()}"
        if not drv.has(key):
            drv.tap("key-layout-letters" if ch.isalpha() else "key-layout-digits")
        if ch.isupper():
            drv.tap("key-shift")
        drv.tap(key)


def answer_for(path, widget):
    """What a citizen would type (Telex) into a required field."""
    if widget == "digits":
        return "079190000002" if path.endswith("id_number") else "1"
    if widget == "date":
        return "05/03/1990" if "birth" in path and not path.startswith("child") else "01/11/2026"
    if widget == "textarea":
        return "Lee Lowji"  # Lê Lợi
    return "Lee Vawn An"  # Lê Văn An


def walk_form(drv):
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
        else:
            sub = drv.app.session.data["submission"]
            field = sub.current
            if field.required and not form.value:
                type_keys(drv, answer_for(field.path, form.widget))
            drv.tap("key-ok")
        if drv.app.root.current == "form":
            assert form.step == step + 1, f"stuck on {label!r}: {form.error or 'no message'}"
    return seen


def submit(drv):
    assert drv.app.root.current == "review", drv.app.notice
    drv.tap("submit_dossier_now")
    drv.wait_until(lambda: drv.app.screen("dossier_result").code, timeout=20)
    assert "Đã nộp hồ sơ" in drv.all_text()


def start(drv, code):
    drv.tap("submit_dossier")
    drv.wait_until(lambda: drv.has(f"procedure_{code}"), timeout=10)
    drv.tap(f"procedure_{code}")
    drv.tap("start_dossier")
    drv.tap("consent_agree")
    drv.tap("consent_next")


@pytest.mark.parametrize("code", PROCEDURES)
def test_with_a_card_every_procedure_is_submitted_by_touch(kiosk, code):  # noqa: F811
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
