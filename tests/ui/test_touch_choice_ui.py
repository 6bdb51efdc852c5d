"""Choice pages of a dossier's form, by touch only: a choice lights up, "Tiếp tục" moves on, and
the hidden on-screen keyboard takes no touch (issue 13). Real touches at the centre of what is
on screen; no app method moves between screens."""

import pytest

from test_dossier_ui import CARD, kiosk  # noqa: F401  (fixture: real office, outbox, printer)

pytestmark = pytest.mark.ui

BIRTH = "1.001193"  # Đăng ký khai sinh: the applicant's sex and the child's sex are choices


def to_birth_form(drv):
    drv.tap("submit_dossier")
    drv.wait_until(lambda: drv.has(f"procedure_{BIRTH}"), timeout=10)
    drv.tap(f"procedure_{BIRTH}")
    drv.tap("start_dossier")
    drv.tap("consent_agree")
    drv.tap("consent_next")
    assert drv.app.root.current == "form"


def label(drv):
    return drv.find("field_label").text


def step(drv):
    return drv.app.screen("form").step


def choose_and_continue(drv, value):
    before = step(drv)
    assert not drv.has("key-a") and not drv.has("key-ok"), "a choice page shows no keyboard"
    drv.tap(f"choice_{value}")
    assert drv.find(f"choice_{value}").primary, "the chosen answer lights up"
    assert step(drv) == before
    drv.tap("choice_next")
    assert step(drv) == before + 1, f"'Tiếp tục' did not leave the choice page ({label(drv)})"


def test_applicant_sex_without_a_card_is_left_with_tiep_tuc(kiosk):  # noqa: F811
    to_birth_form(kiosk)
    assert label(kiosk).startswith("Họ, chữ đệm và tên")
    kiosk.type_keys("Nguyeenx Vawn An")
    kiosk.tap("key-ok")
    assert label(kiosk).startswith("Số định danh")
    kiosk.type_keys("079190000001")
    kiosk.tap("key-ok")
    assert label(kiosk).startswith("Ngày sinh")
    kiosk.type_keys("05/03/1990")
    kiosk.tap("key-ok")
    assert label(kiosk).startswith("Giới tính")
    choose_and_continue(kiosk, "Nam")
    assert label(kiosk).startswith("Nơi cư trú")
    # the keyboard is back, and it types
    kiosk.type_keys("Lee Lowji")
    assert kiosk.find("field_value").text == "Lê Lợi"
    # back to the choice page, and forward again: the answer is kept
    kiosk.tap("form_back")
    assert label(kiosk).startswith("Giới tính") and kiosk.find("choice_Nam").primary
    kiosk.tap("choice_next")
    assert label(kiosk).startswith("Nơi cư trú")


def test_child_sex_with_a_card_is_left_with_tiep_tuc(kiosk):  # noqa: F811
    kiosk.app.scanner_frame(CARD + "\r")
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    kiosk.tap("card_confirm")
    to_birth_form(kiosk)
    kiosk.tap("address_card")  # the card's address, confirmed (tests/ui/test_address_ui.py)
    assert label(kiosk).startswith("Số điện thoại")
    kiosk.tap("key-ok")  # optional
    assert "của trẻ" in label(kiosk)
    kiosk.type_keys("Nguyeenx Minh Khoa")
    kiosk.tap("key-ok")
    assert label(kiosk).startswith("Ngày sinh của trẻ")
    kiosk.type_keys("01/11/2026")
    kiosk.tap("key-ok")
    assert label(kiosk).startswith("Giới tính của trẻ")
    choose_and_continue(kiosk, "Nữ")
    assert label(kiosk).startswith("Nơi sinh")
