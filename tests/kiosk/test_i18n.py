import json
import re
import string
import unicodedata

import pytest

from kiosk import i18n
from kiosk.paths import I18N


def _raw(lang):
    return {k: v for k, v in json.loads((I18N / f"{lang}.json").read_text("utf-8")).items() if not k.startswith("_")}


def test_both_languages_have_the_same_keys():
    assert set(_raw("vi")) == set(_raw("en"))


def test_vietnamese_text_is_nfc_with_diacritics():
    vi = _raw("vi")
    for key, text in vi.items():
        assert unicodedata.is_normalized("NFC", text), key
    # a catalogue that lost its diacritics would still pass the checks above
    assert "Lấy số thứ tự" == vi["home.take_number"]
    assert "Ông/bà còn tiếp tục không?" == vi["idle.question"]


def test_placeholders_match_between_languages():
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}
    vi, en = _raw("vi"), _raw("en")
    for key in vi:
        assert fields(vi[key]) == fields(en[key]), key


def test_every_key_used_in_code_exists():
    from kiosk.paths import ROOT

    used = set()
    sources = [*(ROOT / "screens").rglob("*.kv"), *(ROOT / "screens").rglob("*.py"),
               *(p for p in (ROOT / "kiosk").rglob("*.py") if "office" not in p.parts)]
    for path in sources:
        used |= set(re.findall(r"""\.t\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8")))
    assert used, "no translation keys found: the pattern is wrong"
    missing = used - set(_raw("vi"))
    assert not missing


def test_tr_fills_values_and_falls_back():
    assert i18n.tr("shell.step", "vi", step=2, steps=4) == "Bước 2/4"
    assert i18n.tr("shell.step", "en", step=2, steps=4) == "Step 2 of 4"
    assert i18n.tr("home.take_number", "fr") == "Lấy số thứ tự"  # unknown language: Vietnamese
    assert i18n.other("vi") == "en" and i18n.other("en") == "vi"


@pytest.mark.parametrize("ahead, minutes, english", [
    (1, 1, "1 person ahead of you, about 1 minute"),
    (2, 1, "2 people ahead of you, about 1 minute"),
    (1, 12, "1 person ahead of you, about 12 minutes"),
])
def test_english_counts_take_the_singular_for_one(ahead, minutes, english):
    assert i18n.tr("ticket.ahead", "en", ahead=ahead, minutes=minutes) == english
    assert i18n.tr("ticket.ahead", "vi", ahead=ahead, minutes=minutes) == (
        f"Trước ông/bà còn {ahead} người, chờ khoảng {minutes} phút")
    waiting = i18n.tr("scan.ticket_waiting", "en", number="A001", service="Civil status", ahead=ahead,
                      minutes=minutes)
    assert waiting == f"Ticket A001 (Civil status): {english}."


def test_no_english_count_is_left_plural_for_one():
    """Every English text with a count placeholder before a plural noun chooses its word by count."""
    en = _raw("en")
    bare = {k: v for k, v in en.items() if re.search(r"\{\w+\} (?:\w+ )?(people|minutes|seconds|days)\b", v)}
    assert not bare
    assert i18n.tr("idle.countdown", "en", seconds=1).startswith("In 1 second the kiosk")
    assert i18n.tr("dossier.processing_days", "en", days=1) == "1 working day"
    assert i18n.tr("dossier.processing_days", "en", days=5) == "5 working days"
