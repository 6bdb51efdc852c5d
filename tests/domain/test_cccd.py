"""ID-card QR parsing: every card variant, every way scanners mangle it, every rejection."""

from __future__ import annotations

import json
import logging
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain import cccd
from kiosk.domain.cccd import CitizenId, InvalidIdQR, parse

TODAY = date(2026, 11, 30)
VECTORS = json.loads((Path(__file__).parent / "data" / "cccd_vectors.json").read_text(encoding="utf-8"))
CARD7 = VECTORS["valid"][0]["text"]


def _p(text: str) -> CitizenId:
    return parse(text, today=TODAY)


def _value(c: CitizenId, key: str):
    if key == "masked":
        return c.masked_id()
    if key == "province":
        return c.province_name
    v = getattr(c, key)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, tuple):
        return list(v)
    return v


@pytest.mark.parametrize("vec", VECTORS["valid"], ids=lambda v: v["name"])
def test_valid_vectors(vec):
    c = _p(vec["text"])
    for key, want in vec["expect"].items():
        assert _value(c, key) == want, key


@pytest.mark.parametrize("vec", VECTORS["invalid"], ids=lambda v: v["name"])
def test_invalid_vectors(vec):
    with pytest.raises(InvalidIdQR) as info:
        _p(vec["text"])
    err = info.value
    assert err.code == vec["error"]
    assert isinstance(err, ValueError)
    # A citizen can read it in both languages, with full Vietnamese diacritics in NFC.
    assert err.reason("vi") == err.reason_vi and err.reason("en") == err.reason_en
    assert unicodedata.is_normalized("NFC", err.reason_vi)
    assert any(ch in err.reason_vi for ch in "ảãạăâđêôơư")
    assert err.reason_en.endswith(".")
    # The message never repeats the scanned text (it could hold a card's data).
    assert "Nguyễn" not in str(err) and "001090012345" not in str(err)


def test_scanner_noise_is_ignored():
    base = _p(CARD7)
    for noisy in ("\ufeff" + CARD7, CARD7 + "\r", CARD7 + "\r\n", CARD7 + "\n", "  \t" + CARD7 + "  \r\n"):
        assert _p(noisy) == base


def test_nfd_text_comes_back_nfc():
    c = _p(unicodedata.normalize("NFD", CARD7))
    assert c.full_name == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", c.full_name) and unicodedata.is_normalized("NFC", c.address)
    assert c == _p(CARD7)


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_mojibake_is_repaired(codec):
    # What a terminal or a Windows scanner tool shows when it reads UTF-8 as Latin-1/cp1252.
    # cp1252 has 5 undefined bytes; Windows maps them to the C1 controls, as Latin-1 does.
    holes = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    garbled = "".join(
        chr(b) if codec == "latin-1" or b in holes else bytes([b]).decode("cp1252") for b in CARD7.encode("utf-8")
    )
    assert "Nguyễn" not in garbled and "á»" in garbled
    assert _p(garbled) == _p(CARD7)


def test_mojibake_bom_and_double_encoding():
    once = ("\ufeff" + CARD7).encode("utf-8").decode("latin-1")
    twice = once.encode("utf-8").decode("latin-1")
    assert _p(once) == _p(CARD7)
    assert _p(twice) == _p(CARD7)


def test_real_vietnamese_is_not_mistaken_for_mojibake():
    # Latin-1-range letters that genuinely occur in Vietnamese are left alone.
    for s in ("Lê Hà", "Đỗ Thị Ánh", "Tô Hoài Ân", "Võ Thị Sáu", "Hồ Xuân Hương", "H’Hen Niê"):
        assert cccd.repair_mojibake(s) == s


def test_case_of_names_kept_and_display_name_titled():
    c = _p("001089012345||ĐẶNG THỊ ĐÀO|15031989|Nữ|SỐ 1 LÊ LỢI|01052021")
    assert c.full_name == "ĐẶNG THỊ ĐÀO"
    assert c.display_name == "Đặng Thị Đào"
    assert _p(CARD7).display_name == "Nguyễn Văn An"
    mixed = _p("001089012345||McDonald Văn An|15031989|Nam|Hà Nội|01052021")
    assert mixed.display_name == "McDonald Văn An"  # a mixed-case name is taken as written


def test_sex_written_in_capitals():
    assert _p("001189012345||An|15031989|NỮ|Hà Nội|01052021").sex == "Nữ"
    assert _p("001089012345||An|15031989|NAM|Hà Nội|01052021").sex == "Nam"


def test_age_counts_birthdays():
    c = _p(CARD7)  # born 1989-03-15
    assert c.age(date(2026, 3, 14)) == 36
    assert c.age(date(2026, 3, 15)) == 37
    leap = _p("001200012345||Bé Na|29022000|Nam|Hà Nội|01052021")
    assert leap.age(date(2060, 2, 28)) == 59
    assert leap.age(date(2060, 2, 29)) == 60


def test_masked_id_and_repr_hide_personal_data(caplog):
    c = _p(CARD7)
    assert c.masked_id() == "001******345"
    for shown in (repr(c), str(c), f"{c}", repr([c])):
        assert "001089012345" not in shown
        assert "Nguyễn" not in shown and "Hai Bà Trưng" not in shown and "123456789" not in shown
        assert "001******345" in shown
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("scanned %s", c)
    assert "001089012345" not in caplog.text and "Nguyễn" not in caplog.text


def test_applicant_fields_for_a_dossier():
    assert _p(VECTORS["valid"][1]["text"]).applicant() == {
        "id_number": "079305001234", "full_name": "Trần Thị Bích Ngọc", "date_of_birth": "2005-08-20",
        "sex": "Nữ", "address": "Tổ 5, Phường Bến Thành, TP. Hồ Chí Minh"}


def test_citizen_id_is_frozen():
    c = _p(CARD7)
    with pytest.raises(AttributeError):
        c.full_name = "x"  # type: ignore[misc]


def test_warnings_have_readable_text():
    for code in cccd.WARNINGS:
        assert cccd.warning_text(code, "vi") and cccd.warning_text(code, "en")
        assert cccd.warning_text(code, "vi") != cccd.warning_text(code, "en")


def test_province_list_is_the_circular_07_2016_table():
    p = cccd.provinces()
    assert len(p) == 63
    assert p["001"] == "Hà Nội" and p["079"] == "Hồ Chí Minh" and p["096"] == "Cà Mau"
    assert all(unicodedata.is_normalized("NFC", v) for v in p.values())
    ref = Path("/work/shared/reference/province_codes.json")
    if ref.exists():
        assert p == {k: unicodedata.normalize("NFC", v) for k, v in json.loads(ref.read_text("utf-8")).items()}


def test_a_wrong_clock_does_not_reject_cards():
    # A Pi without a real-time clock can boot in 1970; its date must not make valid cards "future".
    assert parse(CARD7, today=date(1970, 1, 1)).id_number == "001089012345"


def test_invalid_id_qr_survives_pickling():
    import pickle

    err = pickle.loads(pickle.dumps(InvalidIdQR("truncated")))
    assert err.code == "truncated" and "scan" in str(err) and err.reason_vi.startswith("Máy chưa đọc hết")


def test_non_string_input_is_rejected_cleanly():
    with pytest.raises(InvalidIdQR):
        parse(b"001089012345|...")  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------

SCANNER_JUNK = st.text(alphabet=st.sampled_from("0123456789|/ \r\n\ufeffNamNữuÃá»…ĐđAaz?\ufffd-."), max_size=80)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), SCANNER_JUNK, st.binary(max_size=120).map(lambda b: b.decode("latin-1"))))
def test_parse_only_ever_raises_invalid_id_qr(text):
    try:
        c = _p(text)
    except InvalidIdQR as err:
        assert err.code in cccd._REASONS
    else:
        assert len(c.id_number) == 12 and c.sex in ("Nam", "Nữ")


@settings(max_examples=200)
@given(st.lists(st.text(max_size=15), min_size=1, max_size=13), st.sampled_from(["", "\r\n", "|"]))
def test_parse_of_pipe_separated_garbage_only_raises_invalid_id_qr(fields, tail):
    try:
        _p("|".join(fields) + tail)
    except InvalidIdQR:
        pass


VI_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
WORD = st.text(alphabet=VI_LOWER, min_size=1, max_size=8).map(lambda w: w[0].upper() + w[1:])
NAME = st.lists(WORD, min_size=2, max_size=5).map(" ".join)
ADDRESS = st.lists(st.one_of(WORD, st.integers(1, 999).map(str)), min_size=1, max_size=8).map(
    lambda ws: ", ".join(" ".join(ws[i:i + 2]) for i in range(0, len(ws), 2)))


@st.composite
def cards(draw):
    dob = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    issued = draw(st.one_of(st.none(), st.dates(min_value=max(dob, date(2021, 1, 1)), max_value=TODAY)))
    sex = draw(st.sampled_from(["Nam", "Nữ"]))
    century = {1900: 0, 2000: 2}[dob.year // 100 * 100]
    province = draw(st.sampled_from(sorted(cccd.provinces())))
    id_number = f"{province}{century + (sex == 'Nữ')}{dob.year % 100:02d}{draw(st.integers(0, 999999)):06d}"
    old = draw(st.one_of(st.none(), st.from_regex(r"[0-9]{9}", fullmatch=True)))
    form = draw(st.sampled_from([6, 7, 11]))
    if form == 6:
        old = None
    extra = draw(st.lists(st.one_of(st.just(""), NAME), min_size=4, max_size=4)) if form == 11 else []
    return dict(id_number=id_number, old=old, name=draw(NAME), dob=dob, sex=sex, address=draw(ADDRESS),
                issued=issued, form=form, extra=extra)


def _card_text(c, slash_dates):
    fmt = (lambda d: d.strftime("%d/%m/%Y")) if slash_dates else (lambda d: d.strftime("%d%m%Y"))
    issued = fmt(c["issued"]) if c["issued"] else ""
    head = [c["id_number"]] + ([] if c["form"] == 6 else [c["old"] or ""])
    return "|".join(head + [c["name"], fmt(c["dob"]), c["sex"], c["address"], issued] + c["extra"])


@settings(max_examples=300)
@given(cards(), st.booleans(), st.sampled_from(["plain", "nfd", "latin-1", "bom_crlf"]))
def test_random_cards_round_trip(card, slash_dates, mangle):
    text = _card_text(card, slash_dates)
    if mangle == "nfd":
        text = unicodedata.normalize("NFD", text)
    elif mangle == "latin-1":
        text = text.encode("utf-8").decode("latin-1")
    elif mangle == "bom_crlf":
        text = "\ufeff" + text + "\r\n"
    c = _p(text)
    assert c.id_number == card["id_number"]
    assert c.old_id_number == card["old"]
    assert c.full_name == card["name"]
    assert c.date_of_birth == card["dob"] and c.sex == card["sex"]
    assert c.address == card["address"]
    assert c.issue_date == card["issued"]
    assert c.extra == tuple(e for e in card["extra"] if e)
    assert c.warnings == ()
    if card["issued"]:
        assert c.card_type == ("CC" if card["issued"] >= date(2024, 7, 1) else "CCCD")


def test_a_card_cut_after_six_fields_is_truncated_not_a_keyboard_mode_scan():
    """A 7-field frame cut in its address has six fields: not the 6-field layout, and no sign of
    lost letters, so the citizen is asked to scan again, not staff to change the scanner."""
    cut = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê"
    with pytest.raises(cccd.InvalidIdQR) as err:
        cccd.parse(cut)
    assert err.value.code == "truncated"
    assert not cccd.needs_serial_mode(cut)
    assert cccd.needs_serial_mode("079190000001||Tr?n Th? Bich|05031990|N?|12 Le")  # lost letters still tell
