"""Looking a dossier up (screens/lookup): by the code typed or scanned from a declaration slip, or
the dossiers of a scanned ID card. A `declared` dossier reads "Đã khai, chưa nộp bản chính".

A photo of someone's card scans like the card, so a card's dossiers show only once the citizen
confirms what the card does not give: the last 4 digits of the phone number on the dossier, or
the code on the slip (the screen's `confirming` step). The office enforces it.

A dossier still waiting in this kiosk's outbox is answered from the outbox; the outbox is SQLite
behind a lock the sender holds across fsyncs, so it is read on a worker, never the UI thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.flows.base import Flow

TICKET_NOTICE_SECONDS = 20  # long enough to read a ticket's place in the queue twice


class LookupFlow(Flow):
    def enter(self) -> None:
        screen = self.shell.screen("lookup")
        screen.results = []
        screen.confirming = False

    def find(self, code: str, *, exact: bool = False) -> None:
        """exact: a scanned slip's value as it is (its token is case-sensitive); typed codes are
        upper-cased. While a scanned card waits for its confirmation, what is typed confirms it."""
        screen = self.shell.screen("lookup")
        if not exact and screen.confirming and self.session.citizen is not None:
            self._confirm_card(code)
            return
        code = code.strip() if exact else code.strip().upper()
        if not code:
            return
        screen.confirming = False
        self.shell.activity()
        self.kiosk.submit_for_session(self._find, code, on_done=self._show_scanned if exact else self._show,
                                      on_error=self._failed)

    def _find(self, code: str) -> list[dict]:
        """Worker thread: this kiosk's outbox first (a code or a local reference), then the office."""
        outbox = self.kiosk.outbox
        resolved = outbox.resolve(code) if outbox is not None else None
        local = outbox.by_ref(code) if outbox is not None else None
        if local is not None and local.state == "pending":
            return [{"code": local.local_ref, "status": "pending"}]
        return [self.kiosk.client.dossier(resolved or code)]

    def ask_confirmation(self) -> None:
        """A card scanned on the look-up screen: ask for the phone's last 4 digits or the slip's code."""
        screen = self.shell.screen("lookup")
        screen.results = []
        screen.code = ""
        screen.confirming = True
        screen.confirm_failed = False
        self.shell.activity()

    def _confirm_card(self, typed: str) -> None:
        typed = typed.strip()
        if not typed:
            return
        self.shell.activity()
        self.kiosk.submit_for_session(self.kiosk.client.dossiers_for, self.session.citizen.id_number, typed,
                                      on_done=self._show_confirmed, on_error=self._failed)

    def _show_confirmed(self, dossiers: list[dict]) -> None:
        """Nothing found: wrong digits, or a card without dossiers (the office does not say which);
        the citizen may try again. Found: the list, and the confirmation step is over."""
        screen = self.shell.screen("lookup")
        if not dossiers:
            screen.code = ""
            screen.confirm_failed = True  # the hint says so, and what to type instead
            return
        screen.confirming = False
        self._show(dossiers)

    def scanned_receipt(self, result: Any) -> None:
        """The QR of a dossier slip: look it up, from whatever screen it was scanned on."""
        if self.shell.current() != "lookup":
            self.shell.go("lookup")
            self.enter()
        self.shell.screen("lookup").confirming = False  # a slip needs no card's confirmation
        self.shell.screen("lookup").code = result.code  # in the field, as if typed
        self.find(result.code, exact=True)

    def scanned_ticket(self, result: Any) -> None:
        """The QR of a queue ticket (…/t/<token>): that ticket's live place in the queue, from the
        office's public ticket view (what the citizen's phone would show), as a notice."""
        self.shell.activity()
        self.kiosk.submit_for_session(self.kiosk.client.public_ticket, result.code, on_done=self._ticket_status,
                                      on_error=self._ticket_failed)

    def _ticket_status(self, ticket: dict) -> None:
        number = ticket.get("number", "")
        service = ticket.get(f"service_name_{self.lang}") or ticket.get("service_name_vi") or ""
        status = ticket.get("status", "")
        counter = ticket.get("counter")
        today = datetime.now(ZoneInfo(self.kiosk.settings.ward.timezone)).date().isoformat()
        day = ticket.get("day") or today
        if day != today and status in ("waiting", "called", "serving"):
            from kiosk.domain.forms import format_date

            text = self.t("scan.ticket_other_day", number=number, day=format_date(day))
        elif status == "waiting":
            ahead = int(ticket.get("ahead") or 0)
            text = (self.t("scan.ticket_waiting", number=number, service=service, ahead=ahead,
                           minutes=int(ticket.get("estimated_wait_minutes") or 0))
                    if ahead > 0 else self.t("scan.ticket_next", number=number, service=service))
        elif status in ("called", "serving") and counter is not None:
            text = self.t(f"scan.ticket_{status}", number=number, counter=counter)
        elif status in ("done", "no_show", "cancelled", "transferred"):
            text = self.t(f"scan.ticket_{status}", number=number)
        else:  # called without a counter, or a status this kiosk does not know yet
            text = self.t("scan.ticket_next", number=number, service=service)
        self.shell.show_notice(text, seconds=TICKET_NOTICE_SECONDS)

    def _ticket_failed(self, exc: BaseException) -> None:
        if getattr(exc, "status", None) in (404, 422):  # not a ticket of this office, or a malformed token
            self.shell.show_notice(self.t("scan.ticket_not_found"))
        else:
            self.office_failed(exc)

    def card_scanned(self, citizen: Any) -> None:
        """A card scanned on the look-up screen asks for its confirmation (the App has put the
        citizen in the session); then the card's dossiers are listed."""
        if self.shell.current() == "lookup":
            self.ask_confirmation()

    def _failed(self, exc: BaseException) -> None:
        if getattr(exc, "status", None) == 404:
            self.shell.screen("lookup").results = [self.t("lookup.none")]
        elif getattr(exc, "status", None) == 429:  # the kiosk's look-ups per minute (tries included)
            self.shell.show_notice(self.t("lookup.confirm_too_many"), seconds=TICKET_NOTICE_SECONDS)
        else:
            self.office_failed(exc)

    def _show_scanned(self, dossiers: list[dict]) -> None:
        """A scanned slip's token is not for reading: the field then shows the dossier's code."""
        if len(dossiers) == 1 and dossiers[0].get("code"):
            self.shell.screen("lookup").code = dossiers[0]["code"]
        self._show(dossiers)

    def _show(self, dossiers: list[dict]) -> None:
        if not dossiers:
            self.shell.screen("lookup").results = [self.t("lookup.none_for_card")]
            return
        self.shell.screen("lookup").results = [self._describe(d) for d in dossiers]

    def _describe(self, d: dict) -> str:
        """One dossier in the citizen's words: status, the appointment once an officer received it
        (date and hour), the papers asked for, what to do next."""
        from kiosk.domain.forms import format_date

        status = d.get("status") or "declared"
        name = d.get("procedure_name_" + self.lang) or d.get("procedure_name_vi", "")
        label = self.t(f"status.{status}")
        lines = [f"[b]{d.get('code', '')}[/b]  {name}",
                 self.t("lookup.status", status=label if label != f"status.{status}" else status)]
        if d.get("official_code"):  # the province's code: the one the national portal knows
            lines.insert(1, self.t("handoff.lookup_official_code", code=d["official_code"]))
        if status not in ("declared", "cancelled", "rejected", "pending"):
            at = d.get("appointment_at")
            if at:
                lines.append(self.t("lookup.appointment_at", time=at[11:16], date=format_date(at[:10])))
            elif d.get("appointment_date"):
                lines.append(self.t("lookup.appointment", date=format_date(d["appointment_date"])))
        if status == "more_documents" and d.get("missing_documents"):
            lines.append(self.t("lookup.missing", documents="; ".join(d["missing_documents"])))
        if d.get("citizen_note"):  # written for the citizen (staff's own note never reaches a kiosk)
            lines.append(d["citizen_note"])
        following = self.t(f"next.{status}")
        if following != f"next.{status}":
            lines.append(following)
        return "\n".join(lines)
