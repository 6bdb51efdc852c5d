"""Assisted mode and help requests: the app's half of issue 8.

A volunteer scans their badge (MCVOL:<code>) or types their PIN; a band names them on every
screen until the citizen's session ends, and tickets and dossiers record their code. The
"Cần hỗ trợ" button sends a help request (which kiosk, which screen, nothing personal) and the
kiosk shows when someone has taken it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kivy.clock import Clock

log = logging.getLogger(__name__)

HELP_POLL_SECONDS = 4  # only while a request is open; nothing runs otherwise
HELP_POLL_LIMIT = 150  # give up after ten minutes


@dataclass(frozen=True)
class Volunteer:
    code: str
    name: str


class HelpFlow:
    _help_event = None
    _help_request_id = None
    _help_polls = 0
    _pin_dialog = None

    # ---- assisted mode -------------------------------------------------------------------
    def scanned_volunteer_badge(self, result: Any) -> None:
        self.submit_for_session(self.client.volunteer_login, result.code, on_done=self._volunteer_started,
                         on_error=self._volunteer_failed)

    def open_volunteer_pin(self) -> None:
        from screens.pin_dialog import PinDialog

        self.activity()
        self._pin_dialog = PinDialog()
        self._pin_dialog.open(animation=False)

    def volunteer_pin_entered(self, pin: str) -> None:
        self._close_pin()
        if pin.strip():
            self.submit_for_session(self.client.volunteer_login, None, pin.strip(), on_done=self._volunteer_started,
                             on_error=self._volunteer_failed)

    def _close_pin(self) -> None:
        if self._pin_dialog is not None:
            self._pin_dialog.dismiss(animation=False)
            self._pin_dialog = None

    def _volunteer_started(self, answer: dict) -> None:
        self.session.volunteer = Volunteer(answer["code"], answer.get("name", ""))
        self.volunteer_band = self.t("volunteer.band", name=answer.get("name", ""))
        self.activity()
        log.info("assisted mode started")

    def _volunteer_failed(self, exc: BaseException) -> None:
        if getattr(exc, "status", None) in (401, 403, 404, 422, 429):
            self.show_notice(self.t("volunteer.not_recognised"))
        else:
            self._office_failed(exc)

    def end_assisted_mode(self) -> None:
        self.session.volunteer = None
        self.volunteer_band = ""
        self.activity()

    def volunteer_code(self) -> str | None:
        return getattr(self.session.volunteer, "code", None)

    # ---- help requests -------------------------------------------------------------------
    def request_help(self) -> None:
        self.activity()
        if self._help_request_id is not None:  # one open request per kiosk is enough
            self.show_notice(self.t("notice.help_sent"))
            return
        screen = self.root.current if self.root is not None else ""
        self.jobs.submit(self.client.help_request, screen, on_done=self._help_sent,
                         on_error=lambda exc: self.show_notice(self.t("notice.help_offline")))

    def _help_sent(self, answer: dict) -> None:
        self._help_request_id = answer["id"]
        self._help_polls = 0
        self.show_notice(self.t("notice.help_sent"), seconds=60)
        self._help_event = Clock.schedule_interval(self._poll_help, HELP_POLL_SECONDS)

    def _poll_help(self, _dt: float) -> None:
        self._help_polls += 1
        if self._help_request_id is None or self._help_polls > HELP_POLL_LIMIT:
            self._stop_help_poll()
            return
        self.jobs.submit(self.client.help_request_status, self._help_request_id, on_done=self._help_status,
                         on_error=lambda exc: None)

    def _help_status(self, answer: dict) -> None:
        status = answer.get("status")
        if status == "taken":
            name = answer.get("taker") or ""
            self.show_notice(self.t("notice.help_coming", name=name), seconds=120)
        if status in ("taken", "closed"):
            self._stop_help_poll()

    def cancel_help_request(self) -> None:
        """The citizen left before anyone took their request: nobody should walk to an empty kiosk."""
        if self._help_request_id is not None:
            self.jobs.submit(self.client.cancel_help_request, self._help_request_id,
                             on_error=lambda exc: log.info("help request not cancelled: %s", exc))
        self._stop_help_poll()

    def _stop_help_poll(self) -> None:
        if self._help_event is not None:
            self._help_event.cancel()
            self._help_event = None
        self._help_request_id = None
