"""A citizen's way through submitting a dossier at the kiosk, in plain Python.

procedure list → detail → consent → form pages (one field a page) → review → submit → receipt.
Fields the scanned card already holds are filled in and skipped (Identification Law art. 20(3):
do not ask for what is on the card); they still show on the review page. The screens only
show what this object says and forward taps to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.domain import forms
from kiosk.domain.catalogue import Procedure


@dataclass
class Submission:
    procedure: Procedure
    citizen: Any = None  # kiosk.domain.cccd.CitizenId, when a card was scanned
    consent: bool = False
    answers: dict[str, str] = field(default_factory=dict)  # path -> text as typed / chosen
    index: int = 0  # position among `pages`
    errors: dict[str, forms.FieldError] = field(default_factory=dict)
    unlocked: set[str] = field(default_factory=set)  # card fields the citizen chose to edit
    back_to_review: bool = False

    def __post_init__(self) -> None:
        self.fields = forms.fields_in_order(self.procedure.form_schema)
        if self.citizen is not None:
            self.fill_from_card(self.citizen)

    # -- pages ----------------------------------------------------------------------------
    def fill_from_card(self, citizen: Any) -> None:
        """Put the card's data into the applicant fields (a later scan refreshes them)."""
        self.citizen = citizen
        for f in self.fields:
            if f.from_card:
                value = getattr(citizen, f.from_card, None)
                if f.from_card == "date_of_birth" and value is not None:
                    value = forms.format_date(value)
                if value:
                    self.answers[f.path] = str(value)

    @property
    def pages(self) -> list[forms.FormField]:
        """Fields to ask one by one: all but those the card filled in."""
        return [f for f in self.fields
                if not (f.from_card and self.citizen is not None and f.path in self.answers
                        and f.path not in self.unlocked)]

    @property
    def current(self) -> forms.FormField | None:
        pages = self.pages
        return pages[self.index] if 0 <= self.index < len(pages) else None

    @property
    def on_review(self) -> bool:
        return self.index >= len(self.pages)

    def step(self) -> tuple[int, int]:
        """(page number, number of pages) counting the review page."""
        return min(self.index + 1, len(self.pages) + 1), len(self.pages) + 1

    def answer(self, path: str, value: str) -> None:
        self.answers[path] = value
        self.errors.pop(path, None)

    def next(self) -> bool:
        """Check the current field; move on when it is fine. False keeps the citizen here."""
        f = self.current
        if f is not None:
            error = self.field_error(f.path)
            if error is not None:
                self.errors[f.path] = error
                return False
        self.index = len(self.pages) if self.back_to_review else min(self.index + 1, len(self.pages))
        if self.on_review:
            self.back_to_review = False
        return True

    def back(self) -> bool:
        """One page back; False when already at the first page (the screen leaves the form)."""
        if self.index == 0:
            return False
        self.index -= 1
        return True

    def edit(self, path: str) -> None:
        """From the review page, change one field; the next tap returns to the review."""
        if any(f.path == path and f.from_card for f in self.fields):
            self.unlocked.add(path)
        pages = [f.path for f in self.pages]
        if path in pages:
            self.index = pages.index(path)
            self.back_to_review = True

    # -- checking -------------------------------------------------------------------------
    def document(self) -> dict:
        """The nested form data as the procedure's JSON Schema expects it."""
        data: dict[str, Any] = {}
        for path, value in self.answers.items():
            node = data
            *parents, leaf = path.split(".")
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = value
        return forms.clean(self.procedure.form_schema, data)

    def all_errors(self) -> list[forms.FieldError]:
        return forms.validate(self.procedure.form_schema, self.document())

    def field_error(self, path: str) -> forms.FieldError | None:
        """The error of one field, as its own page says it. The groups the field sits in are
        checked as present (even if empty): an untouched group (no card, nothing typed yet)
        would otherwise be reported only as the whole group missing ("Thiếu thông tin người
        yêu cầu.") and its first required field would let the citizen move on empty."""
        doc = self.document()
        node = doc
        for part in path.split(".")[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                break
            node = child
        errors = forms.validate(self.procedure.form_schema, doc)
        return next((e for e in errors if e.field == path or e.field.startswith(path + ".")), None)

    def ready(self) -> bool:
        errors = self.all_errors()
        self.errors = {e.field: e for e in errors}
        return self.consent and not errors

    # -- sending --------------------------------------------------------------------------
    def payload(self, *, kiosk_id: str, volunteer_code: str | None = None) -> dict:
        """The body of POST /api/dossiers (the outbox adds idempotency_key and local_ref)."""
        doc = self.document()
        applicant = doc.pop("applicant", {})
        return {
            "procedure_code": self.procedure.code,
            "applicant": applicant,
            "fields": doc,
            "kiosk_id": kiosk_id,
            "volunteer_code": volunteer_code,
        }

    def id_warnings(self, lang: str) -> list[str]:
        """A typed (not scanned) applicant ID number checked like a scanned card's: does it
        match the birth year, sex and a province code? Shown on the review page; not blocking."""
        from kiosk.domain import cccd

        number = self.answers.get("applicant.id_number", "")
        dob = forms.parse_date(self.answers.get("applicant.date_of_birth", ""))
        sex = self.answers.get("applicant.sex", "")
        if self.citizen is not None and number == self.citizen.id_number:
            return []  # the card's own number: parse already checked it
        if not (len(number) == 12 and number.isdigit() and dob and sex in ("Nam", "Nữ")):
            return []
        return [cccd.warning_text(w, lang) for w in cccd.id_number_warnings(number, dob, sex)]

    def review_rows(self, lang: str) -> list[tuple[str, str, str]]:
        """(path, label, value as shown) for every answered or required field."""
        rows = []
        for f in self.fields:
            value = self.answers.get(f.path, "")
            if not value and not f.required:
                continue
            if f.choices and lang == "en":
                value = dict(f.choices).get(value, value)
            rows.append((f.path, f.title_en if lang == "en" else f.title_vi, value))
        return rows
