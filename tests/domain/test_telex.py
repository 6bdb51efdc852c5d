"""Telex and VNI composition: a word list of names and places, the keyboard's incremental API,
and properties over generated syllables."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.telex import Composer, telex, vni

WORDS = Path(__file__).parent / "data" / "telex_words.tsv"


def _rows():
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            method, style, keys, expected = line.split("\t")
            yield pytest.param(method, style, keys, expected, id=f"{method}-{style}-{keys}")


ROWS = list(_rows())


def test_word_list_is_big_and_covers_both_methods_and_cases():
    methods = {r.values[0] for r in ROWS}
    assert len(ROWS) >= 150 and methods == {"telex", "vni"}
    expected = {r.values[3] for r in ROWS}
    for word in ("Nguyễn", "Phượng", "Trường", "Ưng", "Đắk", "Nẵng", "phường", "NGUYỄN", "Hòa"):
        assert word in expected or any(word in e for e in expected)
    assert all(unicodedata.is_normalized("NFC", r.values[3]) for r in ROWS)


@pytest.mark.parametrize("method,style,keys,expected", ROWS)
def test_word_list(method, style, keys, expected):
    compose = telex if method == "telex" else vni
    assert compose(keys, style=style) == expected


def test_examples_from_the_brief():
    assert telex("phuwowngf truwowngf nguwowif") == "phường trường người"
    assert telex("Nguyeenx Vieetj quoocs giaf gif") == "Nguyễn Việt quốc già gì"
    assert telex("hoaf thuyr") == "hòa thủy"
    assert telex("hoaf thuyr", style="new") == "hoà thuỷ"
    assert vni("Vie65t Nguye64n D9a2 Na84ng") == "Việt Nguyễn Đà Nẵng"


def test_unknown_method_or_style_is_refused():
    with pytest.raises(ValueError):
        Composer("vietiq")
    with pytest.raises(ValueError):
        Composer(style="modern")


# -- incremental API used by the on-screen keyboard ----------------------------------------------


def test_composer_shows_each_step():
    c = Composer()
    seen = []
    for key in "Nguyeenx":
        c.press(key)
        seen.append(c.text)
    assert seen == ["N", "Ng", "Ngu", "Nguy", "Nguye", "Nguyê", "Nguyên", "Nguyễn"]
    assert c.word == "Nguyễn"
    c.press(" ")
    assert c.word == "" and c.text == "Nguyễn "


def test_backspace_deletes_one_character_and_the_tone_on_it():
    c = Composer()
    c.press("hoaf")
    assert c.text == "hòa"
    c.backspace()
    assert c.text == "hò"  # the last character goes; the tone on "o" stays
    c.press("a")
    assert c.text == "hòa"
    c.backspace()
    c.backspace()
    assert c.text == "h"  # the tone went with its vowel
    c.press("a")
    assert c.text == "ha"
    c = Composer()
    c.press("Vieetj ")
    c.backspace()
    c.backspace()
    assert c.text == "Việ"
    c.press("t")
    assert c.text == "Việt"
    for _ in range(10):
        c.backspace()
    assert c.text == ""


def test_tone_buttons_act_on_the_last_word_even_after_a_space():
    c = Composer()
    c.press("Nguyen ")
    c.modify("circ")
    c.tone(4)
    assert c.text == "Nguyễn "
    c.tone(4)  # the same tone again removes it
    assert c.text == "Nguyên "
    c.text = "Tran Ha"
    c.tone(2)
    assert c.text == "Tran Hà"
    c.text = "dang"
    c.modify("stroke")
    c.modify("breve")
    c.tone(5)
    assert c.text == "đặng"
    c.text = "Truong"
    c.modify("horn")
    c.tone(2)
    assert c.text == "Trường"
    assert Composer().tone(1) is False  # nothing to put a tone on


def test_existing_text_can_be_continued():
    c = Composer(text="Phạm Thi")
    c.press("j")
    assert c.text == "Phạm Thị"
    c = Composer("vni", text="Ho")
    c.press("62")
    assert c.text == "Hồ"


def test_telex_passes_digits_and_punctuation_through():
    assert telex("soos 12/3, DDuwowngf 3-2.") == "số 12/3, Đường 3-2."
    assert vni("12 Le6 Lo75i") == "12 Lê Lợi"


# -- properties ------------------------------------------------------------------------------------

INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
            "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"]
# "*" follows the vowel that takes the tone (old style); rhymes with stop finals take only
# sắc and nặng, like real syllables.
OPEN_RHYMES = """a* a*i a*o a*u a*y ă*m ă*n ă*ng â*m â*n â*ng â*u â*y e* e*m e*n e*o ê* ê*m ê*n ê*nh ê*u
i* i*a i*m i*n i*nh i*u iê*m iê*n iê*ng iê*u o* o*a oa*i oa*n oa*ng oa*nh oa*y o*e o*i o*m o*n o*ng
ô* ô*i ô*m ô*n ô*ng ơ* ơ*i ơ*m ơ*n u* u*a uâ*n uâ*y uê* u*i u*m u*n u*ng u*y uy*a uyê*n uy*nh uơ*
ư* ư*a ư*i ư*ng ươ*i ươ*ng ươ*u ư*u ươ*n ươ*m yê*n yê*u""".split()
STOP_RHYMES = """a*c a*ch a*p a*t ă*c ă*p ă*t â*c â*p â*t e*c e*t ê*ch ê*t i*ch i*p i*t iê*c iê*p iê*t
o*c o*p o*t oa*c oa*t ô*c ô*t ơ*p ơ*t u*c u*p u*t uyê*t ư*c ư*t ươ*c ươ*p ươ*t""".split()
TONE_MARKS = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def _syllable(initial, rhyme, tone):
    if initial == "qu" and rhyme[0] in "uoư":
        initial = "c"
    if initial in ("g", "gi") and rhyme[0] == "i":
        initial = "gh"  # "gia" is gi + a: the i of gi never takes the tone
    return unicodedata.normalize("NFC", initial + rhyme.replace("*", tone))


syllables = st.one_of(
    st.builds(_syllable, st.sampled_from(INITIALS), st.sampled_from(OPEN_RHYMES), st.sampled_from(TONE_MARKS)),
    st.builds(_syllable, st.sampled_from(INITIALS), st.sampled_from(STOP_RHYMES),
              st.sampled_from(["\u0301", "\u0323"])),
)


def spell(word: str, method: str) -> str:
    """The key sequence for a word: marks typed in place, the tone key at the end."""
    keys, tone = [], ""
    tone_keys = {"\u0301": "s1", "\u0300": "f2", "\u0309": "r3", "\u0303": "x4", "\u0323": "j5"}
    for ch in unicodedata.normalize("NFD", word):
        if ch in tone_keys:
            tone = tone_keys[ch][0 if method == "telex" else 1]
        elif ch == "\u0302":
            keys.append(keys[-1].lower() if method == "telex" else "6")
        elif ch == "\u0306":
            keys.append("w" if method == "telex" else "8")
        elif ch == "\u031b":
            keys.append("w" if method == "telex" else "7")
        elif ch in "đĐ":
            keys.append({"đ": "d", "Đ": "D"}[ch] + ("d" if method == "telex" else "9"))
        else:
            keys.append(ch)
    return "".join(keys) + tone


@settings(max_examples=400, deadline=None)
@given(syllables, st.sampled_from(["telex", "vni"]), st.sampled_from(["lower", "upper", "title"]))
def test_spelling_any_valid_syllable_composes_it(word, method, case):
    word = {"lower": word, "upper": word.upper(), "title": word[:1].upper() + word[1:]}[case]
    word = unicodedata.normalize("NFC", word)
    compose = telex if method == "telex" else vni
    assert compose(spell(word, method)) == word


@settings(max_examples=300, deadline=None)
@given(st.lists(syllables, min_size=1, max_size=4))
def test_a_sentence_of_syllables_composes_word_by_word(words):
    sentence = " ".join(words)
    assert telex(" ".join(spell(w, "telex") for w in words)) == sentence
    assert vni(" ".join(spell(w, "vni") for w in words)) == sentence


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aAeEoOuUiIyYwWdDsfrxjzSFRXJZbcghnqt0123456789 .,-", max_size=30),
       st.sampled_from(["telex", "vni"]), st.sampled_from(["old", "new"]))
def test_any_key_sequence_gives_nfc_and_never_fails(keys, method, style):
    c = Composer(method, style)
    for k in keys:
        c.press(k)
        assert unicodedata.is_normalized("NFC", c.text)
    # backspace always empties the field in at most len(text) presses
    for _ in range(len(c.text)):
        c.backspace()
    assert c.text == ""


@given(syllables)
def test_old_and_new_style_differ_only_on_open_oa_oe_uy(word):
    new = telex(spell(word, "telex"), style="new")
    base = unicodedata.normalize("NFD", word)
    if new != word:
        stripped = "".join(ch for ch in base if ch not in "\u0301\u0300\u0309\u0303\u0323")
        assert stripped.lower().endswith(("oa", "oe", "uy"))
