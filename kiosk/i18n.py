"""UI text in Vietnamese (default) and English, from assets/i18n/<lang>.json.

Keys are dotted names ("home.take_number"). Text is NFC. A key missing in English falls back
to Vietnamese; a key missing everywhere shows the key itself, which the tests forbid.
"""

from __future__ import annotations

import json
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


def tr(key: str, lang: str = DEFAULT, /, **values: object) -> str:
    """The text for KEY in LANG, with {placeholders} filled from VALUES."""
    text = catalogue(lang).get(key) if lang in LANGUAGES else None
    if text is None:
        text = catalogue(DEFAULT).get(key, key)
    if values:
        text = text.format(**values)
    return unicodedata.normalize("NFC", text)


def other(lang: str) -> str:
    """The language the switch button offers."""
    return "en" if lang == "vi" else "vi"
