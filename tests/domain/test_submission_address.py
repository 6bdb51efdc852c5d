"""The card's address page of a form: shown, never skipped; kept, replaced by its current name or
typed anew; a second card asks again."""

from datetime import date
from types import SimpleNamespace

import pytest

from kiosk.domain import addresses
from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.submission import Submission

OLD = "12 Lê Lợi, Phường Bến Thành, Quận 1, TP.Hồ Chí Minh"


def card(address=OLD, number="079190000001"):
    return SimpleNamespace(full_name="Trần Thị Bích", id_number=number, date_of_birth=date(1990, 3, 5),
                           sex="Nữ", address=address)


@pytest.fixture(scope="module")
def proc():
    return load_catalogue().by_code("2.000815")  # copy certification: applicant with an address


def test_the_card_address_is_a_page_to_confirm(proc):
    sub = Submission(proc, citizen=card())
    assert sub.confirming_address() and sub.current.path == "applicant.address"
    assert "applicant.full_name" not in [f.path for f in sub.pages]
    assert sub.choose_address("card") and not sub.confirming_address()
    assert sub.answers["applicant.address"] == OLD and sub.address_choice == "card"
    assert sub.back() and sub.confirming_address()  # "Quay lại" shows it again


def test_the_new_name_goes_into_the_document(proc):
    sub = Submission(proc, citizen=card())
    proposal = addresses.check(OLD).proposal
    assert sub.choose_address("new", proposal)
    assert sub.document()["applicant"]["address"] == "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh"


def test_typing_another_address_opens_the_keyboard_page(proc):
    sub = Submission(proc, citizen=card())
    assert sub.choose_address("other") is False
    assert not sub.confirming_address() and sub.current.path == "applicant.address"
    assert sub.answers["applicant.address"] == ""
    assert sub.next() is False  # required: empty is refused with a sentence
    sub.answer("applicant.address", "Số 3 Nguyễn Huệ, phường Sài Gòn, TP. Hồ Chí Minh")
    assert sub.next() and sub.document()["applicant"]["address"].startswith("Số 3 Nguyễn Huệ")


def test_a_second_card_asks_about_its_own_address(proc):
    sub = Submission(proc, citizen=card())
    sub.choose_address("other")
    sub.fill_from_card(card("Phường Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh", "079190000002"))
    assert sub.address_choice == "" and sub.confirming_address()
    assert sub.answers["applicant.address"] == "Phường Phạm Ngũ Lão, Quận 1, TP. Hồ Chí Minh"


def test_without_a_card_the_address_is_typed(proc):
    sub = Submission(proc)
    sub.index = [f.path for f in sub.pages].index("applicant.address")
    assert not sub.confirming_address()


def test_editing_the_address_from_review_shows_its_page_again(proc):
    sub = Submission(proc, citizen=card())
    sub.choose_address("card")
    sub.index = len(sub.pages)
    sub.edit("applicant.address")
    assert sub.confirming_address()
    assert sub.choose_address("new", addresses.check(OLD).proposal) and sub.on_review
