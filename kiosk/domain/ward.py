"""The ward's identity (issue 15): one plain value the kiosk, the slips, the office's pages and
PDFs all read, and the placeholders catalogue texts may carry ({ward}, {department}, {address},
{phone}, {hours}). The office stores it (admin can change it); the config's [ward] seeds it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from typing import Any

DEFAULT_DEPARTMENT = "Trung tâm Phục vụ hành chính công"
# the editable fields, as the office's API and the config's [ward] name them
FIELDS = ("name", "department", "address", "phone", "hours_text")
_PLACEHOLDER = re.compile(r"\{(ward|department|address|phone|hours)\}")


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


@dataclass(frozen=True)
class WardIdentity:
    name: str = ""
    department: str = DEFAULT_DEPARTMENT
    address: str = ""
    phone: str = ""
    hours_text: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"  # from the config, not edited with the identity
    has_logo: bool = False

    @classmethod
    def from_config(cls, ward: Any) -> "WardIdentity":
        """From the config's [ward] section (kiosk.config.Ward)."""
        return cls(**{f: _nfc(getattr(ward, f, "")) for f in FIELDS},
                   timezone=getattr(ward, "timezone", cls.timezone),
                   has_logo=bool(getattr(ward, "logo", ""))).with_defaults()

    def updated(self, data: Any) -> "WardIdentity":
        """This identity with the fields the office sent (GET /api/ward); others kept."""
        if not isinstance(data, dict):
            return self
        changes = {f: _nfc(data[f]) for f in FIELDS if isinstance(data.get(f), str)}
        # a blank name or department was never set (they are required): keep this one's
        changes = {f: v for f, v in changes.items() if v or f not in ("name", "department")}
        if isinstance(data.get("has_logo"), bool):
            changes["has_logo"] = data["has_logo"]
        return replace(self, **changes).with_defaults()

    def with_defaults(self) -> "WardIdentity":
        return self if self.department else replace(self, department=DEFAULT_DEPARTMENT)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def placeholders(self) -> dict[str, str]:
        return {"ward": self.name, "department": self.department, "address": self.address,
                "phone": self.phone, "hours": self.hours_text}


def fill_ward(text: str, ward: WardIdentity | dict | None) -> str:
    """Fill {ward}, {department}, {address}, {phone} and {hours} in a catalogue or UI text.

    Only those five names are replaced (other braces are left alone, so a text never breaks);
    a dict is read as WardIdentity fields."""
    if not text or "{" not in text or ward is None:
        return text
    if isinstance(ward, dict):
        ward = WardIdentity().updated(ward)
    elif not isinstance(ward, WardIdentity):  # the config's [ward]
        ward = WardIdentity.from_config(ward)
    values = ward.placeholders()
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


__all__ = ["DEFAULT_DEPARTMENT", "FIELDS", "WardIdentity", "fill_ward"]


def fill_ward_all(value: Any, ward: WardIdentity | dict | None) -> Any:
    """fill_ward on every string of a catalogue entry (dicts and lists walked; keys kept), for
    printing a whole procedure (the office's PDFs)."""
    if isinstance(value, str):
        return fill_ward(value, ward)
    if isinstance(value, dict):
        return {k: fill_ward_all(v, ward) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_ward_all(v, ward) for v in value]
    return value
