"""What did the citizen just scan? Tell ID cards, volunteer badges, receipts and tickets apart.

Recognised frames:
- an ID card QR (kiosk.domain.cccd)             -> kind "id_card", `citizen`
- `MCVOL:<code>`  (volunteer badge)              -> kind "volunteer", `code`
- `MCHS:<code>` or a URL ending in `/d/<code>`   -> kind "dossier", `code` (dossier slip)
- a URL ending in `/t/<token>`                   -> kind "ticket", `code`
- a broken ID card (truncated, bad date, ...)    -> kind "invalid_id", `error`
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


@dataclass(frozen=True)
class ScanResult:
    kind: str  # "id_card" | "volunteer" | "dossier" | "ticket" | "invalid_id" | "unknown"
    citizen: CitizenId | None = None
    code: str | None = None
    error: InvalidIdQR | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

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
    if kind == "d" and _CODE.fullmatch(value):
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
        kind = "unknown" if err.code == "not_id_card" else "invalid_id"
        return ScanResult(kind, error=err)
