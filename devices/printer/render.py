"""Render layout blocks into ESC/POS bytes.

Raster mode (the default) draws every line of text with the bundled Roboto font into a 1-bit
image trimmed to its ink and sends it with GS v 0: Vietnamese then prints correctly on any
printer, whatever code pages it has. Positions come from the layout, not from the rasters:
blank paper between rasters is an ESC J feed (3 bytes) rather than white rows, and each raster is
placed with ESC a (justification), which printers apply to raster images and QR codes alike.

The QR code is the printer's own (GS ( k) when the profile supports it, else a raster.

Text mode (use at your own risk) sends the text as characters through python-escpos's code-page
encoder. Only for printers known to print Vietnamese from a code page: on most cheap printers
some of the 134 accented letters come out as "?" or garbage.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import qrcode
from escpos.capabilities import get_profile
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont, ImageOps

from devices.printer.blocks import QR, Block, Cut, Rule, Spacer, Text



def _bundled_fonts() -> Path:
    """The Roboto the kiosk's screen uses, so paper and screen look alike. devices/ imports nothing
    of kiosk/, so it looks where the product puts assets/: beside the packages in a checkout, or
    inside the kiosk package when installed from a wheel."""
    packages = Path(__file__).resolve().parents[2]
    for folder in (packages / "assets" / "fonts", packages / "kiosk" / "assets" / "fonts"):
        if folder.is_dir():
            return folder
    return packages / "assets" / "fonts"


FONT_DIR = _bundled_fonts()
PAPER_DOTS = {58: 384, 80: 576}
MARGIN = 8  # dots kept blank at the left and right of the printable width
INK_THRESHOLD = 150  # grey levels below this become a printed dot (a little bolder than 50 %)
BIG_TEXT = 64  # text at least this size is sent at half resolution, doubled by the printer
QR_EC = "M"  # survives a smudge or a crease; a ticket URL still fits in a small version

ESC, GS = b"\x1b", b"\x1d"
_INK_LUT = [0 if v < INK_THRESHOLD else 255 for v in range(256)]
_ALIGN = {"left": 0, "center": 1, "right": 2}

Mode = Literal["raster", "text"]


class LayoutError(ValueError):
    """A block that cannot be laid out (bad size, QR too large for the paper)."""


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "Roboto-Bold.ttf" if bold else "Roboto-Regular.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def paper_dots(paper_width: int, profile: str = "default") -> int:
    """Printable dots for the paper, narrowed to the profile's width when it is known to be less."""
    try:
        dots = PAPER_DOTS[paper_width]
    except KeyError:
        raise LayoutError(f"paper width must be 58 or 80 mm, not {paper_width!r}") from None
    pixels = get_profile(profile).profile_data.get("media", {}).get("width", {}).get("pixels")
    return min(dots, pixels) if isinstance(pixels, int) and pixels > 0 else dots


# --- layout: blocks -> positioned elements -------------------------------------------------

@dataclass
class Raster:
    top: int
    image: Image.Image  # mode "1", black (0) = ink, already trimmed for its alignment
    align: str
    scale: int = 1  # 2: the printer doubles it both ways (GS v 0 quadruple mode)

    @property
    def height(self) -> int:
        return self.image.height * self.scale

    @property
    def cost(self) -> int:  # bytes on the wire: GS v 0 header + packed rows
        return 8 + (self.image.width + 7) // 8 * self.image.height


@dataclass
class NativeQR:
    top: int
    data: str
    module: int
    height: int


@dataclass
class CutMark:
    top: int


Element = Raster | NativeQR | CutMark


def wrap_lines(text: str, fnt: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Word wrap into as few lines as greedy wrapping needs, but with the lines evened out (no lone
    word on the last line, and narrower rasters, so fewer bytes). A no-break space (U+00A0) joins
    words; a word wider than the line is split between characters."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph([w for w in paragraph.split(" ") if w], fnt, max_width)
    return lines


def _wrap_paragraph(words: list[str], fnt: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    if not words or fnt.getlength(" ".join(words)) <= max_width:
        return [" ".join(words)]
    pieces: list[str] = []
    for word in words:
        while fnt.getlength(word) > max_width and len(word) > 1:
            cut = max(1, next(i for i in range(len(word), 0, -1) if fnt.getlength(word[:i]) <= max_width))
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
    widths = [fnt.getlength(w) for w in pieces]
    space = fnt.getlength(" ")

    def breaks(limit: float) -> list[list[str]]:
        out: list[list[str]] = [[]]
        used = 0.0
        for word, w in zip(pieces, widths):
            if out[-1] and used + space + w > limit:
                out.append([])
                used = 0.0
            used += (space if out[-1] else 0) + w
            out[-1].append(word)
        return out

    count = len(breaks(max_width))
    lo, hi = int(max(widths)), max_width
    while lo < hi:  # the narrowest limit that needs no more lines
        mid = (lo + hi) // 2
        if len(breaks(mid)) <= count:
            hi = mid
        else:
            lo = mid + 1
    return [" ".join(line) for line in breaks(lo)]


def _text_line(line: str, size: int, bold: bool, align: str, dots: int) -> tuple[Image.Image, int] | None:
    """Draw one line; return (trimmed 1-bit image, its top relative to the line box) or None if blank."""
    fnt = font(size, bold)
    pad = size  # room above the box for stacked marks such as "Ễ"
    canvas = Image.new("L", (dots, size * 3), 255)
    width = fnt.getlength(line)
    x = {"left": MARGIN, "center": (dots - width) / 2, "right": dots - MARGIN - width}[align]
    baseline = pad + size
    ImageDraw.Draw(canvas).text((x, baseline), line, font=fnt, fill=0, anchor="ls")
    ink = canvas.point(_INK_LUT, "1")
    bbox = ImageOps.invert(ink.convert("L")).getbbox()
    if bbox is None:
        return None
    x0, y0, x1, y1 = bbox
    if align == "left":
        x0 = 0  # the printer starts at the left edge: keep the margin as white dots
    elif align == "right":
        x0 = dots - (dots - x0 + 7) // 8 * 8  # whole bytes, so the right edge lands on the paper's edge
        x1 = dots
    return ink.crop((x0, y0, x1, y1)), y0 - pad


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules (no quiet zone) as the printer would draw them: EC level M, smallest version."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_modules(data: str) -> int:
    """Modules per side of the smallest QR version that holds `data` (no need to choose a mask)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    return code.best_fit() * 4 + 17


def qr_image(data: str, module: int) -> Image.Image:
    matrix = qr_matrix(data)
    n = len(matrix)
    small = Image.new("1", (n, n), 1)
    small.putdata([0 if cell else 1 for row in matrix for cell in row])
    return small.resize((n * module, n * module), Image.NEAREST)


def layout(blocks: list[Block], dots: int, *, native_qr: bool) -> list[Element]:
    """Place the blocks top to bottom. Text boxes advance by 1.2 x size; ink never overlaps."""
    elements: list[Element] = []
    pen = 0  # top of the next line box
    bottom = 0  # lowest printed row so far

    def place(top: int, height: int) -> int:
        nonlocal bottom
        top = max(top, bottom)
        bottom = top + height
        return top

    for block in blocks:
        if isinstance(block, Text):
            if not 8 <= block.size <= 400:
                raise LayoutError(f"text size must be 8..400 dots, not {block.size}")
            text = unicodedata.normalize("NFC", block.text)
            fnt = font(block.size, block.bold)
            # Very large text (the queue number) is drawn at half size and doubled by the printer:
            # a quarter of the bytes, and at that size the 2-dot steps do not show.
            scale = 2 if block.size >= BIG_TEXT else 1
            for line in wrap_lines(text, fnt, dots - 2 * MARGIN):
                drawn = _text_line(line, block.size // scale, block.bold, block.align, dots // scale)
                if drawn:
                    img, offset = drawn
                    top = place(pen + offset * scale, img.height * scale)
                    elements.append(Raster(top, img, block.align, scale))
                pen += round(block.size * 1.2)
        elif isinstance(block, Rule):
            img = Image.new("1", (dots, max(1, block.thickness)), 0)
            pen = max(pen, bottom) + 6
            elements.append(Raster(place(pen, img.height), img, "left"))
            pen += img.height + 6
        elif isinstance(block, QR):
            if not 1 <= block.size <= 16:
                raise LayoutError(f"QR module size must be 1..16, not {block.size}")
            side = qr_modules(block.data) * block.size
            if side > dots:
                raise LayoutError(f"QR code of {side} dots does not fit on {dots} dots of paper")
            pen = max(pen, bottom) + 4
            if native_qr:
                elements.append(NativeQR(place(pen, side), block.data, block.size, side))
            else:
                elements.append(Raster(place(pen, side), qr_image(block.data, block.size), "center"))
            pen += side + 4
        elif isinstance(block, Spacer):
            pen = max(pen, bottom) + max(0, block.dots)
        elif isinstance(block, Cut):
            elements.append(CutMark(place(pen, 0)))
            pen = bottom = 0  # a new slip starts after the cut
        else:
            raise LayoutError(f"unknown block {block!r}")
    return elements


def _merged(a: Raster, b: Raster) -> Raster:
    width = max(a.image.width, b.image.width)
    if a.align == "center":  # keep each centred on the byte width the printer centres
        width = (width + 7) // 8 * 8
    img = Image.new("1", (width, b.top + b.height - a.top), 1)
    for part in (a, b):
        x = {"left": 0, "right": width - part.image.width,
             "center": (width - (part.image.width + 7) // 8 * 8) // 2}[part.align]
        img.paste(part.image, (x, part.top - a.top))
    return Raster(a.top, img, a.align)


def merge_rasters(elements: list[Element]) -> list[Element]:
    """Join neighbouring rasters of the same alignment into one image when that sends fewer bytes."""
    out: list[Element] = []
    for el in elements:
        prev = out[-1] if out else None
        if (isinstance(el, Raster) and isinstance(prev, Raster) and prev.align == el.align
                and prev.scale == el.scale == 1):
            gap = el.top - (prev.top + prev.height)
            separate = prev.cost + el.cost + (3 if gap > 0 else 0)
            joined = _merged(prev, el)
            if joined.cost < separate:
                out[-1] = joined
                continue
        out.append(el)
    return out


# --- encoding: elements -> bytes ------------------------------------------------------------

def raster_command(image: Image.Image, scale: int = 1) -> bytes:
    """GS v 0: a 1-bit image (black = ink) as packed rows; scale 2 asks the printer to double it."""
    ink = ImageOps.invert(image.convert("L")).convert("1")  # in ESC/POS a 1 bit is a printed dot
    m = 3 if scale == 2 else 0
    wb, h = (ink.width + 7) // 8, ink.height
    return GS + b"v0" + bytes([m, wb & 0xFF, wb >> 8, h & 0xFF, h >> 8]) + ink.tobytes()


def _feed(dots: int) -> bytes:
    out = b""
    while dots > 0:
        step = min(dots, 255)
        out += ESC + b"J" + bytes([step])
        dots -= step
    return out


def _new_printer(profile: str) -> Dummy:
    return Dummy(profile=profile)




def _padded(el: Raster, dots: int) -> Image.Image:
    """The raster with white columns on its left so it lands where ESC a would have put it."""
    width = (el.image.width + 7) // 8 * 8 * el.scale  # as wide as the printer would centre it
    x = {"left": 0, "center": (dots - width) // 2, "right": dots - width}[el.align] // el.scale
    if x <= 0:
        return el.image
    img = Image.new("1", (x + el.image.width, el.image.height), 1)
    img.paste(el.image, (x, 0))
    return img


def encode_raster(blocks: list[Block], *, paper_width: int = 80, profile: str = "default",
                  native_qr: bool | None = None, pad_align: bool = False) -> bytes:
    """Rasters placed with ESC a; pad_align=True instead pads them with white on the left, for
    printers that ignore ESC a for images (some Zjiang POS-58 clones print every image at the left):
    about twice the bytes, and the QR becomes a raster."""
    dots = paper_dots(paper_width, profile)
    p = _new_printer(profile)
    if native_qr is None:
        native_qr = p.profile.supports("qrCode")
    native_qr = native_qr and not pad_align  # a native QR can only be centred with ESC a
    p.hw("INIT")
    align = 0  # ESC @ resets to left
    cursor = 0
    for el in merge_rasters(layout(blocks, dots, native_qr=native_qr)):
        p._raw(_feed(el.top - cursor))
        if isinstance(el, CutMark):
            p.cut(mode="PART")
            cursor = 0
            continue
        want = 0 if pad_align else 1 if isinstance(el, NativeQR) else _ALIGN[el.align]
        if want != align:
            p._raw(ESC + b"a" + bytes([want]))
            align = want
        if isinstance(el, NativeQR):
            from escpos.constants import QR_ECLEVEL_M

            p.qr(el.data, ec=QR_ECLEVEL_M, size=el.module, native=True)
        else:
            p._raw(raster_command(_padded(el, dots) if pad_align else el.image, el.scale))
        cursor = el.top + el.height
    return p.output


def encode_text(blocks: list[Block], *, paper_width: int = 80, profile: str = "default",
                native_qr: bool | None = None, codepage: str | None = None) -> bytes:
    """Characters through a code page. Use at your own risk: see the module docstring."""
    dots = paper_dots(paper_width, profile)
    p = _new_printer(profile)
    if native_qr is None:
        native_qr = p.profile.supports("qrCode")
    p.hw("INIT")
    if codepage:
        p.charcode(codepage)
    for block in blocks:
        if isinstance(block, Text):
            big = block.size >= 40
            p.set(align=block.align, bold=block.bold, double_width=big, double_height=big)
            columns = dots // (24 if big else 12)
            for line in textwrap.wrap(unicodedata.normalize("NFC", block.text), columns) or [""]:
                p.textln(line)
        elif isinstance(block, Rule):
            p.set(align="left", bold=False, normal_textsize=True)
            p.textln("-" * (dots // 12))
        elif isinstance(block, QR):
            p.set(align="center", normal_textsize=True)
            if native_qr:
                from escpos.constants import QR_ECLEVEL_M

                p.qr(block.data, ec=QR_ECLEVEL_M, size=block.size, native=True)
            else:
                p._raw(raster_command(qr_image(block.data, block.size)))
        elif isinstance(block, Spacer):
            p._raw(_feed(block.dots))
        elif isinstance(block, Cut):
            p.cut(mode="PART")
    return p.output


def encode(blocks: list[Block], *, paper_width: int = 80, profile: str = "default",
           mode: Mode = "raster", native_qr: bool | None = None, codepage: str | None = None,
           pad_align: bool = False) -> bytes:
    """The exact bytes a printer receives for these blocks.

    native_qr: None = as the profile says. pad_align: see encode_raster."""
    if mode == "text":
        return encode_text(blocks, paper_width=paper_width, profile=profile,
                           native_qr=native_qr, codepage=codepage)
    if mode != "raster":
        raise LayoutError(f"printer mode must be raster or text, not {mode!r}")
    return encode_raster(blocks, paper_width=paper_width, profile=profile, native_qr=native_qr,
                         pad_align=pad_align)
