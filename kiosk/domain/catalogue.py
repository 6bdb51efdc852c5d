"""The procedure catalogue: which procedures the ward takes, their papers, fees, times and forms.

The bundled copy is assets/data/procedures.json. The office service serves the catalogue; kiosks
keep the last copy they got (`Catalogue.to_dict()` / `load_catalogue(path)`), so the same loader
checks all three. A bad file gets one sentence naming the procedure and the key.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from kiosk.paths import DATA

__all__ = [
    "Catalogue", "CatalogueError", "Document", "Procedure", "fold", "load_catalogue", "catalogue_from_dict",
    "check_catalogue", "DEFAULT_PATH", "FIELD_CODES",
]

DEFAULT_PATH = DATA / "procedures.json"
# A Hộ tịch, B Chứng thực, C Đất đai – Xây dựng, D Văn hóa – Xã hội, E Khác, F Hộ kinh doanh
# (the office's queue services use the same letters; names live in the catalogue's "fields")
FIELD_CODES = ("A", "B", "C", "D", "E", "F")
_REQUIRED = {
    "code": str, "name_vi": str, "name_en": str, "field_code": str, "field_vi": str, "field_en": str,
    "documents": list, "processing_days": int, "processing_text_vi": str, "processing_text_en": str,
    "fee_text_vi": str, "fee_text_en": str, "fully_online": bool, "handover_vi": str, "handover_en": str,
    "legal_basis": list, "sources": list, "form_schema": dict,
}


class CatalogueError(ValueError):
    """The catalogue file is missing, unreadable or breaks a rule; the message says where."""


def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Đăng ký KHAI SINH" → "dang ky khai sinh"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


NEEDED = ("always", "if_applicable", "never")


@dataclass(frozen=True)
class Document:
    vi: str
    en: str
    original_required: bool
    needed: str = "always"  # NEEDED: "always" (bắt buộc), "if_applicable" (nếu có), "never" (a note)


@dataclass(frozen=True)
class Procedure:
    code: str
    name_vi: str
    name_en: str
    field_code: str
    field_vi: str
    field_en: str
    documents: tuple[Document, ...]
    processing_days: int
    processing_text_vi: str
    processing_text_en: str
    fee_vnd: int | None
    fee_text_vi: str
    fee_text_en: str
    fully_online: bool
    handover_vi: str
    handover_en: str
    legal_basis: tuple[str, ...]
    sources: tuple[str, ...]
    form_schema: dict
    raw: dict  # the whole entry, for the API and extra keys (detail_vi, online_note, fee_rule…)

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi

    @property
    def originals(self) -> list[Document]:
        """Papers to bring in original (for the receipt and the detail screen)."""
        return [d for d in self.documents if d.original_required]

    @property
    def in_person(self) -> bool:
        """Done only at the counter (signing before the official, originals compared): the kiosk
        offers to prepare the papers and take a number, never to declare the dossier ahead."""
        return bool(self.raw.get("in_person"))

    @property
    def kiosk_action(self) -> str:
        """What the kiosk offers on the procedure's page: "declare" (fill the form here and hand in
        the originals at the counter) or "prepare" (the papers to bring, then a number in the field)."""
        return "prepare" if self.in_person else "declare"

    def in_person_text(self, lang: str = "vi") -> str:
        """Why this procedure is done at the counter, in the citizen's words ("" when it is not)."""
        return self.raw.get("in_person_en" if lang == "en" else "in_person_vi", "") if self.in_person else ""

    def documents_needed(self, needed: str) -> list[Document]:
        """The papers of one kind: "always" (bắt buộc), "if_applicable" (nếu có) or "never"."""
        return [d for d in self.documents if d.needed == needed]

    def estimate_fee(self, fields: dict | None = None) -> int | None:
        """The fee for this request in VND, or None when the province sets it.

        Uses the entry's `fee_rule` when it has one: "per_unit" (price × units_field) or
        "per_page" (authentication of copies: first pages at one price, the rest at another,
        capped per copy, times copies).
        """
        rule = self.raw.get("fee_rule")
        fields = fields or {}
        if not rule or self.fee_vnd is None:
            return self.fee_vnd

        def number(name: str) -> int:
            try:
                return max(int(fields.get(name, 1)), 1)
            except (TypeError, ValueError):
                return 1

        if rule["kind"] == "per_unit":
            return rule["price"] * number(rule["units_field"])
        if rule["kind"] == "per_page":
            pages = number(rule["pages_field"])
            first = min(pages, rule["first_pages"])
            per_copy = first * rule["first_price"] + (pages - first) * rule["next_price"]
            return min(per_copy, rule["max_per_copy"]) * number(rule["copies_field"])
        return self.fee_vnd


class Catalogue:
    def __init__(self, data: dict):
        self.data = data
        self.procedures: list[Procedure] = [_procedure(p) for p in data["procedures"]]
        self._by_code = {p.code: p for p in self.procedures}
        self._fields = {f["code"]: f for f in data.get("fields", [])}
        self._index = {
            p.code: {
                "vi": fold(" ".join([p.name_vi, p.raw.get("name_official_vi", ""), p.field_vi, p.code])),
                "en": fold(" ".join([p.name_en, p.field_en, p.code])),
            }
            for p in self.procedures
        }

    def __len__(self) -> int:
        return len(self.procedures)

    def __iter__(self):
        return iter(self.procedures)

    def to_dict(self) -> dict:
        return self.data

    def by_code(self, code: str) -> Procedure | None:
        return self._by_code.get(code)

    def by_field(self, field_code: str) -> list[Procedure]:
        return [p for p in self.procedures if p.field_code == field_code]

    @property
    def review_before(self) -> date | None:
        """The date by which the catalogue's facts must be checked again (a law change due)."""
        value = self.data.get("review_before")
        return date.fromisoformat(value) if value else None

    def review_overdue(self, today: date) -> bool:
        return self.review_before is not None and today > self.review_before

    def fields(self) -> list[dict]:
        """The fields that have at least one procedure, as {code, vi, en}, in code order."""
        used = {p.field_code for p in self.procedures}
        return [self._fields[c] for c in sorted(used) if c in self._fields]

    def search(self, query: str, lang: str | None = "vi") -> list[Procedure]:
        """Procedures matching every word of the query, accents and case ignored.

        A word matches the start of a word in the name ("khai sinh", "khai sinh" typed without
        accents, "kết hôn", "chung thuc"); `lang` "vi" or "en" picks the names searched, None
        searches both. Names containing the whole query come first. An empty query lists all.
        """
        q = fold(query or "")
        if not q:
            return list(self.procedures)
        words = q.split()
        langs = ("vi", "en") if lang is None else (lang,)
        scored = []
        for i, p in enumerate(self.procedures):
            best = None
            for lg in langs:
                hay = self._index[p.code][lg]
                hay_words = hay.split()
                if all(any(h.startswith(w) for h in hay_words) for w in words):
                    name = fold(p.name(lg))
                    rank = 0 if f" {q}" in f" {name}" else 1 if q in hay else 2
                    best = rank if best is None else min(best, rank)
            if best is not None:
                scored.append((best, i, p))
        return [p for _, _, p in sorted(scored, key=lambda t: (t[0], t[1]))]


def _procedure(p: dict) -> Procedure:
    return Procedure(
        code=p["code"], name_vi=p["name_vi"], name_en=p["name_en"], field_code=p["field_code"],
        field_vi=p["field_vi"], field_en=p["field_en"],
        documents=tuple(Document(d["vi"], d["en"], bool(d["original_required"]), d.get("needed", "always"))
                        for d in p["documents"]),
        processing_days=p["processing_days"], processing_text_vi=p["processing_text_vi"],
        processing_text_en=p["processing_text_en"], fee_vnd=p.get("fee_vnd"),
        fee_text_vi=p["fee_text_vi"], fee_text_en=p["fee_text_en"], fully_online=p["fully_online"],
        handover_vi=p["handover_vi"], handover_en=p["handover_en"],
        legal_basis=tuple(p["legal_basis"]), sources=tuple(p["sources"]), form_schema=p["form_schema"], raw=p,
    )


def check_catalogue(data: Any) -> None:
    """Raise CatalogueError naming the first problem in catalogue data."""
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list) or not data["procedures"]:
        raise CatalogueError('the catalogue must be an object with a non-empty "procedures" list')
    for key in ("sources", "status_date"):
        if key not in data:
            raise CatalogueError(f'the catalogue has no top-level "{key}"')
    for key in ("status_date", "review_before"):
        if key in data and not _is_date(data[key]):
            raise CatalogueError(f'the catalogue\'s "{key}" must be a date written YYYY-MM-DD')
    seen = set()
    for n, p in enumerate(data["procedures"], 1):
        where = f"procedure {p.get('code', f'#{n}')!s}" if isinstance(p, dict) else f"procedure #{n}"
        if not isinstance(p, dict):
            raise CatalogueError(f"{where}: must be an object")
        for key, typ in _REQUIRED.items():
            if key not in p:
                raise CatalogueError(f'{where}: "{key}" is missing')
            if not isinstance(p[key], typ) or (typ is int and isinstance(p[key], bool)):
                raise CatalogueError(f'{where}: "{key}" must be a {typ.__name__}')
        if p["code"] in seen:
            raise CatalogueError(f"{where}: the code appears twice")
        seen.add(p["code"])
        if p["field_code"] not in FIELD_CODES:
            raise CatalogueError(f'{where}: "field_code" must be one of {", ".join(FIELD_CODES)}')
        if p["processing_days"] < 0:
            raise CatalogueError(f'{where}: "processing_days" must be 0 or more')
        fee = p.get("fee_vnd")
        if fee is not None and (not isinstance(fee, int) or isinstance(fee, bool) or fee < 0):
            raise CatalogueError(f'{where}: "fee_vnd" must be null or a whole number of đồng')
        for i, d in enumerate(p["documents"], 1):
            if not isinstance(d, dict) or not all(k in d for k in ("vi", "en", "original_required")):
                raise CatalogueError(f'{where}: document {i} needs "vi", "en" and "original_required"')
            if d.get("needed", "always") not in NEEDED:
                raise CatalogueError(f'{where}: document {i}: "needed" must be one of {", ".join(NEEDED)}')
            if "name_vi" in d and not (isinstance(d["name_vi"], str) and d["name_vi"].strip()):
                raise CatalogueError(f'{where}: document {i}: "name_vi" (its name on the official forms) '
                                     "must be a non-empty text")
        if not p["sources"]:
            raise CatalogueError(f'{where}: "sources" is empty: every fact needs a source')
        if "source_date" in p and not _is_date(p["source_date"]):  # optional: older stored catalogues have none
            raise CatalogueError(f'{where}: "source_date" must be the date its sources were read, YYYY-MM-DD')
        unverified = p.get("unverified", [])
        if not isinstance(unverified, list) or any(k not in p for k in unverified):
            raise CatalogueError(f'{where}: "unverified" must list keys of the procedure')
        if p.get("in_person"):
            if p["fully_online"]:
                raise CatalogueError(f'{where}: a procedure done in person cannot be "fully_online"')
            for key in ("in_person_vi", "in_person_en"):
                if not (isinstance(p.get(key), str) and p[key].strip()):
                    raise CatalogueError(f'{where}: "{key}" must say why it is done at the counter')
        _check_form(where, p["form_schema"])
    _check_nfc(data, "catalogue")


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _check_form(where: str, schema: dict) -> None:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        raise CatalogueError(f'{where}: "form_schema" is not valid JSON Schema: {e.message}') from None
    applicant = schema.get("properties", {}).get("applicant")
    if not applicant or "applicant" not in schema.get("required", []):
        raise CatalogueError(f'{where}: "form_schema" needs a required "applicant" group')

    def walk(node: dict, path: str) -> None:
        for name, prop in node.get("properties", {}).items():
            if prop.get("type") == "object":
                walk(prop, f"{path}{name}.")
                continue
            if "title" not in prop or "x-label-en" not in prop:
                raise CatalogueError(f'{where}: form field "{path}{name}" needs "title" and "x-label-en"')
            if prop.get("x-widget") not in ("text", "date", "digits", "choice", "textarea"):
                raise CatalogueError(f'{where}: form field "{path}{name}" has no valid "x-widget"')
            if "enum" in prop and len(prop.get("x-enum-en", prop["enum"])) != len(prop["enum"]):
                raise CatalogueError(f'{where}: form field "{path}{name}": "x-enum-en" must match "enum"')

    walk(schema, "")


def _check_nfc(value: Any, where: str) -> None:
    if isinstance(value, str):
        if not unicodedata.is_normalized("NFC", value):
            raise CatalogueError(f"{where}: text is not in Unicode NFC: {value[:40]!r}")
    elif isinstance(value, list):
        for v in value:
            _check_nfc(v, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_nfc(v, where)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and check a catalogue file (default: the bundled assets/data/procedures.json)."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"catalogue file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CatalogueError(f"catalogue file {path} cannot be read: {e}") from None
    check_catalogue(data)
    return Catalogue(data)


def catalogue_from_dict(data: Any) -> Catalogue:
    """Check and wrap catalogue data received from the office service."""
    check_catalogue(data)
    return Catalogue(data)
