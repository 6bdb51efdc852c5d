"""Mẫu 02 of Circular 01/2018/TT-VPCP: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"."""

from __future__ import annotations

from typing import Any

from kiosk.office.forms import common
from kiosk.office.forms.layout import Sheet, nfc

TITLE = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
DEFAULT_REASON = "Thành phần hồ sơ chưa đầy đủ, hợp lệ theo quy định."


def missing(view: dict[str, Any]) -> list[str]:
    """The documents asked for: the recorded list, else the lines of the request's note."""
    listed = [nfc(d).strip() for d in view.get("missing_documents") or [] if nfc(d).strip()]
    if listed:
        return listed
    lines = (line.strip(" -•\t") for line in common.last_note(view, "more_documents").splitlines())
    return [line for line in lines if line]


def reason(view: dict[str, Any]) -> str:
    """The request's note when it says more than the list itself, else the standard reason."""
    note = common.last_note(view, "more_documents")
    listed = missing(view)
    if not view.get("missing_documents") or not note or note in ("\n".join(listed), "; ".join(listed),
                                                                 ", ".join(listed)):
        return DEFAULT_REASON
    return note


def render(view: dict[str, Any], procedure: dict[str, Any], ward: dict[str, Any], officer: str) -> bytes:
    sheet = Sheet(f"{TITLE} {view.get('code', '')}")
    sheet.page()
    asked = common.when_of(view, "more_documents", ward)
    common.dated_header(sheet, ward, asked.date() if asked else None)
    sheet.title(TITLE, f"Mã hồ sơ: {view.get('code', '')}")
    common.applicant_block(sheet, view, "Hồ sơ của:")
    sheet.field("Nội dung yêu cầu giải quyết:", common.procedure_name(view, procedure))
    sheet.para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:")
    sheet.numbered(common.document_names(missing(view), procedure), style="{n}.")
    sheet.field("Lý do:", reason(view))
    contact = common.department(ward) + (f", số điện thoại {nfc(ward['phone'])}" if ward.get("phone") else "")
    sheet.para(f"Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với {officer or '……'}, "
               f"{contact} để được hướng dẫn.")
    sheet.signatures(None, ("Người hướng dẫn", "(Ký và ghi rõ họ tên)", officer))
    return sheet.pdf_bytes()
