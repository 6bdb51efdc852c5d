"""The card's address on the form, by real touches at 1024×600: a card from before the July 2025
reform shows its address and the current name ("Dùng địa chỉ mới"), and the dossier that reaches
the office carries the address the citizen chose."""

import pytest

from office_testing import staff_session
from test_dossier_ui import MARITAL_STATUS, kiosk  # noqa: F401  (fixture: app + real office + outbox)

pytestmark = pytest.mark.ui

OLD_CARD = "079190000003||Lê Văn Tám|01021960|Nam|12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh|10052022"
NEW_ADDRESS = "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"
SPLIT_CARD = "079190000004||Lê Văn Tám|01021960|Nam|3 Calmette, P. Nguyễn Thái Bình, Q.1, TP.HCM|10052022"


def to_address_page(drv, card):
    drv.app.scanner_frame(card + "\r")
    drv.wait_until(lambda: drv.has("card_confirm"))
    drv.tap("card_confirm")
    drv.tap("submit_dossier")
    drv.tap(f"procedure_{MARITAL_STATUS}")
    drv.tap("start_dossier")
    drv.tap("consent_agree")
    drv.tap("consent_next")
    assert drv.app.root.current == "form"


def fill_rest_and_send(drv, address):
    from test_touch_walk_ui import walk_form

    walk_form(drv, {"applicant.phone": "0901234567"})  # the other pages as a citizen answers them
    assert drv.app.root.current == "review"
    assert address in drv.all_text()  # the review shows the address that will be sent
    drv.tap("submit_dossier_now")
    drv.wait_until(lambda: drv.app.screen("dossier_result").code, timeout=20)
    return drv.app.screen("dossier_result").code


def office_applicant(office, code):
    staff = staff_session(office, "canbo1", "canbo1-demo")
    reply = staff.get(f"{office.url}/api/dossiers/{code}")
    assert reply.status_code == 200, reply.text
    return reply.json()["applicant"]


def test_an_old_card_address_is_shown_with_its_current_name_and_the_new_one_reaches_the_office(kiosk, office):
    to_address_page(kiosk, OLD_CARD)
    text = kiosk.all_text()
    # the card's address, shown before anything is sent, with the current name proposed
    assert "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh" in text
    assert f"Địa chỉ mới: {NEW_ADDRESS}" in text
    assert kiosk.find("address_new").text == "Dùng địa chỉ mới"
    assert kiosk.find("address_card").text == "Giữ như trên thẻ"
    assert kiosk.find("address_other").text == "Nhập địa chỉ khác"
    assert not kiosk.has("key-ok")  # no keyboard on this page: every answer is one tap
    kiosk.tap("address_new")
    assert "Số điện thoại" in kiosk.find("field_label").text
    code = fill_rest_and_send(kiosk, NEW_ADDRESS)
    assert office_applicant(office, code)["address"] == NEW_ADDRESS


def test_keep_as_on_the_card_and_back_shows_the_page_again(kiosk, office):
    to_address_page(kiosk, OLD_CARD)
    kiosk.tap("address_card")
    assert "Số điện thoại" in kiosk.find("field_label").text
    kiosk.tap("form_back")  # the address page comes back, the choice can be changed
    assert kiosk.has("address_new")
    kiosk.tap("address_card")
    code = fill_rest_and_send(kiosk, "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh")
    assert office_applicant(office, code)["address"] == "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh"


def test_a_current_address_is_confirmed_or_typed_anew_on_the_keyboard(kiosk, office):
    to_address_page(kiosk, OLD_CARD.replace("Phường Bến Thành, Quận 1, TP.Hồ Chí Minh",
                                            "phường Bến Thành, TP. Hồ Chí Minh"))
    assert kiosk.find("address_card").text == "Đúng, dùng địa chỉ này" and not kiosk.has("address_new")
    kiosk.tap("address_other")  # moved house: type the current address
    assert kiosk.has("key-ok") and kiosk.find("field_value").text == ""
    kiosk.type_keys("5 Hafm Nghi")
    assert kiosk.find("field_value").text == "5 Hàm Nghi"
    kiosk.tap("key-ok")
    code = fill_rest_and_send(kiosk, "5 Hàm Nghi")
    assert office_applicant(office, code)["address"] == "5 Hàm Nghi"


def test_a_divided_ward_names_the_candidates_and_proposes_no_guess(kiosk):
    to_address_page(kiosk, SPLIT_CARD)
    text = kiosk.all_text()
    assert "phường Sài Gòn và phường Bến Thành, tùy đường phố" in text
    assert not kiosk.has("address_new")
    assert kiosk.find("address_other").primary and kiosk.find("address_card").text == "Giữ như trên thẻ"


def test_the_address_page_in_english(kiosk):
    kiosk.app.set_language("en")
    to_address_page(kiosk, OLD_CARD)
    text = kiosk.all_text()
    assert f"New address: {NEW_ADDRESS}" in text and kiosk.find("address_new").text == "Use the new address"
