"""Forms as data: helpers around each procedure's `form_schema` (JSON Schema draft 2020-12).

Our extensions to JSON Schema, all on a property:
  "title"                 Vietnamese label        "x-label-en"  English label
  "x-hint-vi"/"x-hint-en" one line of help        "x-widget"    text|date|digits|choice|textarea
  "x-enum-en"             English labels of "enum" values, in the same order
  "x-from-card"           full_name|id_number|date_of_birth|sex|address: filled from the ID card
  "x-not-future"          a date that cannot be after today
and on an object: "x-order", the order to show its properties in.

The kiosk and the office service validate with the same `validate`, so a citizen and an API
client get the same answer. Messages are plain sentences per field, never jsonschema's own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

__all__ = [
    "FieldError", "FormField", "validate", "clean", "fields_in_order", "prefill_from_card",
    "submission_document", "parse_date", "format_date",
]

CARD_ATTRIBUTES = ("full_name", "id_number", "date_of_birth", "sex", "address")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted path, e.g. "applicant.id_number"; "" for the form as a whole
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class FormField:
    """One input of a form, flattened for a generic form screen."""

    path: str  # "applicant.full_name"
    name: str
    title_vi: str
    title_en: str
    widget: str
    required: bool
    hint_vi: str = ""
    hint_en: str = ""
    group_vi: str = ""
    group_en: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # (value, English label)
    from_card: str | None = None
    schema: dict = field(default_factory=dict, compare=False, repr=False)


# -- dates --------------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (or d-m-yyyy, or ISO yyyy-mm-dd); None if it is not a real date."""
    text = (text or "").strip()
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def format_date(value: str | date | None) -> str:
    """ISO date → dd/mm/yyyy, the way Vietnamese papers write it."""
    if isinstance(value, str):
        value = parse_date(value)
    return value.strftime("%d/%m/%Y") if value else ""


_checker = FormatChecker()


@_checker.checks("date", raises=ValueError)
def _strict_date(value: object) -> bool:
    """Only yyyy-mm-dd of a real day (Python 3.11 fromisoformat would also take 20260101)."""
    if not isinstance(value, str):
        return True
    return bool(_ISO_DATE.match(value)) and bool(date.fromisoformat(value))


# -- walking the schema -------------------------------------------------------------------------------


def _order(schema: dict) -> list[str]:
    props = schema.get("properties", {})
    order = [k for k in schema.get("x-order", []) if k in props]
    return order + [k for k in props if k not in order]


def _prop_at(schema: dict, path: list[str]) -> dict:
    node = schema
    for part in path:
        node = node.get("properties", {}).get(part, {})
    return node


def fields_in_order(schema: dict) -> list[FormField]:
    """All inputs of the form in display order; object properties (like `applicant`) are
    flattened into their fields, carrying the group's title."""
    out: list[FormField] = []

    def walk(node: dict, prefix: str, group: dict | None) -> None:
        required = set(node.get("required", []))
        for name in _order(node):
            prop = node["properties"][name]
            path = f"{prefix}{name}"
            if prop.get("type") == "object":
                walk(prop, path + ".", prop)
                continue
            enum = prop.get("enum", [])
            enum_en = prop.get("x-enum-en", enum)
            out.append(FormField(
                path=path, name=name,
                title_vi=prop.get("title", name), title_en=prop.get("x-label-en", prop.get("title", name)),
                widget=prop.get("x-widget") or ("choice" if enum else "text"),
                required=name in required,
                hint_vi=prop.get("x-hint-vi", ""), hint_en=prop.get("x-hint-en", ""),
                group_vi=(group or {}).get("title", ""), group_en=(group or {}).get("x-label-en", ""),
                choices=tuple(zip(enum, enum_en)),
                from_card=prop.get("x-from-card"),
                schema=prop,
            ))

    walk(schema, "", None)
    return out


# -- data -----------------------------------------------------------------------------------------------


def _clean_value(prop: dict, value: Any) -> Any:
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", " ".join(value.split()) if prop.get("x-widget") != "textarea"
                                      else value.strip())
        if prop.get("type") == "integer" and value.isdigit():
            return int(value)
        if prop.get("format") == "date" and value and not _ISO_DATE.match(value):
            parsed = parse_date(value)
            return parsed.isoformat() if parsed else value
    if isinstance(value, date):
        return value.isoformat()
    return value


def clean(schema: dict, data: dict) -> dict:
    """Normalise form data the way a person means it: text trimmed and NFC, "" and None left
    out (an optional field left empty), digit strings to integers where the field is an integer,
    dd/mm/yyyy dates to ISO. Store what this returns."""

    def walk(node: dict, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        out = {}
        for key, value in values.items():
            prop = node.get("properties", {}).get(key, {})
            if prop.get("type") == "object":
                value = walk(prop, value)
            else:
                value = _clean_value(prop, value)
            if value is None or value == "":
                continue
            out[key] = value
        return out

    return walk(schema, data or {})


def submission_document(applicant: dict, fields: dict) -> dict:
    """The document a procedure's form validates: the applicant plus the procedure's fields
    (the shape of `POST /api/dossiers`: {"applicant": {...}, "fields": {...}})."""
    return {"applicant": dict(applicant or {}), **dict(fields or {})}


def validate(schema: dict, data: dict, today: date | None = None) -> list[FieldError]:
    """Check form data against its schema; an empty list means it is fine.

    The data is cleaned first (see `clean`). Each error names one field with a plain
    Vietnamese and English sentence, in form order.
    """
    data = clean(schema, data)
    today = today or date.today()
    errors: dict[str, FieldError] = {}
    validator = Draft202012Validator(schema, format_checker=_checker)
    for err in validator.iter_errors(data):
        for path, message in _explain(schema, err):
            errors.setdefault(path, message)
    for f in fields_in_order(schema):
        value = _value_at(data, f.path)
        if f.schema.get("x-not-future") and isinstance(value, str) and f.path not in errors:
            parsed = parse_date(value)
            if parsed and parsed > today:
                errors[f.path] = FieldError(f.path, f"{f.title_vi}: ngày này chưa tới, vui lòng kiểm tra lại.",
                                            f"{f.title_en}: this date is in the future, please check it.")
    paths = [f.path for f in fields_in_order(schema)]

    def position(e: FieldError) -> int:  # a group ("applicant") sorts with its first field
        return next((i for i, p in enumerate(paths) if p == e.field or p.startswith(e.field + ".")), len(paths))

    return sorted(errors.values(), key=position)


def _value_at(data: dict, path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _lc(label: str) -> str:
    """Lower-case a label's first letter for use mid-sentence, keeping "ID" and the like."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _explain(schema: dict, err) -> list[tuple[str, FieldError]]:
    """Turn one jsonschema error into per-field messages."""
    parent = [str(p) for p in err.absolute_path]
    kind = err.validator
    if kind in ("required", "dependentRequired"):
        present = err.instance if isinstance(err.instance, dict) else {}
        if kind == "required":
            missing = [m for m in err.validator_value if m not in present]
        else:
            missing = [m for trigger, deps in err.validator_value.items() if trigger in present
                       for m in deps if m not in present]
        out = []
        for name in missing:
            prop = _prop_at(schema, parent + [name])
            vi, en = prop.get("title", name), prop.get("x-label-en", name)
            path = ".".join(parent + [name])
            if prop.get("type") == "object":
                msg = FieldError(path, f"Thiếu thông tin {_lc(vi)}.", f"{en} is missing.")
            elif prop.get("x-widget") == "choice" or "enum" in prop:
                msg = FieldError(path, f"Vui lòng chọn {_lc(vi)}.", f"Please choose: {_lc(en)}.")
            else:
                msg = FieldError(path, f"Vui lòng nhập {_lc(vi)}.", f"Please enter: {_lc(en)}.")
            out.append((path, msg))
        return out
    if kind in ("additionalProperties", "unevaluatedProperties"):
        extras = re.findall(r"'([^']+)'", err.message)
        known = set(_prop_at(schema, parent).get("properties", {}))
        return [(".".join(parent + [x]),
                 FieldError(".".join(parent + [x]), "Biểu mẫu này không có mục này.", "This form has no such field."))
                for x in extras if x not in known]
    path = ".".join(parent)
    prop = _prop_at(schema, parent)
    vi, en = prop.get("title", path or "biểu mẫu"), prop.get("x-label-en", path or "form")
    value = err.instance
    if kind == "pattern":
        if "{12}" in err.validator_value:
            return [(path, FieldError(path, f"{vi}: phải gồm đúng 12 chữ số.", f"{en}: must be exactly 12 digits."))]
        if err.validator_value.startswith("^0"):
            return [(path, FieldError(path, f"{vi}: phải gồm 10 chữ số, bắt đầu bằng số 0.",
                                      f"{en}: must be 10 digits starting with 0."))]
        return [(path, FieldError(path, f"{vi}: không đúng định dạng.", f"{en}: not in the expected form."))]
    if (kind == "format" and err.validator_value == "date") or (kind == "type" and prop.get("format") == "date"):
        return [(path, FieldError(path, f"{vi}: ngày không hợp lệ, vui lòng nhập ngày/tháng/năm.",
                                  f"{en}: not a valid date, please enter day/month/year."))]
    if kind == "enum":
        choices = ", ".join(str(c) for c in err.validator_value)
        return [(path, FieldError(path, f"{vi}: vui lòng chọn một trong: {choices}.",
                                  f"{en}: please choose one of the options."))]
    if kind == "minLength" and (value == "" or err.validator_value <= 1):
        return [(path, FieldError(path, f"Vui lòng nhập {_lc(vi)}.", f"Please enter: {_lc(en)}."))]
    if kind == "minLength":
        return [(path, FieldError(path, f"{vi}: quá ngắn, cần ít nhất {err.validator_value} ký tự.",
                                  f"{en}: too short, at least {err.validator_value} characters."))]
    if kind == "maxLength":
        return [(path, FieldError(path, f"{vi}: quá dài, tối đa {err.validator_value} ký tự.",
                                  f"{en}: too long, at most {err.validator_value} characters."))]
    if kind in ("minimum", "maximum"):
        lo, hi = prop.get("minimum"), prop.get("maximum")
        return [(path, FieldError(path, f"{vi}: phải từ {lo} đến {hi}.", f"{en}: must be from {lo} to {hi}."))]
    if kind == "type":
        if prop.get("type") == "integer":
            return [(path, FieldError(path, f"{vi}: vui lòng nhập một số.", f"{en}: please enter a number."))]
        if prop.get("type") == "object":
            return [(path, FieldError(path, f"{vi}: thông tin không hợp lệ.", f"{en}: invalid data."))]
        return [(path, FieldError(path, f"{vi}: vui lòng nhập chữ.", f"{en}: please enter text."))]
    return [(path, FieldError(path, f"{vi}: thông tin không hợp lệ.", f"{en}: this value is not valid."))]


# -- from the ID card ---------------------------------------------------------------------------------


def prefill_from_card(schema: dict, citizen: Any) -> dict:
    """Form data with every `x-from-card` field filled from a scanned ID card.

    `citizen` is duck-typed like kiosk.domain.cccd.CitizenId: attributes full_name, id_number,
    date_of_birth (a date), sex ("Nam"/"Nữ") and address. Missing attributes are skipped; a
    `display_name` (the name in title case) is preferred to an all-capitals `full_name`.
    """
    data: dict = {}
    for f in fields_in_order(schema):
        if not f.from_card:
            continue
        value = getattr(citizen, f.from_card, None)
        if f.from_card == "full_name":  # CitizenId.display_name: "NGUYỄN VĂN AN" → "Nguyễn Văn An"
            value = getattr(citizen, "display_name", None) or value
        if value is None or value == "":
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = unicodedata.normalize("NFC", value.strip())
        node = data
        *parents, leaf = f.path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return data
