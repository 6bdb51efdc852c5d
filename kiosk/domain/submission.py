"""A citizen's way through submitting a dossier at the kiosk, in plain Python.

procedure list → detail → consent → form pages (one field a page) → review → submit → receipt.
Fields the scanned card already holds are filled in and skipped (Identification Law art. 20(3):
do not ask for what is on the card); they still show on the review page. The card's address is
the exception: it may predate the 2025 reform or a move, so its page shows it to be confirmed,
replaced by its current name (kiosk/domain/addresses.py) or typed anew (`choose_address`). The screens only
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
    address_choice: str = ""  # the card's address page: "" unanswered, card | new | other

    def __post_init__(self) -> None:
        self.fields = forms.fields_in_order(self.procedure.form_schema)
        if self.citizen is not None:
            self.fill_from_card(self.citizen)

    # -- pages ----------------------------------------------------------------------------
    def fill_from_card(self, citizen: Any) -> None:
        """Put the card's data into the applicant fields (a later scan refreshes them)."""
        self.citizen = citizen
        self.address_choice = ""  # a new card's address is confirmed anew
        if self.address_field is not None:
            self.unlocked.discard(self.address_field.path)
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
                if not (f.from_card and f.from_card != "address" and self.citizen is not None
                        and f.path in self.answers and f.path not in self.unlocked)]

    @property
    def address_field(self) -> forms.FormField | None:
        return next((f for f in self.fields if f.from_card == "address"), None)

    def confirming_address(self) -> bool:
        """The current page shows the card's address to confirm (not a keyboard page)."""
        f = self.current
        return (f is not None and f.from_card == "address" and f.path not in self.unlocked
                and bool(getattr(self.citizen, "address", "")))

    def choose_address(self, choice: str, proposal: str = "") -> bool:
        """The citizen's answer on the card's address page: "card" keeps the card's address, "new"
        takes `proposal` (the current name), "other" opens the page for typing. True when the
        form moved on."""
        f = self.address_field
        if f is None or self.citizen is None:
            return False
        self.address_choice = choice
        if choice == "other":
            self.unlocked.add(f.path)
            self.answer(f.path, "")
            return False
        self.answer(f.path, proposal if choice == "new" and proposal else self.citizen.address)
        return self.next()

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
        if any(f.path == path and f.from_card and f.from_card != "address" for f in self.fields):
            self.unlocked.add(path)  # the card's address opens on its own page (confirm, new, type)
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
