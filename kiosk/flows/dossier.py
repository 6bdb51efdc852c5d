"""Declaring a dossier: consent, the form's pages, review, the durable outbox, the declaration
slip (screens/consent, form, review, dossier_result).

The kiosk only takes the declaration (status `declared` at the office): the result screen and the
slip say what to do next (a number in the procedure's field, the originals at its counters), the
papers to bring and the appointment expected if the dossier is complete (kiosk/slips/receipt.py).

The way through the form is plain Python (kiosk/domain/submission.py); the dossier goes into the
durable outbox first (kiosk/link/outbox.py) and a sender thread delivers it, so a dossier is never
lost when the office service is unreachable or the kiosk restarts.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from kiosk.flows.base import Flow, Kiosk, Shell, print_blocks

if TYPE_CHECKING:  # the forms pull in jsonschema: imported on first use, not at start
    from kiosk.domain.submission import Submission

log = logging.getLogger(__name__)

SEND_WAIT_SECONDS = 6  # how long the citizen waits for the office's code before "saved, will be sent"
RESULT_SCREEN_SECONDS = 90


def outbox_changed(entry: Any) -> None:
    """Sender thread: an entry was delivered or refused (logged by reference only)."""
    log.info("outbox entry %s is now %s", entry.local_ref, entry.state)


class DossierFlow(Flow):
    def __init__(self, kiosk: Kiosk, shell: Shell, *, volunteer_code: Callable[[], str | None],
                 take_number_in_field: Callable[[str], None]) -> None:
        super().__init__(kiosk, shell)
        self.volunteer_code = volunteer_code
        self.take_number_in_field = take_number_in_field

    def start(self) -> None:
        """'Nộp hồ sơ' on a procedure's page: ask for consent first."""
        cat = self.kiosk.catalogue
        proc = cat.by_code(self.session.data.get("procedure", "")) if cat is not None else None
        if proc is None:
            return
        if proc.in_person:  # done at the counter only: no declaration ahead, a number in its field
            self.take_number_in_field(proc.field_code)
            return
        from kiosk.domain.submission import Submission

        self.session.data["submission"] = Submission(proc, citizen=self.session.citizen)
        screen = self.shell.screen("consent")
        screen.agreed = False  # explicit consent: never pre-ticked, not even on a second visit
        screen.text = self.t("dossier.consent_text", procedure=proc.name(self.lang),
                             days=self.kiosk.settings.office.retention_days)
        self.shell.go("consent")

    def set_consent(self, agreed: bool) -> None:
        self.shell.activity()
        sub = self.session.data.get("submission")
        if sub is not None:
            sub.consent = agreed
        self.shell.screen("consent").agreed = agreed
        if agreed:
            self.shell.clear_notice()

    def consent_next(self) -> None:
        sub = self.session.data.get("submission")
        if sub is None or not sub.consent:
            self.shell.show_notice(self.t("dossier.consent_needed"))
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
        screen = self.shell.screen("form")
        screen.step, screen.steps = sub.step()
        screen.group = f.group_en if en else f.group_vi
        screen.label = (f.title_en if en else f.title_vi) + ("" if f.required else f" ({self.t('dossier.optional')})")
        screen.hint = f.hint_en if en else f.hint_vi
        err = sub.errors.get(f.path)
        screen.error = (err.message_en if en else err.message_vi) if err else ""
        screen.note = ""
        if sub.confirming_address():
            self._show_address_page(sub, screen)
        else:
            choices = [(value, label if en else value) for value, label in f.choices]
            screen.show(f.widget if not f.choices else "choice", sub.answers.get(f.path, ""), choices)
        self.shell.go("form")

    # ---- the card's address (it may predate the July 2025 reform) --------------------------
    def _address_check(self, address: str) -> Any:
        """What the table of old -> current commune names says of the card's address (the
        province's own list in the state folder when the installer put one there); None when
        no table can be read: the page still asks the citizen to confirm or type."""
        from kiosk.domain import addresses

        try:
            table = addresses.load(addresses.table_path(self.kiosk.settings.kiosk.state_path()))
        except (OSError, ValueError) as exc:
            log.warning("address table unusable, no current names proposed: %s", exc)
            return None
        return addresses.check(address, table)

    def _show_address_page(self, sub: "Submission", screen: Any) -> None:
        """The card's address, with 'Đúng, dùng địa chỉ này' / 'Nhập địa chỉ khác'; when the table
        knows the old ward's current name, 'Dùng địa chỉ mới' / 'Giữ như trên thẻ' / 'Nhập địa chỉ khác'."""
        screen.hint = self.t("address.on_card")
        screen.note, choices = self._address_offer(self._address_check(sub.citizen.address))
        screen.show("address", sub.citizen.address, choices)

    def _address_offer(self, check: Any) -> tuple[str, list[tuple[str, str]]]:
        """The sentence under the card's address and its buttons (the first one leads)."""
        status = check.status if check is not None else "current"
        use, keep, other = (("new", self.t("address.use_new")), ("card", self.t("address.keep_card")),
                            ("other", self.t("address.other")))
        if status == "renamed":
            return self.t("address.new", address=check.proposal), [use, keep, other]
        notes = []
        if status == "split":
            units = [u[:1].lower() + u[1:] for u in check.new_units]  # "phường Sài Gòn" mid-sentence
            notes.append(self.t("address.split", old=check.old_unit,
                                units=f" {self.t('address.and')} ".join([", ".join(units[:-1]), units[-1]])))
        elif status == "outdated":
            notes.append(self.t("address.outdated"))
        if check is not None and check.province_now:
            notes.append(self.t("address.province_now", province=check.province_now))
        if status == "current":
            return " ".join(notes), [("card", self.t("address.confirm")), other]
        if status == "outdated":  # may still be right (a home in another province): keeping it leads
            return " ".join(notes), [keep, other]
        return " ".join(notes), [other, keep]  # divided: the street decides, which the kiosk cannot

    def address_choose(self, choice: str) -> None:
        """A tap on the card's address page."""
        sub = self._submission()
        if sub is None or not sub.confirming_address():
            return
        self.shell.activity()
        check = self._address_check(sub.citizen.address) if choice == "new" else None
        proposal = check.proposal if check is not None and check.status == "renamed" else ""
        if choice == "new" and not proposal:
            return  # no current name known: nothing to use
        sub.choose_address(choice, proposal)
        self._show_page()

    def form_input(self, text: str) -> None:
        sub = self._submission()
        # the keyboard echoes the page's own value when a page is shown: not a change
        if sub is not None and sub.current is not None and sub.answers.get(sub.current.path, "") != text:
            self.shell.activity()
            sub.answer(sub.current.path, text)
            self.shell.screen("form").value = text
            self.shell.screen("form").error = ""

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
            self.shell.go("consent")
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
        screen = self.shell.screen("review")
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
        self.shell.go("review")

    # ---- submitting --------------------------------------------------------------------
    def submit(self) -> None:
        """Store the dossier in the outbox, then let the sender deliver it. A second tap while
        it is being stored or sent does nothing: the session holds one entry per dossier."""
        sub = self._submission()
        if sub is None or "dossier_entry" in self.session.data:
            return
        if not sub.ready():
            self._show_review()
            if not sub.consent:
                self.shell.show_notice(self.t("dossier.consent_needed"))
            else:
                first = next(iter(sub.errors.values()))
                self.shell.show_notice(first.message_en if self.lang == "en" else first.message_vi)
            return
        payload = sub.payload(kiosk_id=self.kiosk.settings.kiosk.id, volunteer_code=self.volunteer_code())
        self.session.data["dossier_entry"] = None  # taken: a double tap stops here (an id once stored)
        screen = self.shell.screen("dossier_result")
        screen.title = self.t("dossier.sending")
        screen.code = screen.detail = screen.print_note = ""
        self.shell.go("dossier_result")
        self.kiosk.submit_for_session(self._store_and_send, payload, on_done=self._dossier_outcome,
                                      on_error=self._dossier_store_failed)

    def _store_and_send(self, payload: dict) -> Any:
        """Worker thread: durable write first, then give the sender a few seconds. Session data
        is left to the UI thread (the entry's id is recorded when the outcome arrives)."""
        outbox, sender = self.kiosk.outbox, self.kiosk.sender
        entry = outbox.put("dossier", payload)
        log.info("dossier stored in outbox as %s", entry.local_ref)
        if sender is not None:
            sender.kick()
            entry = sender.wait_for(entry.id, SEND_WAIT_SECONDS) or entry
        return entry

    def _dossier_store_failed(self, exc: BaseException) -> None:
        log.error("dossier could not be stored: %s", exc)
        self.session.data.pop("dossier_entry", None)
        self.shell.show_notice(self.t("notice.office_offline"))
        self._show_review()

    def _dossier_outcome(self, entry: Any) -> None:
        self.session.data["dossier_entry"] = entry.id
        screen = self.shell.screen("dossier_result")
        sub = self._submission()
        if entry.state == "rejected":
            self.session.data.pop("dossier_entry", None)
            reason = entry.reject_detail or ""
            self._show_review()
            self.shell.show_notice(self.t("dossier.rejected", reason=reason))
            return
        from kiosk.domain.counters import counters_for_field
        from kiosk.slips.receipt import dossier_for_receipt, next_steps

        dossier = None
        if sub is not None:
            dossier = dossier_for_receipt(entry, sub.document().get("applicant", {}),
                                          fee_vnd=sub.procedure.estimate_fee(sub.document()),
                                          expected_date=self._expected_date(sub.procedure))
            counters = counters_for_field(self.kiosk.services, sub.procedure.field_code)
            steps = "\n".join(next_steps(dossier, sub.procedure.raw, self.lang, counters=counters,
                                         ward=self.kiosk.ward))
        else:
            steps = ""
        if entry.state == "sent":
            screen.title = self.t("dossier.sent_title")
            screen.code = entry.code or ""
            screen.detail = steps
        else:
            screen.title = self.t("dossier.saved_title")
            screen.code = entry.local_ref
            screen.detail = self.t("dossier.saved_text", ref=entry.local_ref) + ("\n" + steps if steps else "")
        self.session.data["dossier_result"] = {"code": entry.code, "local_ref": entry.local_ref,
                                               "state": entry.state}
        self._print_receipt(sub, dossier)
        self.shell.end_session_after(RESULT_SCREEN_SECONDS)

    def _expected_date(self, procedure: Any) -> Any:
        """The appointment if the originals are handed in complete today: the office's rule
        (working days, holidays, the 15:00 cut-off) on the kiosk's calendar settings."""
        from datetime import datetime, timezone

        from kiosk.domain.workdays import WorkCalendar

        office = self.kiosk.settings.office
        cal = WorkCalendar(office.extra_holidays, office.extra_workdays, self.kiosk.settings.ward.timezone)
        return cal.add_working_days(datetime.now(timezone.utc), procedure.processing_days)

    def _print_receipt(self, sub: "Submission | None", dossier: dict | None) -> None:
        from kiosk.domain.counters import counters_for_field
        from kiosk.slips.receipt import receipt_blocks

        result = self.session.data.get("dossier_result")
        if sub is None or result is None or dossier is None:
            return
        screen = self.shell.screen("dossier_result")
        screen.print_note = self.t("dossier.receipt_printing")
        try:
            blocks = receipt_blocks(dossier, sub.procedure.raw, self.kiosk.ward, self.lang,
                                    tracking_url_base=self.kiosk.public_base_url,
                                    counters=counters_for_field(self.kiosk.services, sub.procedure.field_code))
        except Exception:
            log.exception("receipt layout failed")
            screen.print_note = self.t("dossier.receipt_failed")
            return

        def printed(outcome: tuple[bool, str]) -> None:
            screen.print_note = self.t("dossier.receipt_printed") if outcome[0] else self.t("dossier.receipt_failed")

        job = f"receipt-{result.get('code') or result['local_ref']}"
        self.kiosk.submit_for_session(print_blocks, self.kiosk.printer, blocks, job,
                                      on_done=printed, on_error=lambda exc: printed((False, str(exc))))

    def take_number(self) -> None:
        """One tap on the result screen: a queue number in the procedure's field, to hand in
        the originals."""
        sub = self._submission()
        if sub is not None:
            self.take_number_in_field(sub.procedure.field_code)

    # ---- a card scanned while a form is being filled ------------------------------------------
    def form_open(self) -> bool:
        """A form is being filled (consent, a page or the review on show, not yet sent): a card
        scanned now is for its applicant."""
        return (self._submission() is not None and "dossier_entry" not in self.session.data
                and self.shell.current() in ("consent", "form", "review"))

    def would_replace_applicant(self, citizen: Any) -> bool:
        """True when the form's applicant already holds someone's details (from another card, or
        typed) that this card would overwrite: the citizen is asked first."""
        sub = self._submission()
        if sub is None:
            return False
        card_paths = [f.path for f in sub.fields if f.from_card]
        if not any((sub.answers.get(path) or "").strip() for path in card_paths):
            return False  # nothing filled yet: the card just fills it
        same = getattr(sub.citizen, "id_number", None) == getattr(citizen, "id_number", None) or any(
            f.from_card == "id_number" and sub.answers.get(f.path) == getattr(citizen, "id_number", None)
            for f in sub.fields)
        return not same

    def card_scanned(self, citizen: Any) -> None:
        """A card scanned mid-form (and confirmed) fills the applicant fields."""
        sub = self._submission()
        if sub is not None:
            sub.fill_from_card(citizen)
            if self.shell.current() in ("form", "review"):
                self._show_page()
