"""Read back what a text-mode ESC/POS job prints: the lines of characters, decoded through the code
pages the bytes select (ESC t n), as a printer would. Knows the commands devices/printer/render.py's
text mode sends; an unknown command fails loudly rather than being read as text."""

from __future__ import annotations

import unicodedata

from escpos.capabilities import get_profile
from escpos.magicencode import Encoder

ESC, GS, LF = 0x1B, 0x1D, 0x0A
ESC_ARGS = {ord("@"): 0, ord("!"): 1, ord("E"): 1, ord("a"): 1, ord("t"): 1, ord("J"): 1, ord("d"): 1,
            ord("-"): 1, ord("G"): 1, ord("M"): 1, ord("2"): 0, ord("3"): 1}
GS_ARGS = {ord("!"): 1, ord("B"): 1, ord("V"): 1, ord("L"): 2, ord("W"): 2, ord("b"): 1}


def _tables(profile: str) -> dict[int, list[str]]:
    pages = get_profile(profile).get_code_pages()  # name -> number
    tables = {}
    for name, number in pages.items():
        try:
            tables[int(number)] = Encoder._get_codepage_char_list(name)
        except Exception:  # a page python-escpos cannot describe: never selected by its own encoder
            continue
    return tables


def printed_lines(data: bytes, profile: str = "default") -> list[str]:
    tables = _tables(profile)
    page = 0
    lines, line = [], ""
    i = 0
    while i < len(data):
        b = data[i]
        if b == ESC:
            cmd = data[i + 1]
            if cmd not in ESC_ARGS:
                raise ValueError(f"unknown ESC {chr(cmd)!r} at {i}")
            if cmd == ord("t"):
                page = data[i + 2]
            i += 2 + ESC_ARGS[cmd]
        elif b == GS:
            cmd = data[i + 1]
            if cmd == ord("(") and data[i + 2] == ord("k"):  # 2D code: GS ( k pL pH data
                i += 5 + data[i + 3] + 256 * data[i + 4]
            elif cmd == ord("v") and data[i + 2] == ord("0"):  # raster: GS v 0 m xL xH yL yH data
                x, y = data[i + 4] + 256 * data[i + 5], data[i + 6] + 256 * data[i + 7]
                i += 8 + x * y
            elif cmd == ord("V"):
                i += 3 if data[i + 2] in (0, 1, 48, 49) else 4
            elif cmd in GS_ARGS:
                i += 2 + GS_ARGS[cmd]
            else:
                raise ValueError(f"unknown GS {chr(cmd)!r} at {i}")
        elif b == LF:
            lines.append(unicodedata.normalize("NFC", line))
            line = ""
            i += 1
        else:
            line += chr(b) if b < 0x80 else tables[page][b - 0x80]
            i += 1
    if line:
        lines.append(unicodedata.normalize("NFC", line))
    return lines
