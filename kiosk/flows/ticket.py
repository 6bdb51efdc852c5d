"""Taking a queue number: the app's half of the flow (screens/service, screens/ticket).

A mixin of KioskApp: it uses the app's session, jobs, client, printer and screens. The rules
themselves (priority offer, idempotency keys) are plain Python in kiosk/domain/queue_rules.py.
"""

from __future__ import annotations

import logging
from datetime import date

from kivy.clock import Clock

from kiosk.domain import queue_rules

log = logging.getLogger(__name__)

TICKET_SCREEN_SECONDS = 20  # back home after showing a printed ticket
TICKET_FAILED_SECONDS = 60  # longer when the citizen must note the number down
REPRINT_WINDOW_SECONDS = 120


class TicketFlow:
    def _enter_take_number(self) -> None:
        screen = self.screen("service")
        screen.services = self.services
        self._offer_priority()
        self.jobs.submit(self.client.services, on_done=self._services_loaded,
                         on_error=lambda exc: self._office_failed(exc, quiet=bool(self.services)))

    def _services_loaded(self, services: list[dict]) -> None:
        self.services = [s for s in services if s.get("active", True)]
        self.screen("service").services = self.services
        field = self.session.data.pop("auto_service_field", None)
        service = queue_rules.service_for_field(self.services, field) if field else None
        if service is not None:  # "take a number to hand in originals" after a dossier
            self.take_ticket(service["code"])

    def _office_failed(self, exc: BaseException, quiet: bool = False) -> None:
        log.warning("office service: %s", exc)
        if not quiet:
            self.show_notice(self.t("notice.office_offline"))

    def _offer_priority(self) -> None:
        """A card showing 60 or more pre-selects the elderly priority (the law grants it)."""
        offered = queue_rules.offered_priority(self.session.citizen, date.today())
        if offered and "priority" not in self.session.data:
            self.session.data["priority"] = offered
        self._show_priority()
        self.screen("service").elderly_offer = bool(offered)

    def _show_priority(self) -> None:
        priority = self.session.data.get("priority")
        text = self.t("service.priority_chosen", category=self.t(f"priority.{priority}")) if priority else ""
        self.screen("service").priority_text = text

    def open_priority(self) -> None:
        from screens.priority_dialog import PriorityDialog

        self.activity()
        self._dismiss_priority()
        self._priority_dialog = PriorityDialog()
        self._priority_dialog.open(animation=False)

    def choose_priority(self, category: str | None) -> None:
        self._dismiss_priority()
        if category is None:
            self.session.data["priority"] = None
        else:
            self.session.data["priority"] = category
        self._show_priority()
        self.activity()

    def _dismiss_priority(self) -> None:
        if self._priority_dialog is not None:
            self._priority_dialog.dismiss(animation=False)
            self._priority_dialog = None

    def take_ticket(self, service: str) -> None:
        """Issue a ticket. A double tap is ignored while the first is in flight, and any retry
        carries the same idempotency key, so the office never makes two tickets."""
        self.activity()
        screen = self.screen("service")
        if screen.busy:
            return
        screen.busy = True
        priority = self.session.data.get("priority")
        key = queue_rules.idempotency_key(self.session.data, service, priority)
        self.submit_for_session(self.client.issue_ticket, service, priority, key, self.volunteer_code(),
                         on_done=self._ticket_issued, on_error=self._ticket_failed)

    def take_ticket_for_procedure(self, code: str) -> None:
        """A procedure found by name leads to its field's queue."""
        self.close_procedure_search()
        procedure = self._catalogue().by_code(code)
        service = queue_rules.service_for_field(self.services, procedure.field_code) if procedure else None
        if service is None:
            self.show_notice(self.t("notice.office_offline"))
            return
        self.take_ticket(service["code"])

    def _ticket_failed(self, exc: BaseException) -> None:
        self.screen("service").busy = False
        self._office_failed(exc)

    def _ticket_issued(self, ticket: dict) -> None:
        self.screen("service").busy = False
        self.session.data["ticket"] = ticket
        screen = self.screen("ticket")
        screen.number = ticket["number"]
        screen.service_name = ticket.get(f"service_name_{self.lang}") or ticket.get("service_name_vi", "")
        screen.counters = ", ".join(str(c) for c in ticket.get("counters") or [])
        ahead = ticket.get("ahead", 0)
        screen.ahead = (self.t("ticket.ahead", ahead=ahead, minutes=ticket.get("estimated_wait_minutes", 0))
                        if ahead else self.t("ticket.next_up"))
        priority = ticket.get("priority")
        screen.priority_text = (self.t("service.priority_chosen", category=self.t(f"priority.{priority}"))
                                if priority else "")
        self.go("ticket")
        log.info("ticket %s issued", ticket["number"])
        self._print_ticket(ticket)

    def _print_ticket(self, ticket: dict) -> None:
        from kiosk.slips.ticket import ticket_blocks

        screen = self.screen("ticket")
        screen.print_state = "printing"
        screen.can_reprint = False
        blocks = ticket_blocks(ticket, self.settings.ward, self.lang, public_url_base=self.public_base_url)
        self.submit_for_session(self._print_and_report, blocks, ticket, on_done=self._ticket_printed,
                         on_error=lambda exc: self._ticket_printed((False, str(exc))))

    def _print_and_report(self, blocks: list, ticket: dict) -> tuple[bool, str]:
        """Worker thread: print, then tell the office whether the paper came out."""
        if self.printer is None:
            ok, error = False, "no printer configured"
        else:
            result = self.printer.print_blocks(blocks, f"ticket-{ticket['number']}-{ticket['id']}")
            ok, error = result.ok, "" if result.ok else str(result.fault)
        try:
            self.client.report_print(ticket["id"], ok, error or None)
        except Exception as exc:  # the office learns it from staff or the next heartbeat
            log.warning("could not report print result: %s", exc)
        return ok, error

    def _ticket_printed(self, outcome: tuple[bool, str]) -> None:
        ok, error = outcome
        screen = self.screen("ticket")
        if self.root.current != "ticket":
            return
        screen.print_state = "printed" if ok else "failed"
        if not ok:
            log.warning("ticket not printed: %s", error)
            screen.can_reprint = True
            Clock.schedule_once(lambda _dt: setattr(screen, "can_reprint", False), REPRINT_WINDOW_SECONDS)
        self._schedule_home(TICKET_SCREEN_SECONDS if ok else TICKET_FAILED_SECONDS)

    def reprint_ticket(self) -> None:
        ticket = self.session.data.get("ticket")
        if ticket is not None:
            self.activity()
            self._print_ticket(ticket)

    def _schedule_home(self, seconds: float) -> None:
        if self._home_event is not None:
            self._home_event.cancel()
        self._home_event = Clock.schedule_once(lambda _dt: self.end_session(), seconds)
