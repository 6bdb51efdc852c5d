"""Taking a queue number (screens/service, screens/ticket).

The rules themselves (priority offer, idempotency keys) are plain Python in
kiosk/domain/queue_rules.py; this object runs the steps and fills the screens.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Callable

from kiosk.domain import opening_hours, queue_rules
from kiosk.domain.counters import counters_text
from kiosk.flows.base import Flow, Kiosk, Shell, print_blocks

log = logging.getLogger(__name__)

TICKET_SCREEN_SECONDS = 20  # back home after showing a printed ticket
TICKET_FAILED_SECONDS = 60  # longer when the citizen must note the number down
REPRINT_WINDOW_SECONDS = 120
REFUSAL_SECONDS = 30  # "closed, come back at 7:30 on Monday" stays up long enough to note it


class TicketFlow(Flow):
    def __init__(self, kiosk: Kiosk, shell: Shell, *, volunteer_code: Callable[[], str | None]) -> None:
        super().__init__(kiosk, shell)
        self.volunteer_code = volunteer_code
        self._priority_dialog: Any = None
        self._reprint_timer: Any = None

    @property
    def services(self) -> list[dict]:
        return self.kiosk.services

    def enter(self) -> None:
        """The service screen is on show: list the fields, refresh them from the office."""
        screen = self.shell.screen("service")
        screen.services = self.services
        self.offer_priority()
        self.kiosk.jobs.submit(self.kiosk.client.services, on_done=self._services_loaded,
                               on_error=lambda exc: self.office_failed(exc, quiet=bool(self.services)))

    def _services_loaded(self, services: list[dict]) -> None:
        self.kiosk.services = [s for s in services if s.get("active", True)]
        self.shell.screen("service").services = self.services
        field = self.session.data.pop("auto_service_field", None)
        service = queue_rules.service_for_field(self.services, field) if field else None
        if service is not None:  # "take a number to hand in originals" after a dossier
            self.take(service["code"])

    # ---- priority ------------------------------------------------------------------------
    def offer_priority(self) -> None:
        """A card showing 60 or more pre-selects the elderly priority (the law grants it)."""
        offered = queue_rules.offered_priority(self.session.citizen, date.today())
        if offered and "priority" not in self.session.data:
            self.session.data["priority"] = offered
        self._show_priority()
        self.shell.screen("service").elderly_offer = bool(offered)

    def _show_priority(self) -> None:
        priority = self.session.data.get("priority")
        text = self.t("service.priority_chosen", category=self.t(f"priority.{priority}")) if priority else ""
        self.shell.screen("service").priority_text = text

    def open_priority(self) -> None:
        self.shell.activity()
        self._close_priority()
        self._priority_dialog = self.shell.open_dialog("priority", on_choose=self.choose_priority)

    def choose_priority(self, category: str | None) -> None:
        self._close_priority()
        self.session.data["priority"] = category
        self._show_priority()
        self.shell.activity()

    def _close_priority(self) -> None:
        if self._priority_dialog is not None:
            self._priority_dialog.close()
            self._priority_dialog = None

    # ---- issuing -------------------------------------------------------------------------
    def take(self, service: str) -> None:
        """Issue a ticket. A double tap is ignored while the first is in flight, and any retry
        carries the same idempotency key, so the office never makes two tickets."""
        self.shell.activity()
        screen = self.shell.screen("service")
        if screen.busy:
            return
        screen.busy = True
        priority = self.session.data.get("priority")
        key = queue_rules.idempotency_key(self.session.data, service, priority)
        self.kiosk.submit_for_session(self.kiosk.client.issue_ticket, service, priority, key, self.volunteer_code(),
                                      on_done=self._issued, on_error=self._failed)

    def take_for_procedure(self, procedure: Any) -> None:
        """A procedure found by name leads to its field's queue."""
        service = queue_rules.service_for_field(self.services, procedure.field_code)
        if service is None:
            self.shell.show_notice(self.t("notice.office_offline"))
            return
        self.take(service["code"])

    def take_for_field(self, field_code: str) -> None:
        """One tap after a dossier: show the service screen and take a number in that field,
        as soon as the office's services are known."""
        service = queue_rules.service_for_field(self.services, field_code)
        self.shell.go("service")
        self.enter()
        if service is not None:
            self.take(service["code"])
        else:  # services not loaded yet: take it as soon as they arrive
            self.session.data["auto_service_field"] = field_code

    def _failed(self, exc: BaseException) -> None:
        self.shell.screen("service").busy = False
        refusal = self._refusal(exc)
        if refusal:
            self.shell.show_notice(refusal, REFUSAL_SECONDS)
        else:
            self.office_failed(exc)

    def _refusal(self, exc: BaseException) -> str:
        """The office refused a number (issue 15): closed now, or the field's daily cap is reached.
        The citizen reads when to come back (the next opening, which the office computed)."""
        code = getattr(exc, "code", None)
        if code not in ("office_closed", "service_full"):
            return ""
        extra = getattr(exc, "extra", {}) or {}
        try:
            when = opening_hours.when_text(datetime.fromisoformat(extra["next_open"]), self.lang)
        except (KeyError, TypeError, ValueError):
            when = ""
        if code == "office_closed":
            return self.t("hours.closed", when=when) if when else self.t("hours.closed_unknown")
        name = str(extra.get(f"service_name_{self.lang}") or extra.get("service_name_vi") or extra.get("service", ""))
        return self.t("hours.full", field=name, when=when) if when else self.t("hours.full_unknown", field=name)

    def _issued(self, ticket: dict) -> None:
        self.shell.screen("service").busy = False
        self.session.data["ticket"] = ticket
        screen = self.shell.screen("ticket")
        screen.number = ticket["number"]
        screen.service_name = ticket.get(f"service_name_{self.lang}") or ticket.get("service_name_vi", "")
        screen.counters = counters_text(ticket.get("counters"), self.lang)  # "quầy số 1 hoặc 3"
        ahead = ticket.get("ahead", 0)
        screen.ahead = (self.t("ticket.ahead", ahead=ahead, minutes=ticket.get("estimated_wait_minutes", 0))
                        if ahead else self.t("ticket.next_up"))
        priority = ticket.get("priority")
        screen.priority_text = (self.t("service.priority_chosen", category=self.t(f"priority.{priority}"))
                                if priority else "")
        self.shell.go("ticket")
        log.info("ticket %s issued", ticket["number"])
        self._print(ticket)

    # ---- printing ------------------------------------------------------------------------
    def _print(self, ticket: dict) -> None:
        from kiosk.slips.ticket import ticket_blocks

        screen = self.shell.screen("ticket")
        screen.print_state = "printing"
        screen.can_reprint = False
        blocks = ticket_blocks(ticket, self.kiosk.ward, self.lang, public_url_base=self.kiosk.public_base_url)
        self.kiosk.submit_for_session(self._print_and_report, blocks, ticket, on_done=self._printed,
                                      on_error=lambda exc: self._printed((False, str(exc))))

    def _print_and_report(self, blocks: list, ticket: dict) -> tuple[bool, str]:
        """Worker thread: print, then tell the office whether the paper came out."""
        ok, error = print_blocks(self.kiosk.printer, blocks, f"ticket-{ticket['number']}-{ticket['id']}")
        try:
            self.kiosk.client.report_print(ticket["id"], ok, error or None)
        except Exception as exc:  # the office learns it from staff or the next heartbeat
            log.warning("could not report print result: %s", exc)
        return ok, error

    def _printed(self, outcome: tuple[bool, str]) -> None:
        ok, error = outcome
        if self.shell.current() != "ticket":
            return
        screen = self.shell.screen("ticket")
        screen.print_state = "printed" if ok else "failed"
        if not ok:
            log.warning("ticket not printed: %s", error)
            self.shell.say(self.t("ticket.not_printed"))  # the number is kept: the citizen must hear it
            screen.can_reprint = True
            self._reprint_timer = self.shell.later(REPRINT_WINDOW_SECONDS,
                                                   lambda: setattr(screen, "can_reprint", False))
        self.shell.end_session_after(TICKET_SCREEN_SECONDS if ok else TICKET_FAILED_SECONDS)

    def reprint(self) -> None:
        ticket = self.session.data.get("ticket")
        if ticket is not None:
            self.shell.activity()
            self._print(ticket)

    def reset(self) -> None:
        self._close_priority()
        if self._reprint_timer is not None:
            self._reprint_timer.cancel()
            self._reprint_timer = None
