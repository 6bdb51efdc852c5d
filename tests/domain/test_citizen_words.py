"""One voice wherever a citizen reads: "ông/bà", "phiếu" (never "vé"), NFC text.

Scans every citizen-facing Vietnamese string: the kiosk's UI (assets/i18n), the office's public
pages (the phone's ticket page /t/, the dossier page /d/, the lobby board: their i18n keys and the
text in their HTML), the printed ticket and dossier slip, the ID-card scan reasons, and the
procedure catalogue. Staff-only web texts (console, admin, volunteers' page) may say "bạn" to a
colleague and are left out.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest

from kiosk.domain import cccd
from kiosk.paths import DATA, I18N, ROOT
from kiosk.slips import receipt, ticket

WEB = ROOT / "kiosk" / "office" / "web"
# the office's public pages: the citizen's phone and the lobby TV
CITIZEN_PAGES = ("ticket", "board", "dossier", "notfound", "dossier_notfound")
CITIZEN_WEB_PREFIXES = ("ticket.", "board.", "dossier.", "live.", "rate.", "handoff.official_code_public")

# "vé" is for buses and cinemas; a ward's queue hands out a "phiếu".
TICKET_WORD = re.compile(r"\bvé\b", re.IGNORECASE)
# Second person other than "ông/bà". "Anh/chị {name}" names the volunteer or officer who is coming
# (third person, the polite way to speak of a young helper to an elder), so it is allowed.
OTHER_YOU = re.compile(r"\b(?:bạn|anh/chị|chị/anh|anh chị|quý khách|quý vị)\b(?! ?\{name\})", re.IGNORECASE)


def _json(path: Path) -> dict:
    return {k: v for k, v in json.loads(path.read_text("utf-8")).items() if not k.startswith("_")}


def _strings(value, where: str):
    """Every string inside a JSON value, with where it sits."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{where}[{i}]")


def _page_text(path: Path) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.S)
    text = re.sub(r'<[^>]*\blang="en"[^>]*>.*?</[a-z0-9]+>', " ", text, flags=re.S)  # the English half
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def citizen_vietnamese() -> list[tuple[str, str]]:
    """(where, text) for every citizen-facing Vietnamese string."""
    found: list[tuple[str, str]] = []
    found += [(f"assets/i18n/vi.json {k}", v) for k, v in _json(I18N / "vi.json").items()]
    web = _json(WEB / "i18n" / "vi.json")
    found += [(f"web/i18n/vi.json {k}", v) for k, v in web.items() if k.startswith(CITIZEN_WEB_PREFIXES)]
    found += [(f"web/static/{name}.html", _page_text(WEB / "static" / f"{name}.html")) for name in CITIZEN_PAGES]
    found += [(f"slips/ticket.py {k}", v) for k, v in ticket.WORDS["vi"].items()]
    found += [(f"slips/ticket.py priority {k}", v["vi"]) for k, v in ticket.PRIORITY_NAMES.items()]
    found += [(f"slips/receipt.py {k}", v) for k, v in receipt.WORDS["vi"].items()]
    found += [(f"domain/cccd.py reason {code}", cccd.InvalidIdQR(code).reason("vi")) for code in cccd._REASONS]
    catalogue = json.loads((DATA / "procedures.json").read_text("utf-8"))
    found += [(f"procedures.json{w}", s) for w, s in _strings(catalogue["procedures"], "")
              if not re.search(r"(_en|\.en|x-label-en|source\w*|url)$", w)]
    return found


STRINGS = citizen_vietnamese()


def test_the_scan_covers_every_citizen_source():
    assert len(STRINGS) > 600
    wheres = " ".join(w for w, _ in STRINGS)
    for source in ("assets/i18n/vi.json", "web/i18n/vi.json ticket.status.called", "web/static/ticket.html",
                   "slips/ticket.py", "slips/receipt.py", "domain/cccd.py", "procedures.json"):
        assert source in wheres, source


def test_every_key_a_citizen_page_uses_is_scanned():
    """A key a public page shows but outside the prefixes above would escape the check."""
    used = set()
    for name in CITIZEN_PAGES:
        for ext in ("html", "js"):
            path = WEB / "static" / f"{name}.{ext}"
            if path.exists():
                text = path.read_text("utf-8")
                used |= set(re.findall(r'data-i18n="([a-z_.]+)"', text))
                used |= set(re.findall(r"\bt\('([a-z_]+\.[a-z_.]*)'", text))
    assert used
    assert all(k.startswith(CITIZEN_WEB_PREFIXES) for k in used), sorted(
        k for k in used if not k.startswith(CITIZEN_WEB_PREFIXES))


@pytest.mark.parametrize("where,text", STRINGS, ids=[w for w, _ in STRINGS])
def test_citizen_text_is_nfc_says_phieu_and_ong_ba(where, text):
    assert unicodedata.is_normalized("NFC", text), f"{where}: not NFC"
    assert not TICKET_WORD.search(text), f"{where}: “vé” (a queue hands out a “phiếu”): {text}"
    m = OTHER_YOU.search(text)
    assert m is None, f"{where}: “{m and m.group(0)}” (a citizen is addressed as “ông/bà”): {text}"


def test_every_text_file_of_both_languages_is_nfc():
    for path in (I18N / "vi.json", I18N / "en.json", WEB / "i18n" / "vi.json", WEB / "i18n" / "en.json"):
        for key, text in _json(path).items():
            assert unicodedata.is_normalized("NFC", text), f"{path.name} {key}"


@pytest.mark.parametrize("text,bad", [
    ("Mời ông/bà nhận vé ở khe bên dưới.", "vé"),
    ("Trước bạn còn 5 người", "bạn"),
    ("Anh/chị vui lòng chờ", "anh/chị"),
    ("Cảm ơn quý khách!", "quý khách"),
])
def test_the_checks_bite(text, bad):
    hit = TICKET_WORD.search(text) or OTHER_YOU.search(text)
    assert hit and hit.group(0).lower() == bad


def test_naming_the_helper_who_is_coming_is_not_addressing_the_citizen():
    assert OTHER_YOU.search("Anh/chị {name} đang đến hỗ trợ ông/bà.") is None
    assert OTHER_YOU.search("Anh/chị Lan đang đến") is not None  # filled in: checked as written
