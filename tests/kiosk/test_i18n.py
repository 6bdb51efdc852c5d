import json
import re
import string
import unicodedata

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
