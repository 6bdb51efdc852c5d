"""UI text in Vietnamese (default) and English, from assets/i18n/<lang>.json.

Keys are dotted names ("home.take_number"). Text is NFC. A key missing in English falls back
to Vietnamese; a key missing everywhere shows the key itself, which the tests forbid.
English counts take the right noun with "{n:person|people}" (n == 1 gives the first word);
Vietnamese nouns do not change, so vi.json keeps plain "{n}".
"""

from __future__ import annotations

import json
import string
import unicodedata
from functools import lru_cache
from pathlib import Path

from kiosk.paths import I18N

LANGUAGES = ("vi", "en")
DEFAULT = "vi"


@lru_cache(maxsize=None)
def catalogue(lang: str, folder: Path = I18N) -> dict[str, str]:
    data = json.loads((folder / f"{lang}.json").read_text(encoding="utf-8"))
    return {k: unicodedata.normalize("NFC", v) for k, v in data.items() if not k.startswith("_")}


class _Words(string.Formatter):
    """str.format plus "{n:one|many}": the word for the count n (no built-in format spec has "|")."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if str(value) == "1" else many
        return super().format_field(value, format_spec)


def fill(text: str, /, **values: object) -> str:
    """TEXT with {placeholders} filled from VALUES, "{n:person|people}" chosen by n."""
    return _Words().format(text, **values)


def tr(key: str, lang: str = DEFAULT, /, **values: object) -> str:
    """The text for KEY in LANG, with {placeholders} filled from VALUES."""
    text = catalogue(lang).get(key) if lang in LANGUAGES else None
    if text is None:
        text = catalogue(DEFAULT).get(key, key)
    if values:
        text = fill(text, **values)
    return unicodedata.normalize("NFC", text)


def number(value: float, lang: str = DEFAULT, decimals: int = 0) -> str:
    """VALUE written the language's way: 1250 -> "1.250" and 1250.5 -> "1.250,5" in Vietnamese,
    "1,250" and "1,250.5" in English (the office's PDFs and exports shown as text)."""
    text = f"{value:,.{decimals}f}"
    return text.translate(_VI_DIGITS) if lang == "vi" else text


_VI_DIGITS = str.maketrans(",.", ".,")


def other(lang: str) -> str:
    """The language the switch button offers."""
    return "en" if lang == "vi" else "vi"
