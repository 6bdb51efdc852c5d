"""Assisted mode and help requests.

A volunteer scans their badge (MCVOL:<code>) or types their PIN; a band names them on every
screen until the citizen's session ends, and tickets and dossiers record their code. The
"Cần hỗ trợ" button sends a help request (which kiosk, which screen, nothing personal) and the
kiosk shows when someone has taken it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from kiosk.flows.base import Flow, Kiosk, Shell

log = logging.getLogger(__name__)

HELP_POLL_SECONDS = 4  # only while a request is open; nothing runs otherwise
HELP_POLL_LIMIT = 450  # give up after half an hour (the idle wipe waits as long)
HELP_REMIND_POLLS = 15  # every minute, say again that help is coming and since when


@dataclass(frozen=True)
class Volunteer:
    code: str
    name: str


class AssistFlow(Flow):
    def __init__(self, kiosk: Kiosk, shell: Shell) -> None:
        super().__init__(kiosk, shell)
        self._pin_dialog: Any = None
        self._help_timer: Any = None
        self._help_request_id: int | None = None
        self._help_polls = 0
        self._help_since = 0.0
        self._help_taker: str | None = None  # who took the request, once someone has
        self._help_asking = False  # sent, the office has not answered yet

    # ---- assisted mode -------------------------------------------------------------------
    def scanned_badge(self, result: Any) -> None:
        self.kiosk.submit_for_session(self.kiosk.client.volunteer_login, result.code, on_done=self._started,
                                      on_error=self._login_failed)

    def open_pin(self) -> None:
        self.shell.activity()
        self.close_pin()
        self._pin_dialog = self.shell.open_dialog("pin", on_pin=self.pin_entered, on_cancel=self.close_pin)

    def pin_entered(self, pin: str) -> None:
        self.close_pin()
        if pin.strip():
            self.kiosk.submit_for_session(self.kiosk.client.volunteer_login, None, pin.strip(),
                                          on_done=self._started, on_error=self._login_failed)

    def close_pin(self) -> None:
        if self._pin_dialog is not None:
            self._pin_dialog.close()
            self._pin_dialog = None

    def _started(self, answer: dict) -> None:
        self.session.volunteer = Volunteer(answer["code"], answer.get("name", ""))
        self.shell.set_volunteer_band(self.t("volunteer.band", name=answer.get("name", "")))
        self.stop_help_poll()  # help has arrived: the request is answered
        self.shell.activity()
        log.info("assisted mode started")

    def _login_failed(self, exc: BaseException) -> None:
        if getattr(exc, "status", None) in (401, 403, 404, 422, 429):
            self.shell.show_notice(self.t("volunteer.not_recognised"))
        else:
            self.office_failed(exc)

    def end(self) -> None:
        """'Kết thúc hỗ trợ': the citizen carries on alone."""
        self.session.volunteer = None
        self.shell.set_volunteer_band("")
        self.shell.activity()

    def volunteer_code(self) -> str | None:
        return getattr(self.session.volunteer, "code", None)

    # ---- help requests -------------------------------------------------------------------
    def request_help(self) -> None:
        self.shell.activity()
        if self._help_request_id is not None:  # one open request per kiosk is enough
            self.shell.show_notice(self.t("notice.help_sent"))
            return
        self._help_asking = True  # waiting from the tap on, not from the office's answer
        self.kiosk.jobs.submit(self.kiosk.client.help_request, self.shell.current(), on_done=self._help_sent,
                               on_error=self._help_failed)

    def _help_failed(self, exc: BaseException) -> None:
        self._help_asking = False
        self.shell.show_notice(self.t("notice.help_offline"))

    @property
    def waiting_for_help(self) -> bool:
        """A help request is open: the citizen waits at the kiosk, the idle wipe must not end it."""
        return self._help_asking or self._help_request_id is not None

    def _help_sent(self, answer: dict) -> None:
        self._help_asking = False
        self._help_request_id = answer["id"]
        self._help_polls = 0
        self._help_since = time.monotonic()
        self._help_taker = None
        self.shell.show_notice(self.t("notice.help_sent"), seconds=HELP_POLL_SECONDS * HELP_REMIND_POLLS + 5)
        self._help_timer = self.shell.every(HELP_POLL_SECONDS, self._poll_help)

    def _poll_help(self) -> None:
        self._help_polls += 1
        if self._help_request_id is None or self._help_polls > HELP_POLL_LIMIT:
            self.stop_help_poll()
            return
        if self._help_polls % HELP_REMIND_POLLS == 0:
            self._remind_help()
        self.kiosk.jobs.submit(self.kiosk.client.help_request_status, self._help_request_id,
                               on_done=self._help_status, on_error=lambda exc: None)

    def _remind_help(self) -> None:
        """'Đã chờ 3 phút': in words and voice, so a waiting citizen knows they are not forgotten."""
        minutes = max(1, round((time.monotonic() - self._help_since) / 60))
        text = (self.t("notice.help_coming_wait", name=self._help_taker, minutes=minutes) if self._help_taker
                else self.t("notice.help_waiting", minutes=minutes))
        self.shell.show_notice(text, seconds=HELP_POLL_SECONDS * HELP_REMIND_POLLS + 5)

    def _help_status(self, answer: dict) -> None:
        status = answer.get("status")
        if status == "taken" and self._help_taker is None:
            self._help_taker = answer.get("taker") or ""
            self.shell.show_notice(self.t("notice.help_coming", name=self._help_taker),
                                   seconds=HELP_POLL_SECONDS * HELP_REMIND_POLLS + 5)
        elif status == "closed":
            self.stop_help_poll()

    def cancel_help_request(self) -> None:
        """The citizen left before anyone took their request: nobody should walk to an empty kiosk."""
        if self._help_request_id is not None:
            self.kiosk.jobs.submit(self.kiosk.client.cancel_help_request, self._help_request_id,
                                   on_error=lambda exc: log.info("help request not cancelled: %s", exc))
        self.stop_help_poll()

    def stop_help_poll(self) -> None:
        if self._help_timer is not None:
            self._help_timer.cancel()
            self._help_timer = None
        self._help_request_id = None
        self._help_asking = False

    def reset(self) -> None:
        self.shell.set_volunteer_band("")  # the next citizen never inherits assisted mode
        self.cancel_help_request()
        self.close_pin()
