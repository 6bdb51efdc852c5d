"""Browsing the procedure catalogue: the list by field, search by name, one procedure's page
(screens/procedures, screens/procedure and the search dialog).

A procedure's page lists the papers (required, then "if any"), the fee, the time and where to hand
them in, and offers its next step (`Procedure.kiosk_action`): declare the dossier here, or, for a
procedure done only at the counter, prepare the papers and take a number in its field.

The catalogue itself lives in `Kiosk.catalogue`; `ensure_catalogue` (handed in by the App, the
upkeep's) makes sure one is loaded, off the UI thread, before the list is drawn.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from kiosk.domain.counters import counters_for_field, handover_text
from kiosk.domain.ward import fill_ward
from kiosk.flows.base import Flow, Kiosk, Shell

log = logging.getLogger(__name__)

EnsureCatalogue = Callable[[Callable[[Any], None]], None]


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


class CatalogueFlow(Flow):
    def __init__(self, kiosk: Kiosk, shell: Shell, *, ensure_catalogue: EnsureCatalogue,
                 start_dossier: Callable[[], None], take_number_in_field: Callable[[str], None]) -> None:
        super().__init__(kiosk, shell)
        self.ensure_catalogue = ensure_catalogue
        self.start_dossier = start_dossier
        self.take_number_in_field = take_number_in_field
        self._search_dialog: Any = None
        self._search_then: Callable[[Any], None] = self._open

    # ---- the procedure list ------------------------------------------------------------
    def enter(self) -> None:
        """The procedures screen is on show: fill it once the catalogue is at hand."""
        session_id = self.session.id
        self.ensure_catalogue(lambda _cat: self._fill_fields() if self.session.id == session_id else None)

    def _fill_fields(self) -> None:
        fields: dict[str, str] = {}
        for p in self.kiosk.catalogue:
            fields.setdefault(p.field_code, p.field_en if self.lang == "en" else p.field_vi)
        self.shell.screen("procedures").fields = list(fields.items())
        self.filter("")

    def filter(self, field_code: str) -> None:
        self.shell.activity()
        cat = self.kiosk.catalogue
        if cat is None:
            return
        screen = self.shell.screen("procedures")
        screen.field_filter = field_code
        chosen = cat.by_field(field_code) if field_code else list(cat)
        screen.procedures = [(p.code, p.name(self.lang)) for p in chosen]

    # ---- search by name ----------------------------------------------------------------
    def open_search(self, then: Callable[[Any], None] | None = None) -> None:
        """Search procedures by name; then(procedure) runs for the one chosen. By default it
        opens the procedure's page (for a dossier); the service screen passes "take a number
        in its field"."""
        self.shell.activity()
        self.close_search()
        self._search_then = then or self._open
        self._search_dialog = self.shell.open_dialog("search", on_search=self.search, on_choose=self.chosen,
                                                     on_close=self.close_search)
        self.ensure_catalogue(lambda _cat: None)  # read it now, while the citizen types

    def search(self, text: str) -> None:
        self.shell.activity()
        dialog = self._search_dialog
        if dialog is None:
            return
        dialog.query = text
        cat = self.kiosk.catalogue
        if cat is None:
            self.ensure_catalogue(lambda _cat: self.search(text) if dialog is self._search_dialog else None)
            return
        found = cat.search(text, self.lang) if text.strip() else []
        dialog.matches = [(p.code, p.name(self.lang)) for p in found]
        dialog.empty_text = self.t("dossier.search_none") if text.strip() and not found else ""

    def chosen(self, code: str) -> None:
        self.close_search()
        proc = self.kiosk.catalogue.by_code(code) if self.kiosk.catalogue is not None else None
        if proc is not None:
            self._search_then(proc)

    def close_search(self) -> None:
        if self._search_dialog is not None:
            self._search_dialog.close()
            self._search_dialog = None

    # ---- one procedure -----------------------------------------------------------------
    def open(self, code: str) -> None:
        proc = self.kiosk.catalogue.by_code(code) if self.kiosk.catalogue is not None else None
        if proc is not None:
            self._open(proc)

    def _open(self, proc: Any) -> None:
        self.session.data["procedure"] = proc.code
        en = self.lang == "en"
        screen = self.shell.screen("procedure")
        screen.title = self._ward(proc.name(self.lang))
        docs = []
        if proc.in_person:
            docs.append(f"[b]{self._ward(proc.in_person_text(self.lang))}[/b]")
        for needed, heading in (("always", "procedure.docs_required"), ("if_applicable", "procedure.docs_if_any"),
                                ("never", "procedure.docs_never")):
            papers = proc.documents_needed(needed)
            if papers:
                docs.append(f"[b]{self.t(heading)}[/b]")
                docs += ["•  " + self._paper_line(d, en) for d in papers]
        screen.documents = docs
        if proc.fee_vnd is None:
            fee = self.t("dossier.fee_province")
        elif proc.fee_vnd == 0:
            fee = self.t("dossier.fee_free")
        else:
            fee = self.t("dossier.fee_amount", amount=_money(proc.fee_vnd))
        fee_text = self._ward(proc.fee_text_en if en else proc.fee_text_vi)
        days = (self.t("dossier.processing_days", days=proc.processing_days) if proc.processing_days
                else self.t("dossier.processing_same_day"))
        screen.facts = [
            (self.t("dossier.fee"), fee + (f" — {fee_text}" if fee_text else "")),
            (self.t("dossier.processing"), days),
            (self.t("dossier.handover"), self._handover(proc)),
        ]
        screen.action = proc.kiosk_action
        screen.tip = "" if self.session.citizen is not None or proc.in_person else self.t("dossier.scan_first")
        self.shell.go("procedure")
        self._refresh_counters(proc)

    def _paper_line(self, doc: Any, en: bool) -> str:
        text = self._ward(doc.en if en else doc.vi)
        said = "original" in text.lower() if en else "bản chính" in text.lower()
        return text + (f"  ({self.t('dossier.original')})" if doc.original_required and not said else "")

    def proceed(self) -> None:
        """The page's main button: declare the dossier here, or (done at the counter only) take a
        number in the procedure's field with the papers listed above."""
        cat = self.kiosk.catalogue
        proc = cat.by_code(self.session.data.get("procedure", "")) if cat is not None else None
        if proc is None:
            return
        if proc.kiosk_action == "prepare":
            self.take_number_in_field(proc.field_code)
        else:
            self.start_dossier()

    def _handover(self, proc: Any) -> str:
        """Where the originals go: the counters the queue's configuration gives the procedure's
        field (as a ticket in that field prints them), then the catalogue's place."""
        counters = counters_for_field(self.kiosk.services, proc.field_code)
        return handover_text(counters, self._ward(proc.handover_en if self.lang == "en" else proc.handover_vi),
                             self.lang)

    def _ward(self, text: str) -> str:
        """A catalogue text with the ward's {department}, {address}... filled in (issue 15)."""
        return fill_ward(text, self.kiosk.ward)

    def _refresh_counters(self, proc: Any) -> None:
        """Ask the office which counters serve the field now; the page (and the slip printed
        later from the same list) follow its answer."""
        if self.kiosk.client is None:
            return

        def loaded(services: list[dict]) -> None:
            self.kiosk.services = [s for s in services if s.get("active", True)]
            if self.shell.current() == "procedure" and self.session.data.get("procedure") == proc.code:
                screen = self.shell.screen("procedure")
                label = self.t("dossier.handover")
                screen.facts = [(k, self._handover(proc) if k == label else v) for k, v in screen.facts]

        self.kiosk.submit_for_session(self.kiosk.client.services, on_done=loaded,
                                      on_error=lambda exc: log.info("services not refreshed: %s", exc))

    def reset(self) -> None:
        self.close_search()
