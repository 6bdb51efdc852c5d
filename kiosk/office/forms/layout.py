"""An A4 sheet laid out like a Vietnamese administrative paper (Decree 30/2020/NĐ-CP): the agency
and the national motto side by side, the place and date, a bold title, "label: value" lines whose
empty values stay dotted for a pen, and signature blocks.

Text is real text in the bundled Roboto (every Vietnamese letter, embedded as a subset), so a
PDF reader can search and copy it; everything written is NFC first.
"""

from __future__ import annotations

import io

import unicodedata
from collections.abc import Iterable, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kiosk.paths import FONTS

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Roboto"
BODY = 11.5  # pt
LINE = 6.2  # mm between lines of body text
DOTS = "…"


def nfc(text: object) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def place_name(ward_name: str) -> str:
    """The place a paper is dated at: "UBND phường Bến Thành" → "Bến Thành"."""
    name = nfc(ward_name).strip()
    for prefix in ("Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND"):
        if name.lower().startswith(prefix.lower()):
            name = name[len(prefix):].strip()
    for kind in ("phường", "xã", "thị trấn", "đặc khu"):
        if name.lower().startswith(kind + " "):
            return name[len(kind):].strip()
    return name


ROLL_WIDTH = 80  # mm: the thermal roll at most counters (72 mm printable)
ROLL_MARGIN = 4
ROLL_SCALE = 0.72  # text on the roll: 11.5 pt → about 8.3 pt, as a till receipt


class Sheet:
    """One paper, possibly several pages; `pdf_bytes()` at the end.

    `roll_height` makes it a strip of 80 mm thermal paper that high instead of A4: the same
    content in smaller type, the agency above the motto (no room side by side)."""

    def __init__(self, title: str, *, roll_height: float | None = None):
        self.roll = roll_height is not None
        self.scale = ROLL_SCALE if self.roll else 1.0
        if self.roll:
            pdf = FPDF(orientation="P", unit="mm", format=(ROLL_WIDTH, roll_height))
            pdf.set_margins(ROLL_MARGIN, ROLL_MARGIN, ROLL_MARGIN)
            pdf.set_auto_page_break(False)  # one page per copy: the caller measured its height
        else:
            pdf = FPDF(orientation="P", unit="mm", format="A4")
            pdf.set_margins(30, 20, 15)  # left 30, top 20, right 15: the decree's margins for A4
            pdf.set_auto_page_break(True, margin=20)
        pdf.add_font(FONT, "", str(FONTS / "Roboto-Regular.ttf"))
        pdf.add_font(FONT, "B", str(FONTS / "Roboto-Bold.ttf"))
        pdf.set_title(nfc(title))
        pdf.set_creator("motcua-kiosk")
        pdf.set_lang("vi-VN")
        self.pdf = pdf

    # ---- basics ---------------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return self.pdf.epw

    def font(self, size: float = BODY, bold: bool = False) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size * self.scale)

    @property
    def line(self) -> float:
        return LINE * self.scale

    def page(self) -> None:
        self.pdf.add_page()
        self.font()

    def space(self, mm: float | None = None) -> None:
        self.pdf.ln(self.line / 2 if mm is None else mm * self.scale)

    def centred(self, text: str, *, size: float = BODY, bold: bool = False, x: float | None = None,
                w: float | None = None, h: float | None = None) -> None:
        """Centred lines in the column from x of width w (the whole text width by default)."""
        self.font(size, bold)
        self.pdf.set_x(self.pdf.l_margin if x is None else x)
        self.pdf.multi_cell(w or self.width, self.line if h is None else h, nfc(text), align="C",
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rule(self, x_centre: float, length: float) -> None:
        """The short line under the agency and under the motto."""
        y = self.pdf.get_y() + 0.6
        self.pdf.set_line_width(0.3)
        self.pdf.line(x_centre - length / 2, y, x_centre + length / 2, y)
        self.pdf.set_y(y + 1.5)

    def _fitted(self, text: str, size: float, bold: bool, w: float) -> float:
        """The largest size up to `size` at which text fits on one line of width w."""
        self.font(size, bold)
        while size > 8 and self.pdf.get_string_width(nfc(text)) > w - 1 - 2 * self.pdf.c_margin:  # cell padding
            size -= 0.5
            self.font(size, bold)
        return size

    # ---- headings -------------------------------------------------------------------------------

    def agency_header(self, agency: str, department: str, place_date: str, logo: bytes | None = None) -> None:
        """Agency (left) and national motto (right), each underlined; then place and date on the right.
        The ward's logo (PNG), when it has one, sits at the left of the agency on A4."""
        pdf = self.pdf
        if self.roll:  # one column: agency, then the motto, then place and date
            for text, bold in ((agency.upper(), False), (department.upper(), True), (NATION, True), (MOTTO, True)):
                self.centred(text, size=self._fitted(text, 11.5, bold, self.width), bold=bold, h=5.6 * self.scale)
            self.centred(place_date)
            self.space(2)
            return
        left_w = self.width * 0.42
        right_x, right_w = pdf.l_margin + left_w, self.width - left_w
        top = pdf.get_y()
        left_x = pdf.l_margin + (self._logo(logo, top) if logo else 0)
        left_w -= left_x - pdf.l_margin
        self.centred(agency.upper(), size=self._fitted(agency.upper(), 11.5, False, left_w), x=left_x, w=left_w,
                     h=5.6)
        self.centred(department.upper(), size=self._fitted(department.upper(), 11.5, True, left_w), bold=True,
                     x=left_x, w=left_w, h=5.6)
        self.rule(left_x + left_w / 2, 22)
        left_bottom = pdf.get_y()
        pdf.set_y(top)
        self.centred(NATION, size=self._fitted(NATION, 11.5, True, right_w), bold=True, x=right_x, w=right_w, h=5.6)
        self.centred(MOTTO, size=12.5, bold=True, x=right_x, w=right_w, h=5.6)
        self.rule(right_x + right_w / 2, self.pdf.get_string_width(MOTTO))
        pdf.set_y(max(left_bottom, pdf.get_y()) + 2)
        self.centred(place_date, x=right_x, w=right_w)
        self.space(3)

    def _logo(self, png: bytes, top: float, size: float = 14.0) -> float:
        """Draw the logo at the top left; the width it takes (0 when the image cannot be read)."""
        try:
            self.pdf.image(io.BytesIO(png), x=self.pdf.l_margin, y=top, w=size, h=size, keep_aspect_ratio=True)
        except Exception:  # a broken file must not stop the form: it prints without the logo
            return 0.0
        return size + 2

    def nation_header(self) -> None:
        """The motto alone, centred (a citizen's declaration has no agency line)."""
        self.centred(NATION, size=12.5, bold=True, h=6)
        self.centred(MOTTO, size=13, bold=True, h=6)
        self.font(13, True)
        self.rule(self.pdf.l_margin + self.width / 2, self.pdf.get_string_width(MOTTO))
        self.space(4)

    def title(self, text: str, *subtitles: str) -> None:
        size = self._fitted(text, 14, True, self.width) if self.roll else 14  # one line on the roll
        self.centred(text, size=size, bold=True, h=7.5 * self.scale)
        for sub in subtitles:
            self.centred(sub)
        self.space(3)

    # ---- body -----------------------------------------------------------------------------------

    def field(self, label: str, value: object = None, *, bold: bool = True) -> None:
        """'Label: value' flowing over as many lines as it needs; an empty value stays dotted."""
        pdf = self.pdf
        value = nfc(value).strip()
        self.font()
        pdf.set_x(pdf.l_margin)
        pdf.write(self.line, nfc(label) + " ")
        if value:
            self.font(bold=bold)
            pdf.write(self.line, value)
        else:
            self._dots()
        pdf.ln(self.line)
        self.font()

    def fields_on_one_line(self, *pairs: tuple[str, object]) -> None:
        """Short fields side by side ('Số điện thoại: … Email: …'), each in an equal share of the line."""
        pdf = self.pdf
        share = self.width / len(pairs)
        for i, (label, value) in enumerate(pairs):
            pdf.set_x(pdf.l_margin + i * share)
            self.font()
            pdf.write(self.line, nfc(label) + " ")
            value = nfc(value).strip()
            if value:
                self.font(bold=True)
                pdf.write(self.line, value)
            else:
                self._dots(pdf.l_margin + (i + 1) * share - 3)
        pdf.ln(self.line)
        self.font()

    def _dots(self, until: float | None = None) -> None:
        pdf = self.pdf
        self.font()
        end = (pdf.w - pdf.r_margin) if until is None else until
        room = end - pdf.get_x()
        n = int(room / max(pdf.get_string_width("."), 0.1)) - 3  # stay clear of a wrap
        if n > 3:
            pdf.write(self.line, "." * n)

    def para(self, text: str, *, bold: bool = False, align: str = "J", indent: float = 0) -> None:
        self.font(bold=bold)
        self.pdf.set_x(self.pdf.l_margin + indent)
        self.pdf.multi_cell(self.width - indent, self.line, nfc(text), align=align, new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)

    def numbered(self, items: Sequence[str], *, blank_lines: int = 2, style: str = "{n})") -> None:
        """A numbered list; none given leaves `blank_lines` dotted lines to fill in by hand."""
        if not items:
            for n in range(1, blank_lines + 1):
                self.field(style.format(n=n))
            return
        for n, item in enumerate(items, 1):
            self.para(f"{style.format(n=n)} {nfc(item)}", indent=5)

    def note(self, lines: Iterable[str]) -> None:
        self.space(2)
        for line in lines:
            self.font(10)
            self.pdf.multi_cell(self.width, 5 * self.scale, nfc(line), align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font()

    # ---- signatures ---------------------------------------------------------------------------------

    def signatures(self, *blocks: tuple[str, str, str] | None, dateline: str = "", gap: float = 22) -> None:
        """Signature blocks side by side, each (title, hint, printed name); None leaves its place
        empty; `dateline` ("Làm tại: …, ngày …") goes above the last block. They stay on one page."""
        pdf = self.pdf
        gap *= self.scale
        needed = 2 + (self.line if dateline else 0) + self.line + 5 + gap + self.line
        if not self.roll and pdf.get_y() + needed > pdf.h - pdf.b_margin:
            self.page()
        self.space(2)
        share = self.width / len(blocks)
        if dateline:
            x = pdf.l_margin + (len(blocks) - 1) * share
            self.centred(dateline, size=self._fitted(dateline, BODY, False, share), x=x, w=share)
        top = pdf.get_y()
        for i, block in enumerate(blocks):
            if block is None:
                continue
            title, hint, name = block
            x = pdf.l_margin + i * share
            pdf.set_y(top)
            self.centred(title.upper(), size=self._fitted(title.upper(), BODY, True, share), bold=True, x=x, w=share)
            self.centred(hint, size=10, x=x, w=share, h=5 * self.scale)
            pdf.set_y(pdf.get_y() + gap)
            if name:
                self.centred(name, bold=True, x=x, w=share)
        pdf.set_y(top + self.line + 5 * self.scale + gap + self.line)
        self.font()

    def pdf_bytes(self) -> bytes:
        return bytes(self.pdf.output())
