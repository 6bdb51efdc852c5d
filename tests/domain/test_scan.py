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
