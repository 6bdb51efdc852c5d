"""Mẫu 01 of Circular 01/2018/TT-VPCP: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", printed in two
copies (liên): one for the applicant, one kept by the department."""

from __future__ import annotations

from typing import Any

from kiosk.office.forms import common, dates
from kiosk.office.forms.layout import Sheet, nfc

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


def appointment_text(view: dict[str, Any], ward: dict[str, Any]) -> str:
    """"Hồi 10 giờ 00 phút, ngày 03 tháng 3 năm 2026"; the date alone when no hour was set."""
    at = dates.local_time(view.get("appointment_at"), common.tz(ward))
    if at is not None:
        return dates.at_time(at)
    day = dates.local_date(view.get("appointment_date"))
    return dates.day_month_year(day).capitalize() if day else ""


ROLL_PAD = 8  # mm of paper left after the last line, for the printer's cutter


def render(view: dict[str, Any], procedure: dict[str, Any], ward: dict[str, Any], officer: str,
           *, roll: bool = False) -> bytes:
    """The A4 paper, or with `roll` the same receipt on 80 mm thermal paper: one strip per copy,
    as long as its text (laid out once on a long strip to measure it, then for real)."""
    title = f"{TITLE} {view.get('code', '')}"
    if not roll:
        sheet = Sheet(title)
        _copies(sheet, view, procedure, ward, officer)
        return sheet.pdf_bytes()
    probe = Sheet(title, roll_height=2000)
    height = max(_copies(probe, view, procedure, ward, officer)) + ROLL_PAD
    sheet = Sheet(title, roll_height=height)
    _copies(sheet, view, procedure, ward, officer)
    return sheet.pdf_bytes()


def _copies(sheet: Sheet, view: dict[str, Any], procedure: dict[str, Any], ward: dict[str, Any],
            officer: str) -> list[float]:
    """Both copies, one page each; where each page's text ends (mm from the top)."""
    dept = common.department(ward)
    received = dates.local_time(view.get("received_at"), common.tz(ward)) or common.when_of(view, "received", ward)
    copies = ("Liên 1: giao người nộp hồ sơ", f"Liên 2: lưu tại {dept}")
    ends = []
    for copy in copies:
        sheet.page()
        common.dated_header(sheet, ward, received.date() if received else None)
        sheet.title(TITLE, f"Mã hồ sơ: {view.get('code', '')}", f"({copy})")
        sheet.field(dept, nfc(ward.get("name") or ""))
        common.applicant_block(sheet, view, "Tiếp nhận hồ sơ của:")
        sheet.field("Nội dung yêu cầu giải quyết:", common.procedure_name(view, procedure))
        sheet.para("1. Thành phần hồ sơ nộp gồm:")
        sheet.numbered(common.document_names(view.get("documents_received") or [], procedure), blank_lines=3)
        sets = view.get("sets")
        sheet.field("2. Số lượng hồ sơ:", f"{sets:02d} (bộ)" if isinstance(sets, int) and sets > 0 else "")
        days = procedure.get("processing_days")
        sheet.field("3. Thời gian giải quyết hồ sơ theo quy định là:",
                    f"{days} ngày làm việc" if isinstance(days, int) else "")
        sheet.field("4. Thời gian nhận hồ sơ:", dates.at_time(received) if received else "")
        sheet.field("5. Thời gian trả kết quả giải quyết hồ sơ:", appointment_text(view, ward))
        sheet.field("6. Đăng ký nhận kết quả tại:", common.ward_contact({**ward, "name": f"{dept}, "
                                                                       f"{nfc(ward.get('name') or '')}"}))
        book = (("Vào Sổ theo dõi hồ sơ, Quyển số:", ""), ("Số thứ tự:", ""))
        if sheet.roll:  # no room for both on one line of the roll
            for label, value in book:
                sheet.field(label, value)
        else:
            sheet.fields_on_one_line(*book)
        sheet.signatures(("Người nộp hồ sơ", "(Ký và ghi rõ họ tên)", common.applicant(view).get("full_name") or ""),
                         ("Người tiếp nhận hồ sơ", "(Ký và ghi rõ họ tên)", officer))
        sheet.note([
            f"Ghi chú: Mang theo giấy này khi đến nhận kết quả. Tra cứu tình trạng hồ sơ bằng mã hồ sơ "
            f"{view.get('code', '')} tại {dept}, {common.ward_contact(ward)}.",
        ])
        ends.append(sheet.pdf.get_y())
    return ends
