"""Mẫu 03 of Circular 01/2018/TT-VPCP: "Phiếu từ chối tiếp nhận giải quyết hồ sơ"."""

from __future__ import annotations

from typing import Any

from kiosk.office.forms import common
from kiosk.office.forms.layout import Sheet, nfc

TITLE = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"


def reason(view: dict[str, Any]) -> str:
    return common.last_note(view, "rejected") or nfc(view.get("reason") or "")


def render(view: dict[str, Any], procedure: dict[str, Any], ward: dict[str, Any], officer: str) -> bytes:
    sheet = Sheet(f"{TITLE} {view.get('code', '')}")
    sheet.page()
    refused = common.when_of(view, "rejected", ward)
    common.dated_header(sheet, ward, refused.date() if refused else None)
    sheet.title(TITLE, f"Mã hồ sơ: {view.get('code', '')}")
    dept = common.department(ward)
    sheet.field(dept, nfc(ward.get("name") or ""))
    common.applicant_block(sheet, view, "Tiếp nhận hồ sơ của:")
    sheet.field("Nội dung yêu cầu giải quyết:", common.procedure_name(view, procedure))
    sheet.para(f"Qua xem xét, {dept} {nfc(ward.get('name') or '')} từ chối tiếp nhận, giải quyết hồ sơ này "
               f"với lý do cụ thể như sau:")
    sheet.para(reason(view) or "……", bold=True, indent=5)
    sheet.para("Xin trân trọng thông báo!")
    sheet.signatures(None, ("Người tiếp nhận hồ sơ", "(Ký và ghi rõ họ tên)", officer))
    return sheet.pdf_bytes()
