"""The month's report for the ward's leaders (issue 17): an A4 PDF of the reports summary
(GET /api/reports/summary for the month's days) with the admin paper's header, the key figures,
bar charts drawn with fpdf2's lines and rectangles, tables by field and by counter, and the
signature of the head of the centre.

Pure rendering: the summary dict and the ward in, bytes out. Numbers are written the Vietnamese
way (thousands dots, decimal comma: "1.250", "5,0 phút", "33,3%"); times in minutes, shares in per cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from fpdf.enums import XPos, YPos

from kiosk import i18n
from kiosk.office.forms import common
from kiosk.office.forms.layout import Sheet, nfc

TITLE = "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG {month}"
SCORE_VI = {"4": "Rất hài lòng", "3": "Hài lòng", "2": "Bình thường", "1": "Không hài lòng"}
BAR = (46, 94, 170)  # one blue for every bar: printed in grey it stays readable
SMALL = 9.5  # pt: charts and tables
TOP_PROCEDURES = 15


def number(value: float | None, unit: str = "") -> str:
    """One decimal, the Vietnamese way ("1.250,5"); "—" without data."""
    if value is None:
        return "—"
    return i18n.number(value, "vi", 1) + unit


def count(n: int) -> str:
    """A whole number, thousands separated by dots: "1.250"."""
    return i18n.number(n, "vi")


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60


def minutes(seconds: float | None) -> str:
    return number(_min(seconds), " phút")


def percent(share: float | None) -> str:
    return number(None if share is None else share * 100, "%")


def month_label(month: str) -> str:
    """"2026-03" → "03/2026"."""
    year, mm = month.split("-")
    return f"{mm}/{year}"


def _day(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


# ---- drawing ----------------------------------------------------------------------------------

def heading(sheet: Sheet, text: str) -> None:
    sheet.space(2)
    _keep(sheet, 45)  # the heading, its figures and a chart's first bars together
    sheet.para(text, bold=True, align="L")


def figures(sheet: Sheet, pairs: Sequence[tuple[str, str]]) -> None:
    """'Label: value' two to a line."""
    for i in range(0, len(pairs), 2):
        row = pairs[i:i + 2]
        if len(row) == 2:
            sheet.fields_on_one_line(*row)
        else:
            sheet.field(*row[0])


def _keep(sheet: Sheet, height: float) -> None:
    """A new page unless `height` mm still fit on this one."""
    pdf = sheet.pdf
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        sheet.page()


def bar_chart(sheet: Sheet, title: str, bars: Sequence[tuple[str, float, str]]) -> None:
    """Horizontal bars, one per (label, value, value as printed), the longest the width of the plot;
    labels on the left, the printed value at each bar's end."""
    pdf = sheet.pdf
    row, label_w, value_w = 6.0, 62.0, 24.0
    _keep(sheet, 8 + row * max(len(bars), 1) + 4)
    sheet.font(10, bold=True)
    pdf.set_x(pdf.l_margin)
    pdf.cell(sheet.width, 6, nfc(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y() + 1
    if not bars:
        sheet.font(SMALL)
        pdf.set_xy(pdf.l_margin + label_w, top)
        pdf.cell(0, row, "Không có số liệu trong tháng.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(top + row + 2)
        sheet.font()
        return
    plot_x = pdf.l_margin + label_w
    plot_w = sheet.width - label_w - value_w
    most = max((v for _, v, _ in bars), default=0) or 1
    sheet.font(SMALL)
    for i, (label, value, shown) in enumerate(bars):
        y = top + i * row
        pdf.set_xy(pdf.l_margin, y)
        text = nfc(label)
        while pdf.get_string_width(text) > label_w - 3 and len(text) > 4:  # a long procedure name: cut with "…"
            text = text[:-2].rstrip() + "…"
        pdf.cell(label_w - 2, row, text, align="R")
        if value > 0:
            pdf.set_fill_color(*BAR)
            pdf.rect(plot_x, y + 1, max(plot_w * value / most, 0.4), row - 2, style="F")
        pdf.set_xy(plot_x + plot_w * value / most + 1.5, y)
        pdf.cell(value_w, row, nfc(shown))
    pdf.set_draw_color(90, 90, 90)
    pdf.set_line_width(0.2)
    pdf.line(plot_x, top, plot_x, top + row * len(bars))  # the axis
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(top + row * len(bars) + 3)
    sheet.font()


def table(sheet: Sheet, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
    """A ruled table; the first column left-aligned, numbers right; the header again on a new page."""
    pdf = sheet.pdf
    scale = sheet.width / sum(widths)
    widths = [w * scale for w in widths]
    line = 4.6

    def header() -> None:
        sheet.font(SMALL, bold=True)
        pdf.set_fill_color(230, 234, 242)
        lines = max(len(pdf.multi_cell(w, line, nfc(h), dry_run=True, output="LINES")) for w, h in zip(widths, headers))
        y = pdf.get_y()
        for i, (w, h) in enumerate(zip(widths, headers)):
            own = len(pdf.multi_cell(w, line, nfc(h), dry_run=True, output="LINES"))
            pdf.rect(pdf.l_margin + sum(widths[:i]), y, w, lines * line, style="DF")
            pdf.set_xy(pdf.l_margin + sum(widths[:i]), y + (lines - own) * line / 2)  # centred in the box
            pdf.multi_cell(w, line, nfc(h), align="C")
        pdf.set_xy(pdf.l_margin, y + lines * line)
        sheet.font(SMALL)

    _keep(sheet, 3 * line + 7 * 2)
    header()
    for cells in rows:
        if pdf.get_y() + 7 > pdf.h - pdf.b_margin:
            sheet.page()
            header()
        for i, (w, c) in enumerate(zip(widths, cells)):
            text = nfc(c)
            while i == 0 and pdf.get_string_width(text) > w - 2 and len(text) > 4:
                text = text[:-2].rstrip() + "…"
            pdf.cell(w, 7, text, border=1, align="L" if i == 0 else "R")
        pdf.ln(7)
    sheet.space(3)
    sheet.font()


# ---- the report ---------------------------------------------------------------------------------

def render(summary: dict[str, Any], ward: dict[str, Any], month: str, made_on: dt.date | None = None) -> bytes:
    """`summary` of the month's days; `month` "YYYY-MM"; `made_on` dates the paper (dotted without)."""
    label = month_label(month)
    title = TITLE.format(month=label)
    sheet = Sheet(title)
    sheet.page()
    common.dated_header(sheet, ward, made_on)
    sheet.title(title, f"(Từ ngày {_day(summary['from'])} đến ngày {_day(summary['to'])})")
    t, r, d = summary["tickets"], summary["ratings"], summary["dossiers"]
    w, sv = t["waiting_seconds"], t["service_seconds"]

    heading(sheet, "I. TIẾP NHẬN VÀ PHỤC VỤ CÔNG DÂN TẠI QUẦY")
    figures(sheet, [("Số phiếu đã cấp:", count(t["issued"])), ("Đã phục vụ:", count(t["served"])),
                    ("Vắng mặt khi gọi:", count(t["no_show"])),
                    ("Chưa phục vụ khi hết ngày:", count(t["unserved_at_close"])),
                    ("Thời gian chờ trung vị:", minutes(w["median"])), ("Thời gian chờ P90:", minutes(w["p90"])),
                    ("Thời gian giải quyết trung vị:", minutes(sv["median"])),
                    ("Thời gian giải quyết P90:", minutes(sv["p90"]))])
    sheet.space(1)
    bar_chart(sheet, "Biểu đồ 1. Số phiếu đã cấp theo lĩnh vực",
              [(x["name_vi"], x["issued"], count(x["issued"])) for x in summary["by_service"]])
    waits = [h for h in summary["by_hour"] if h["waiting_mean_seconds"] is not None]
    bar_chart(sheet, "Biểu đồ 2. Thời gian chờ trung bình theo giờ lấy phiếu",
              [(f"{h['hour']:02d}:00–{h['hour'] + 1:02d}:00", h["waiting_mean_seconds"],
                minutes(h["waiting_mean_seconds"])) for h in waits])

    heading(sheet, "II. HỒ SƠ THỦ TỤC HÀNH CHÍNH")
    figures(sheet, [("Hồ sơ đã khai:", count(d["declared"])),
                    ("Đã tiếp nhận:", f"{count(d['received'])} ({percent(d['received_share'])})"),
                    ("Đã chuyển lên tỉnh:", f"{count(d['reached_province'])} ({percent(d['reached_share'])})"),
                    ("Chưa đến hẹn:", count(d["not_due"])),
                    ("Trả kết quả đúng hẹn:", f"{count(d['on_time'])} ({percent(d['on_time_share'])})"),
                    ("Trễ hẹn:", count(d["late"])),
                    ("Nộp qua kiosk:", f"{count(d['via_kiosk'])} ({percent(d['kiosk_share'])})"),
                    ("Có tình nguyện viên hỗ trợ:", f"{count(d['with_volunteer'])} ({percent(d['volunteer_share'])})")])
    sheet.space(1)
    procedures = [(x["name_vi"] or x["procedure"], x["declared"]) for x in summary["by_procedure"]]  # most first
    if len(procedures) > TOP_PROCEDURES:  # a chart that fits a page: the rest in one bar
        rest = procedures[TOP_PROCEDURES - 1:]
        procedures = procedures[:TOP_PROCEDURES - 1] + [(f"{len(rest)} thủ tục khác", sum(n for _, n in rest))]
    bar_chart(sheet, "Biểu đồ 3. Số hồ sơ đã khai theo thủ tục", [(name, n, count(n)) for name, n in procedures])

    heading(sheet, "III. ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG")
    figures(sheet, [("Lượt đánh giá:", count(r["count"])),
                    ("Tỷ lệ hài lòng:", f"{count(r['satisfied'])} ({percent(r['satisfied_share'])})")])
    sheet.space(1)
    bar_chart(sheet, "Biểu đồ 4. Số lượt đánh giá theo mức độ",
              [(name, r["by_score"].get(k, 0), count(r["by_score"].get(k, 0))) for k, name in SCORE_VI.items()]
              if r["count"] else [])

    heading(sheet, "IV. SỐ LIỆU THEO LĨNH VỰC, THEO QUẦY VÀ THEO CÁN BỘ")
    heads = ["Đã cấp", "Đã phục vụ", "Vắng mặt", "Chờ trung vị (phút)", "Chờ P90 (phút)",
             "Giải quyết trung vị (phút)"]

    def cells(x: dict[str, Any]) -> list[str]:
        return [count(x["issued"]), count(x["served"]), count(x["no_show"]),
                number(_min(x["waiting_seconds"]["median"])), number(_min(x["waiting_seconds"]["p90"])),
                number(_min(x["service_seconds"]["median"]))]

    widths = [44, 15, 17, 16, 19, 17, 22]
    table(sheet, ["Lĩnh vực", *heads], [[x["name_vi"], *cells(x)] for x in summary["by_service"]], widths)
    table(sheet, ["Quầy", *heads[:-1], "Tỷ lệ hài lòng"],
          [[f"Quầy {x['counter']}", *cells(x)[:-1], percent(x["ratings"]["satisfied_share"])]
           for x in summary["by_counter"]], widths)
    officers = [x for x in summary.get("by_officer", []) if x["officer"]]
    if officers:
        table(sheet, ["Cán bộ", "Đã phục vụ", "Vắng mặt", "Giải quyết trung vị (phút)", "Giải quyết P90 (phút)",
                      "Lượt đánh giá", "Tỷ lệ hài lòng"],
              [[x["full_name"] or x["officer"], count(x["served"]), count(x["no_show"]),
                number(_min(x["service_seconds"]["median"])), number(_min(x["service_seconds"]["p90"])),
                count(x["ratings"]["count"]), percent(x["ratings"]["satisfied_share"])] for x in officers], widths)

    sheet.signatures(("Người lập báo cáo", "(Ký và ghi rõ họ tên)", ""),
                     ("Giám đốc Trung tâm", "(Ký, ghi rõ họ tên và đóng dấu)", ""), gap=24)
    return sheet.pdf_bytes()
