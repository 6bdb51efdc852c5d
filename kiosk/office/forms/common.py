"""What the forms share: who the ward is, who the applicant is, what was asked, and the dates.

Every renderer takes plain dicts: the dossier as the staff view builds it (keys read with .get(),
as older views lack some), the procedure as the catalogue stores it, and the ward:
{"name", "department", "address", "phone", "timezone", "logo_png"?} (the stored identity, kiosk.office.operations.ward).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.office.forms import dates
from kiosk.office.forms.layout import Sheet, nfc, place_name

DEFAULT_DEPARTMENT = "Trung tâm Phục vụ hành chính công"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def tz(ward: dict[str, Any]) -> str:
    return ward.get("timezone") or DEFAULT_TIMEZONE


def department(ward: dict[str, Any]) -> str:
    return nfc(ward.get("department") or DEFAULT_DEPARTMENT)


def applicant(view: dict[str, Any]) -> dict[str, Any]:
    a = view.get("applicant")
    return a if isinstance(a, dict) else {}


def procedure_name(view: dict[str, Any], procedure: dict[str, Any]) -> str:
    return nfc(view.get("procedure_name") or view.get("procedure_name_vi") or procedure.get("name_vi")
               or view.get("procedure_code") or "")


def document_names(names: list[str], procedure: dict[str, Any]) -> list[str]:
    """The papers as the official forms name them: a catalogue document's short `name_vi` (e.g.
    "Tờ khai đăng ký khai sinh") instead of its `vi`, which is also the kiosk's hint to the
    citizen and the key the dossier stores; names not in the catalogue print as they are."""
    official = {nfc(d.get("vi") or ""): nfc(d["name_vi"]) for d in procedure.get("documents") or []
                if isinstance(d, dict) and isinstance(d.get("name_vi"), str) and d["name_vi"].strip()}
    return [official.get(nfc(n).strip(), nfc(n).strip()) for n in names]


def history_entries(view: dict[str, Any], status: str) -> list[dict[str, Any]]:
    return [h for h in view.get("history") or [] if h.get("status") == status]


def last_note(view: dict[str, Any], status: str) -> str:
    """The note of the latest move to `status`, else the dossier's current note."""
    for h in reversed(history_entries(view, status)):
        if h.get("note"):
            return nfc(h["note"]).strip()
    return nfc(view.get("note") or "").strip()


def when_of(view: dict[str, Any], status: str, ward: dict[str, Any]) -> dt.datetime | None:
    """When the dossier last moved to `status`, in the office's time zone."""
    entries = history_entries(view, status)
    return dates.local_time(entries[-1].get("at"), tz(ward)) if entries else None


def dated_header(sheet: Sheet, ward: dict[str, Any], day: dt.date | None) -> None:
    """Agency and motto, then "<place>, ngày … tháng … năm …" (dotted when the day is unknown)."""
    place = place_name(ward.get("name") or "") or "……"
    when = dates.day_month_year(day) if day else "ngày …… tháng …… năm ……"
    sheet.agency_header(nfc(ward.get("name") or ""), department(ward), f"{place}, {when}", ward.get("logo_png"))


def applicant_block(sheet: Sheet, view: dict[str, Any], first_label: str) -> None:
    """Name, address, phone and email of the applicant, as the three official forms list them."""
    a = applicant(view)
    sheet.field(first_label, a.get("full_name"))
    sheet.field("Địa chỉ:", a.get("address"))
    sheet.fields_on_one_line(("Số điện thoại:", a.get("phone")), ("Email:", a.get("email")))


def ward_contact(ward: dict[str, Any]) -> str:
    parts = [nfc(ward.get("name") or "")]
    if ward.get("address"):
        parts.append("địa chỉ: " + nfc(ward["address"]))
    if ward.get("phone"):
        parts.append("điện thoại: " + nfc(ward["phone"]))
    return ", ".join(p for p in parts if p)
