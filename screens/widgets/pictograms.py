"""Pictograms: a few Tabler Icons (MIT) in a small bundled font, drawn beside the words on the
kiosk's big buttons so that a citizen who reads little can choose by the picture.
assets/fonts/pictograms.json names them; scripts/pictograms.py rebuilds the font."""

from __future__ import annotations

import functools
import json

from kivy.core.text import Label as CoreLabel
from kivy.core.text import LabelBase

from kiosk.paths import FONTS

FONT = "Pictograms"


@functools.lru_cache(maxsize=1)
def glyphs() -> dict[str, str]:
    data = json.loads((FONTS / "pictograms.json").read_text(encoding="utf-8"))
    LabelBase.register(FONT, str(FONTS / "pictograms.ttf"))
    return {name: chr(int(point, 16)) for name, point in data["glyphs"].items()}


def texture(name: str, size: float):
    """The pictogram called name as a white texture `size` pixels high (tinted by Color), or None."""
    glyph = glyphs().get(name)
    if not glyph or size < 4:
        return None
    label = CoreLabel(text=glyph, font_name=FONT, font_size=size)
    label.refresh()
    return label.texture


# a queue field or catalogue field -> its pictogram, by the words of its code (codes differ
# between wards; these are the words the catalogue's codes are made of)
FIELD_WORDS = (("ho-tich", "civil_status"), ("chung-thuc", "certification"), ("dat-dai", "land"),
               ("xay-dung", "construction"), ("xa-hoi", "social"), ("bao-tro", "social"),
               ("nguoi-co-cong", "social"), ("kinh-doanh", "business"))


def field_icon(code: str, name_vi: str = "") -> str:
    """"ho-tich" -> "civil_status"; a catalogue's letter code ("A") by its Vietnamese name
    ("Hộ tịch" -> "ho-tich"); anything not known -> "other"."""
    for key in (code or "", _words(name_vi)):
        icon = next((icon for word, icon in FIELD_WORDS if word in key), None)
        if icon:
            return icon
    return "other"


def _words(text: str) -> str:
    """"Đất đai – Xây dựng" -> "dat-dai-xay-dung": the words codes are made of."""
    import re
    import unicodedata

    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in bare if not unicodedata.combining(c)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", bare))
