"""Classifying scanned frames: ID card, volunteer badge, receipt, ticket, or something else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.scan import ScanResult, classify

VECTORS = json.loads((Path(__file__).parent / "data" / "cccd_vectors.json").read_text(encoding="utf-8"))
CARD = VECTORS["valid"][0]["text"]


def test_id_card():
    r = classify(CARD + "\r\n")
    assert r.kind == "id_card" and r.ok
    assert r.citizen.full_name == "Nguyễn Văn An"
    assert r.reason() is None


@pytest.mark.parametrize("vec", VECTORS["valid"], ids=lambda v: v["name"])
def test_every_valid_card_vector_is_an_id_card(vec):
    assert classify(vec["text"]).kind == "id_card"


@pytest.mark.parametrize("text,code", [
    ("MCVOL:TNV-0042", "TNV-0042"),
    ("mcvol:tnv-0042\r", "tnv-0042"),
    ("\ufeffMCVOL:AB12", "AB12"),
])
def test_volunteer_badge(text, code):
    r = classify(text)
    assert (r.kind, r.code, r.citizen) == ("volunteer", code, None)


@pytest.mark.parametrize("text,code", [
    ("MCHS:BT-20261130-0001", "BT-20261130-0001"),
    ("https://motcua.example.vn/d/BT-20261130-0001", "BT-20261130-0001"),
    ("http://192.168.1.10:8080/d/BT-20261130-0001/", "BT-20261130-0001"),
    ("https://motcua.example.vn/ward/d/BT.2026.7?utm=x", "BT.2026.7"),
    # the office's public token (secrets.token_urlsafe: may start with "-" or "_"), case kept
    ("http://192.168.1.10:8080/d/_q3Zr-9xV_kT2mW8pLc4Nb", "_q3Zr-9xV_kT2mW8pLc4Nb"),
    ("http://192.168.1.10:8080/d/-Q3zR9xVkT2mW8pLc4NbA", "-Q3zR9xVkT2mW8pLc4NbA"),
])
def test_dossier_receipt(text, code):
    r = classify(text)
    assert (r.kind, r.code) == ("dossier", code)


@pytest.mark.parametrize("text,token", [
    ("https://motcua.example.vn/t/Zx8_k-3QpL", "Zx8_k-3QpL"),
    ("http://127.0.0.1:8080/t/abcd1234/", "abcd1234"),
])
def test_ticket_url(text, token):
    r = classify(text)
    assert (r.kind, r.code) == ("ticket", token)


@pytest.mark.parametrize("text", [
    "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html",
    "https://motcua.example.vn/t/",
    "https://motcua.example.vn/t/ab",          # token too short to be ours
    "https://motcua.example.vn/t/abcd/extra",  # /t/ not at the end
    "ftp://motcua.example.vn/t/abcd1234",
    "MCVOL:",
    "MCVOL:has space",
    "MCHS:",
    "WIFI:S:ward;T:WPA;P:secret;;",
    "8934567890123",
    "",
])
def test_unknown_gets_a_readable_reason(text):
    r = classify(text)
    assert r.kind == "unknown" and not r.ok and r.citizen is None
    assert r.error.code == "not_id_card"
    assert "thẻ căn cước" in r.reason("vi") and "ID card" in r.reason("en")


@pytest.mark.parametrize(
    "vec", [v for v in VECTORS["invalid"] if not v["text"].startswith(("MCVOL:", "MCHS:"))], ids=lambda v: v["name"])
def test_broken_cards_keep_their_reason(vec):
    r = classify(vec["text"])
    assert r.error is not None and r.error.code == vec["error"]
    assert r.kind == ("unknown" if vec["error"] == "not_id_card" else "invalid_id")


def test_repr_is_safe_for_logs():
    r = classify(CARD)
    assert "001089012345" not in repr(r) and "Nguyễn" not in repr(r) and "001******345" in repr(r)
    assert "truncated" in str(classify(CARD[:40]))


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=120), st.sampled_from(["MCVOL:", "MCHS:", "https://a.b/t/", "https://a.b/d/"])
                 .flatmap(lambda p: st.text(max_size=40).map(lambda s: p + s))))
def test_classify_never_raises(text):
    r = classify(text)
    assert isinstance(r, ScanResult)
    assert r.kind in ("id_card", "volunteer", "dossier", "ticket", "invalid_id", "unknown")
    assert (r.error is None) == (r.kind in ("id_card", "volunteer", "dossier", "ticket"))


@pytest.mark.parametrize("text", [
    CARD[:40],                                                   # cut short
    "001089012345|123456789|Nguyễn Văn An|15031989|Nam",         # too few fields
    "001089012345",                                              # only the number came through
    "ễn Văn An|15031989|Nam|Hà Nội|01052021",                    # the tail of a frame split in two
    "Văn An|15031989|Nam|Số 12 ngõ 5, phường Láng, Hà Nội|01052021\r\n",
])
def test_a_partly_read_card_is_partial_not_something_else(text):
    r = classify(text)
    assert r.kind == "invalid_id" and r.partial and r.error.code == "truncated"
    assert "quét lại" in r.reason("vi") and "giữ thẻ yên" in r.reason("vi")
    assert "không phải" not in r.reason("vi")  # never "this is not an ID card"
    assert "scan again" in r.reason("en")


@pytest.mark.parametrize("text", ["ABC|DEF|GHI", "a|b|Nam", "MCHS:", "https://dichvucong.gov.vn/"])
def test_only_card_shaped_pieces_count_as_a_partly_read_card(text):
    r = classify(text)
    assert r.kind == "unknown" and not r.partial


@pytest.mark.parametrize("vec", [v for v in VECTORS["invalid"] if v["error"] not in ("truncated", "not_id_card")],
                         ids=lambda v: v["name"])
def test_a_whole_card_with_a_bad_field_is_not_partial(vec):
    assert not classify(vec["text"]).partial


def test_not_a_card_says_where_the_qr_is_on_both_card_generations():
    r = classify("https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html")
    vi, en = r.reason("vi"), r.reason("en")
    # CCCD with chip (TT 06/2021/TT-BCA): front; thẻ căn cước from 1/7/2024 (TT 16/2024/TT-BCA art. 6): back
    assert "gắn chíp có mã QR ở mặt trước" in vi and "1/7/2024 có mã QR ở mặt sau" in vi
    assert "front" in en and "back" in en and "1 July 2024" in en
    assert not r.partial


def test_a_ticket_scan_is_neither_an_error_nor_partial():
    r = classify("https://motcua.example.vn/t/Zx8_k-3QpL")
    assert r.ok and not r.partial and r.reason() is None
