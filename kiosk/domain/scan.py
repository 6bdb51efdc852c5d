"""What did the citizen just scan? Tell ID cards, volunteer badges, receipts and tickets apart.

Recognised frames:
- an ID card QR (kiosk.domain.cccd)             -> kind "id_card", `citizen`
- `MCVOL:<code>`  (volunteer badge)              -> kind "volunteer", `code`
- `MCHS:<code>` or a URL ending in `/d/<token>`  -> kind "dossier", `code` (dossier slip: the
  office's unguessable token, case-sensitive, or an older slip's code)
- a URL ending in `/t/<token>`                   -> kind "ticket", `code`
- a broken ID card (truncated, bad date, ...)    -> kind "invalid_id", `error`; `partial` when it was
  only partly read (cut short, too few fields, or the tail of a card frame a scanner split in two):
  the citizen is told to hold the card still and scan again, never "this is not an ID card"
- anything else                                  -> kind "unknown", `error` (code "not_id_card")

Plain Python. `ScanResult.__repr__` shows only what is safe for a log line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from kiosk.domain.contract import DOSSIER_QR_PREFIX, VOLUNTEER_BADGE_PREFIX
from kiosk.domain.cccd import CitizenId, InvalidIdQR, clean, parse

VOLUNTEER_PREFIX = VOLUNTEER_BADGE_PREFIX
DOSSIER_PREFIX = DOSSIER_QR_PREFIX

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{4,128}")
_URL_TAIL = re.compile(r"/(t|d)/([^/]+)/?")
# Fields only an ID card's QR has: the sex, a ddmmyyyy date, the 12-digit number.
_CARD_FIELD = re.compile(r"(?i:nam|nữ)|[0-9]{2}[/.\-]?[0-9]{2}[/.\-]?[0-9]{4}|[0-9]{12}")


@dataclass(frozen=True)
class ScanResult:
    kind: str  # "id_card" | "volunteer" | "dossier" | "ticket" | "invalid_id" | "unknown"
    citizen: CitizenId | None = None
    code: str | None = None
    error: InvalidIdQR | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def partial(self) -> bool:
        """An ID card read only in part: hold it still and scan again."""
        return self.error is not None and self.error.code == "truncated"

    def reason(self, lang: str = "vi") -> str | None:
        """The sentence to show the citizen when the scan was not usable."""
        return self.error.reason(lang) if self.error else None

    def __repr__(self) -> str:
        if self.citizen is not None:
            return f"ScanResult(id_card, {self.citizen.masked_id()})"
        if self.error is not None:
            return f"ScanResult({self.kind}, {self.error.code})"
        return f"ScanResult({self.kind}, {self.code})"

    __str__ = __repr__


def _prefixed(text: str, prefix: str) -> str | None:
    """The code after PREFIX (prefix case-insensitive: some scanners send upper case only)."""
    if text[: len(prefix)].upper() != prefix:
        return None
    return text[len(prefix):].strip()


def _from_url(text: str) -> ScanResult | None:
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    m = _URL_TAIL.search(parts.path)
    if not m or m.end() != len(parts.path):
        return None
    kind, value = m.group(1), unquote(m.group(2))
    if kind == "t" and _TOKEN.fullmatch(value):
        return ScanResult("ticket", code=value)
    if kind == "d" and (_CODE.fullmatch(value) or _TOKEN.fullmatch(value)):
        return ScanResult("dossier", code=value)
    return None


def classify(text: str) -> ScanResult:
    """Classify one scanned frame. Never raises."""
    if not isinstance(text, str):
        return ScanResult("unknown", error=InvalidIdQR("not_id_card"))
    t = clean(text)
    code = _prefixed(t, VOLUNTEER_PREFIX)
    if code is not None:
        if _CODE.fullmatch(code):
            return ScanResult("volunteer", code=code)
        return ScanResult("unknown", error=InvalidIdQR("not_id_card"))
    code = _prefixed(t, DOSSIER_PREFIX)
    if code is not None:
        if _CODE.fullmatch(code):
            return ScanResult("dossier", code=code)
        return ScanResult("unknown", error=InvalidIdQR("not_id_card"))
    found = _from_url(t)
    if found is not None:
        return found
    try:
        return ScanResult("id_card", citizen=parse(t))
    except InvalidIdQR as err:
        if err.code == "not_id_card" and _card_fragment(t):
            err = InvalidIdQR("truncated")
        kind = "unknown" if err.code == "not_id_card" else "invalid_id"
        return ScanResult(kind, error=err)


def _card_fragment(text: str) -> bool:
    """The rest of an ID card's frame whose start was lost (a serial scanner that split one read
    in two sends "ị Bích|05031990|Nữ|12 Lê Lợi…"): "|"-separated, with two fields only a card has."""
    fields = [f.strip() for f in text.split("|")]
    return len(fields) >= 3 and sum(1 for f in fields if _CARD_FIELD.fullmatch(f)) >= 2
