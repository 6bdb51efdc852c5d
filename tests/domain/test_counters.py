"""Counter lists in words: one formatter for the screen, the ticket and the dossier slip."""

import pytest

from kiosk.domain.counters import counter_numbers, counters_text, handover_text, place_without_counters


@pytest.mark.parametrize("counters,vi,en", [
    ([2], "quầy số 2", "counter 2"),
    ([1, 3], "quầy số 1 hoặc 3", "counter 1 or 3"),
    ([2, 3], "quầy số 2 hoặc 3", "counter 2 or 3"),
    ([1, 2, 3], "quầy số 1, 2 hoặc 3", "counters 1, 2 or 3"),
    ([4, 1, 3, 2], "quầy số 1, 2, 3 hoặc 4", "counters 1, 2, 3 or 4"),
])
def test_counters_in_both_languages(counters, vi, en):
    assert counters_text(counters, "vi") == vi
    assert counters_text(counters, "en") == en
    assert counters_text(counters) == vi  # Vietnamese unless told otherwise


def test_never_a_bare_comma_list():
    """"quầy số 1, 3" reads as "counters 1 and 3": the last two are joined by "hoặc"/"or"."""
    assert counters_text([1, 3]) != "quầy số 1, 3"
    assert counters_text([1, 3], "en") != "counter 1, 3"


def test_capital_for_a_value_standing_alone():
    assert counters_text([1, 3], "vi", capital=True) == "Quầy số 1 hoặc 3"
    assert counters_text([1, 2, 3], "en", capital=True) == "Counters 1, 2 or 3"


def test_no_counter_is_no_text():
    assert counters_text([]) == "" and counters_text(None, "en") == ""


def test_numbers_from_any_shape_the_office_sends_once_each_in_order():
    assert counter_numbers([3, "1", {"number": 2}, 3, {"number": None, "name": "7"}, None, ""]) == ["1", "2", "3", "7"]
    assert counter_numbers([10, 9, 1]) == ["1", "9", "10"]  # by number, not as text
    assert counters_text(["A", 2]) == "quầy số 2 hoặc A"


@pytest.mark.parametrize("place,left", [
    ("Quầy số 2 – Trung tâm Phục vụ hành chính công", "Trung tâm Phục vụ hành chính công"),
    ("Quầy 1, 3: Trung tâm Phục vụ hành chính công", "Trung tâm Phục vụ hành chính công"),
    ("quầy số 1 hoặc 3 - Bộ phận một cửa", "Bộ phận một cửa"),
    ("Counter 2 – One-stop reception department", "One-stop reception department"),
    ("Counters 1 and 3 – One-stop reception department", "One-stop reception department"),
    ("Quầy số 2", ""),
    ("Trung tâm Phục vụ hành chính công", "Trung tâm Phục vụ hành chính công"),
    ("Quầy hướng dẫn – tầng 1", "Quầy hướng dẫn – tầng 1"),  # no number: a place, kept
])
def test_the_catalogue_place_loses_its_own_counter_numbers(place, left):
    assert place_without_counters(place) == left


def test_handover_puts_the_queue_counters_before_the_place():
    place = "Quầy số 2 – Trung tâm Phục vụ hành chính công"  # the catalogue's old free text
    assert handover_text([1, 3], place, "vi") == "Quầy số 1 hoặc 3 – Trung tâm Phục vụ hành chính công"
    assert handover_text([1, 3], "Counter 2 – One-stop reception department", "en") == \
        "Counter 1 or 3 – One-stop reception department"
    assert handover_text([], place, "vi") == "Trung tâm Phục vụ hành chính công"  # counters not known yet
    assert handover_text([2], "", "vi") == "Quầy số 2"
