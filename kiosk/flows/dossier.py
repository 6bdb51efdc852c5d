"""Submitting a dossier and looking one up: the app's half of those flows.

A mixin of KioskApp. The way through the form is plain Python (kiosk/domain/submission.py); the
dossier goes into the durable outbox first (kiosk/link/outbox.py) and a sender thread delivers it,
so a dossier is never lost when the office service is unreachable or the kiosk restarts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the catalogue and forms pull in jsonschema: imported on first use, not at start
    from kiosk.domain.catalogue import Catalogue
    from kiosk.domain.submission import Submission

log = logging.getLogger(__name__)

SEND_WAIT_SECONDS = 6  # how long the citizen waits for the office's code before "saved, will be sent"
RESULT_SCREEN_SECONDS = 90


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


class DossierFlow:
    catalogue: "Catalogue | None" = None
    outbox: Any = None
    sender: Any = None

    # ---- the procedure list ------------------------------------------------------------
    def _catalogue(self) -> "Catalogue":
        if self.catalogue is None:
            self._load_saved_catalogue()
        return self.catalogue

    def _enter_procedures(self) -> None:
        cat = self._catalogue()
        screen = self.screen("procedures")
        fields = {}
        for p in cat:
            fields.setdefault(p.field_code, p.field_en if self.lang == "en" else p.field_vi)
        screen.fields = list(fields.items())
        self.filter_procedures("")

    def filter_procedures(self, field_code: str) -> None:
        self.activity()
        screen = self.screen("procedures")
        screen.field_filter = field_code
        chosen = self._catalogue().by_field(field_code) if field_code else list(self._catalogue())
        screen.procedures = [(p.code, p.name(self.lang)) for p in chosen]

    def open_procedure_search(self, purpose: str = "dossier") -> None:
        """Search procedures by name: for a dossier (opens the procedure) or for a queue number
        (takes a number in the procedure's field)."""
        from screens.search_dialog import SearchDialog

        self.activity()
        self._search_purpose = purpose
        self._search_dialog = SearchDialog()
        self._search_dialog.open(animation=False)

    def search_chosen(self, code: str) -> None:
        if getattr(self, "_search_purpose", "dossier") == "ticket":
            self.take_ticket_for_procedure(code)
        else:
            self.open_procedure(code)

    def search_procedures(self, text: str) -> None:
        self.activity()
        dialog = getattr(self, "_search_dialog", None)
        if dialog is None:
            return
        dialog.query = text
        found = self._catalogue().search(text, self.lang) if text.strip() else []
        dialog.matches = [(p.code, p.name(self.lang)) for p in found]
        dialog.empty_text = self.t("dossier.search_none") if text.strip() and not found else ""

    def close_procedure_search(self) -> None:
        dialog = getattr(self, "_search_dialog", None)
        if dialog is not None:
            dialog.dismiss(animation=False)
            self._search_dialog = None

    # ---- one procedure -----------------------------------------------------------------
    def open_procedure(self, code: str) -> None:
        self.close_procedure_search()
        proc = self._catalogue().by_code(code)
        if proc is None:
            return
        self.session.data["procedure"] = code
        en = self.lang == "en"
        screen = self.screen("procedure")
        screen.title = proc.name(self.lang)
        docs = [f"[b]{self.t('dossier.documents')}[/b]"]
        for d in proc.documents:
            line = "•  " + (d.en if en else d.vi)
            if d.original_required:
                line += f"  ({self.t('dossier.original')})"
            docs.append(line)
        screen.documents = docs
        if proc.fee_vnd is None:
            fee = self.t("dossier.fee_province")
        elif proc.fee_vnd == 0:
            fee = self.t("dossier.fee_free")
        else:
            fee = self.t("dossier.fee_amount", amount=_money(proc.fee_vnd))
        fee_text = proc.fee_text_en if en else proc.fee_text_vi
        days = (self.t("dossier.processing_days", days=proc.processing_days) if proc.processing_days
                else self.t("dossier.processing_same_day"))
        screen.facts = [
            (self.t("dossier.fee"), fee + (f" — {fee_text}" if fee_text else "")),
            (self.t("dossier.processing"), days),
            (self.t("dossier.handover"), proc.handover_en if en else proc.handover_vi),
        ]
        screen.tip = "" if self.session.citizen is not None else self.t("dossier.scan_first")
        self.go("procedure")

    def start_dossier(self) -> None:
        proc = self._catalogue().by_code(self.session.data.get("procedure", ""))
        if proc is None:
            return
        from kiosk.domain.submission import Submission

        self.session.data["submission"] = Submission(proc, citizen=self.session.citizen)
        screen = self.screen("consent")
        screen.agreed = False  # explicit consent: never pre-ticked, not even on a second visit
        screen.text = self.t("dossier.consent_text", procedure=proc.name(self.lang),
                             days=self.settings.office.retention_days)
        self.go("consent")

    def set_consent(self, agreed: bool) -> None:
        self.activity()
        sub = self.session.data.get("submission")
        if sub is not None:
            sub.consent = agreed
        self.screen("consent").agreed = agreed
        if agreed:
            self.notice = ""

    def consent_next(self) -> None:
        sub = self.session.data.get("submission")
        if sub is None or not sub.consent:
            self.show_notice(self.t("dossier.consent_needed"))
            return
        self._show_page()

    # ---- form pages --------------------------------------------------------------------
    def _submission(self) -> "Submission | None":
        return self.session.data.get("submission")

    def _show_page(self) -> None:
        sub = self._submission()
        if sub is None:
            return
        if sub.on_review:
            self._show_review()
            return
        f = sub.current
        en = self.lang == "en"
        screen = self.screen("form")
        screen.step, screen.steps = sub.step()
        screen.group = f.group_en if en else f.group_vi
        screen.label = (f.title_en if en else f.title_vi) + ("" if f.required else f" ({self.t('dossier.optional')})")
        screen.hint = f.hint_en if en else f.hint_vi
        err = sub.errors.get(f.path)
        screen.error = (err.message_en if en else err.message_vi) if err else ""
        choices = [(value, label if en else value) for value, label in f.choices]
        screen.show(f.widget if not f.choices else "choice", sub.answers.get(f.path, ""), choices)
        self.go("form")

    def form_input(self, text: str) -> None:
        sub = self._submission()
        # the keyboard echoes the page's own value when a page is shown: not a change
        if sub is not None and sub.current is not None and sub.answers.get(sub.current.path, "") != text:
            self.activity()
            sub.answer(sub.current.path, text)
            self.screen("form").value = text
            self.screen("form").error = ""

    def form_choose(self, value: str) -> None:
        sub = self._submission()
        if sub is not None and sub.current is not None:
            sub.answer(sub.current.path, value)
            self._show_page()

    def form_next(self) -> None:
        sub = self._submission()
        if sub is None:
            return
        sub.next()
        self._show_page()

    def form_back(self) -> None:
        sub = self._submission()
        if sub is None:
            return
        if not sub.back():
            self.go("consent")
            return
        self._show_page()

    def form_edit(self, path: str) -> None:
        sub = self._submission()
        if sub is not None:
            sub.edit(path)
            self._show_page()

    def _show_review(self) -> None:
        sub = self._submission()
        en = self.lang == "en"
        screen = self.screen("review")
        screen.step, screen.steps = sub.step()
        screen.title = sub.procedure.name(self.lang)
        rows = []
        id_warnings = "; ".join(sub.id_warnings(self.lang))
        for path, label, value in sub.review_rows(self.lang):
            err = sub.errors.get(path)
            note = (err.message_en if en else err.message_vi) if err else ""
            if path == "applicant.id_number" and id_warnings and not note:
                note = self.t("card.warning", warning=id_warnings)
            rows.append((path, label, value, note))
        screen.rows = rows
        self.go("review")

    # ---- submitting --------------------------------------------------------------------
    def submit_dossier(self) -> None:
        """Store the dossier in the outbox, then let the sender deliver it. A second tap while
        it is being stored or sent does nothing: the session holds one entry per dossier."""
        sub = self._submission()
        if sub is None or "dossier_entry" in self.session.data:
            return
        if not sub.ready():
            self._show_review()
            if not sub.consent:
                self.show_notice(self.t("dossier.consent_needed"))
            else:
                first = next(iter(sub.errors.values()))
                self.show_notice(first.message_en if self.lang == "en" else first.message_vi)
            return
        payload = sub.payload(kiosk_id=self.settings.kiosk.id, volunteer_code=self.volunteer_code())
        self.session.data["dossier_entry"] = None  # taken: a double tap stops here
        screen = self.screen("dossier_result")
        screen.title = self.t("dossier.sending")
        screen.code = screen.detail = screen.print_note = ""
        self.go("dossier_result")
        self.submit_for_session(self._store_and_send, payload, on_done=self._dossier_outcome,
                         on_error=self._dossier_store_failed)

    def _store_and_send(self, payload: dict) -> Any:
        """Worker thread: durable write first, then give the sender a few seconds."""
        entry = self.outbox.put("dossier", payload)
        log.info("dossier stored in outbox as %s", entry.local_ref)
        self.session.data["dossier_entry"] = entry.id
        if self.sender is not None:
            self.sender.kick()
            entry = self.sender.wait_for(entry.id, SEND_WAIT_SECONDS) or entry
        return entry

    def outbox_changed(self, entry: Any) -> None:
        """Sender thread: an entry was delivered or refused (logged by reference only)."""
        log.info("outbox entry %s is now %s", entry.local_ref, entry.state)

    def _dossier_store_failed(self, exc: BaseException) -> None:
        log.error("dossier could not be stored: %s", exc)
        self.session.data.pop("dossier_entry", None)
        self.show_notice(self.t("notice.office_offline"))
        self._show_review()

    def _dossier_outcome(self, entry: Any) -> None:
        screen = self.screen("dossier_result")
        sub = self._submission()
        if entry.state == "rejected":
            self.session.data.pop("dossier_entry", None)
            reason = entry.reject_detail or ""
            self._show_review()
            self.show_notice(self.t("dossier.rejected", reason=reason))
            return
        if entry.state == "sent":
            answer = entry.response or {}
            screen.title = self.t("dossier.sent_title")
            screen.code = entry.code or ""
            appointment = answer.get("appointment_date")
            from kiosk.domain.forms import format_date

            screen.detail = self.t("dossier.appointment", date=format_date(appointment)) if appointment else ""
        else:
            screen.title = self.t("dossier.saved_title")
            screen.code = entry.local_ref
            screen.detail = self.t("dossier.saved_text", ref=entry.local_ref)
        self.session.data["dossier_result"] = {"code": entry.code, "local_ref": entry.local_ref,
                                               "state": entry.state}
        self._print_receipt(sub, entry)
        self._schedule_home(RESULT_SCREEN_SECONDS)

    def _print_receipt(self, sub: "Submission | None", entry: Any) -> None:
        from kiosk.slips.receipt import dossier_for_receipt, receipt_blocks

        result = self.session.data.get("dossier_result")
        if sub is None or result is None:
            return
        screen = self.screen("dossier_result")
        screen.print_note = self.t("dossier.receipt_printing")
        dossier = dossier_for_receipt(entry, sub.document().get("applicant", {}),
                                      fee_vnd=sub.procedure.estimate_fee(sub.document()))
        try:
            blocks = receipt_blocks(dossier, sub.procedure.raw, self.settings.ward, self.lang,
                                    tracking_url_base=self.public_base_url)
        except Exception:
            log.exception("receipt layout failed")
            screen.print_note = self.t("dossier.receipt_failed")
            return

        def printed(outcome: tuple[bool, str]) -> None:
            screen.print_note = self.t("dossier.receipt_printed") if outcome[0] else self.t("dossier.receipt_failed")

        self.submit_for_session(self._print_blocks, blocks, f"receipt-{result.get('code') or result['local_ref']}",
                         on_done=printed, on_error=lambda exc: printed((False, str(exc))))

    def _print_blocks(self, blocks: list, job: str) -> tuple[bool, str]:
        if self.printer is None:
            return False, "no printer configured"
        result = self.printer.print_blocks(blocks, job)
        return result.ok, "" if result.ok else str(result.fault)

    def take_number_for_dossier(self) -> None:
        """One tap: a queue number in the procedure's field, to hand in the originals."""
        from kiosk.domain.queue_rules import service_for_field

        sub = self._submission()
        if sub is None:
            return
        service = service_for_field(self.services, sub.procedure.field_code)
        self.start_flow("take_number")
        if service is not None:
            self.take_ticket(service["code"])
        else:  # services not loaded yet: take it as soon as they arrive
            self.session.data["auto_service_field"] = sub.procedure.field_code

    def card_scanned_in_dossier(self, citizen: Any) -> None:
        """A card scanned mid-form fills the applicant fields; on the look-up screen it lists
        this citizen's dossiers."""
        sub = self._submission()
        if sub is not None:
            sub.fill_from_card(citizen)
            if self.root.current in ("form", "review"):
                self._show_page()
        if self.root.current == "lookup":
            self.lookup_citizen(citizen)

    def scanned_receipt(self, result: Any) -> None:
        if self.root.current != "lookup":
            self.start_flow("lookup")
        self.lookup_code(result.code)

    # ---- look-up -----------------------------------------------------------------------
    def _enter_lookup(self) -> None:
        self.screen("lookup").results = []

    def lookup_code(self, code: str) -> None:
        code = code.strip().upper()
        if not code:
            return
        self.activity()
        resolved = self.outbox.resolve(code) if self.outbox is not None else None
        local = self.outbox.by_ref(code) if self.outbox is not None else None
        if local is not None and local.state == "pending":
            self._show_lookup([{"code": local.local_ref, "status": "pending"}])
            return
        self.submit_for_session(self.client.dossier, resolved or code, on_done=lambda d: self._show_lookup([d]),
                         on_error=self._lookup_failed)

    def lookup_citizen(self, citizen: Any) -> None:
        self.submit_for_session(self.client.dossiers_for, citizen.id_number, on_done=self._show_lookup,
                         on_error=self._lookup_failed)

    def _lookup_failed(self, exc: BaseException) -> None:
        status = getattr(exc, "status", None)
        if status == 404:
            self.screen("lookup").results = [self.t("lookup.none")]
        else:
            self._office_failed(exc)

    def _show_lookup(self, dossiers: list[dict]) -> None:
        if not dossiers:
            self.screen("lookup").results = [self.t("lookup.none_for_card")]
            return
        out = []
        for d in dossiers:
            status = d.get("status", "received")
            lines = [f"[b]{d.get('code', '')}[/b]  {d.get('procedure_name_' + self.lang) or d.get('procedure_name_vi', '')}",
                     self.t("lookup.status", status=self.t(f"status.{status}"))]
            if d.get("appointment_date"):
                from kiosk.domain.forms import format_date

                lines.append(self.t("lookup.appointment", date=format_date(d["appointment_date"])))
            if d.get("note"):
                lines.append(d["note"])
            lines.append(self.t(f"next.{status}"))
            out.append("\n".join(lines))
        self.screen("lookup").results = out
