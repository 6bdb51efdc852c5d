"""The procedure's declaration (tờ khai), filled from the answers given at the kiosk and laid out
like the civil-status templates (Circular 04/2020/TT-BTP): national motto, title, "Kính gửi", the
applicant, the request's own fields in the form's order (empty ones dotted, to fill by hand), the
oath, place and date, and the citizen's signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.domain import forms
from kiosk.office.forms import common, dates
from kiosk.office.forms.layout import Sheet, nfc, place_name

# titles of the official templates where "TỜ KHAI " + the procedure's name is not it
TITLES = {
    "2.000635": "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
    "1.004859": "TỜ KHAI ĐĂNG KÝ THAY ĐỔI, CẢI CHÍNH, XÁC ĐỊNH LẠI DÂN TỘC, BỔ SUNG THÔNG TIN HỘ TỊCH",
    "2.000815": "PHIẾU YÊU CẦU CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH",
    "2.000884": "PHIẾU YÊU CẦU CHỨNG THỰC CHỮ KÝ",
}
OATH = ("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
        "về cam đoan của mình.")


def title(view: dict[str, Any], procedure: dict[str, Any]) -> str:
    code = view.get("procedure_code") or procedure.get("code") or ""
    return nfc(procedure.get("declaration_title_vi") or TITLES.get(code)
               or "TỜ KHAI " + common.procedure_name(view, procedure).upper())


def shown(field: forms.FormField, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if field.widget == "date" or field.schema.get("format") == "date":
        return forms.format_date(value) or nfc(value)
    return nfc(value)


def fallback_fields(view: dict[str, Any]) -> list[forms.FormField]:
    """The applicant's usual fields and the dossier's own keys, for a procedure gone from the catalogue."""
    applicant = [("full_name", "Họ, chữ đệm và tên"), ("id_number", "Số định danh cá nhân"),
                 ("date_of_birth", "Ngày sinh"), ("address", "Nơi cư trú"), ("phone", "Số điện thoại")]
    out = [forms.FormField(f"applicant.{name}", name, title, title, "date" if name == "date_of_birth" else "text",
                           False) for name, title in applicant]
    return out + [forms.FormField(name, name, name, name, "text", False) for name in view.get("fields") or {}]


def _value(view: dict[str, Any], path: str) -> Any:
    if path.startswith("applicant."):
        return common.applicant(view).get(path.split(".", 1)[1])
    node: Any = view.get("fields") or {}
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def declared_on(view: dict[str, Any], ward: dict[str, Any]) -> dt.date | None:
    for key in ("declared_at", "received_at"):
        t = dates.local_time(view.get(key), common.tz(ward))
        if t is not None:
            return t.date()
    return dates.local_date(view.get("day"))


def render(view: dict[str, Any], procedure: dict[str, Any], ward: dict[str, Any], officer: str = "") -> bytes:
    heading = title(view, procedure)
    sheet = Sheet(f"{heading} {view.get('code', '')}")
    sheet.page()
    sheet.nation_header()
    sheet.title(heading, f"(Mã hồ sơ: {view.get('code', '')})")
    sheet.field("Kính gửi:", nfc(ward.get("name") or ""))
    fields = forms.fields_in_order(procedure.get("form_schema") or {}) or fallback_fields(view)
    asked = [f for f in fields if not f.path.startswith("applicant.")]
    for f in fields:
        if f.path.startswith("applicant."):
            label = f.title_vi + (" người yêu cầu" if f.name == "full_name" else "")
            sheet.field(f"{label}:", shown(f, _value(view, f.path)))
    sheet.space(1)
    sheet.para(f"Đề nghị cơ quan có thẩm quyền giải quyết thủ tục {common.procedure_name(view, procedure)} "
               f"với những nội dung sau:")
    for f in asked:
        sheet.field(f"{f.title_vi}:", shown(f, _value(view, f.path)))
    sheet.space(1)
    sheet.para(OATH)
    day = declared_on(view, ward)
    place = place_name(ward.get("name") or "") or "……"
    when = dates.day_month_year(day) if day else "ngày …… tháng …… năm ……"
    name = common.applicant(view).get("full_name") or ""
    sheet.signatures(None, ("Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)", nfc(name)),
                     dateline=f"Làm tại: {place}, {when}")
    return sheet.pdf_bytes()
