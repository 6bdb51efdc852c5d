"""The kiosk's HTTP client to the office service.

Blocking calls: the app runs them on worker threads. Connection errors and 5xx answers are
retried with backoff; issuing a ticket retries with THE SAME idempotency key, so a lost answer
never makes a second ticket. Failures surface as two exceptions the UI can word for citizens:
`OfficeUnavailable` (cannot reach the office: try again / see staff) and `OfficeError` (the
office refused: status, detail, field, code); both live in kiosk.link.errors and are importable
from here.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any
from urllib.parse import quote

import requests

from kiosk.link.errors import LinkError, MissingIdempotencyKey, OfficeError, OfficeUnavailable

__all__ = ["OfficeClient", "LinkError", "OfficeError", "OfficeUnavailable", "MissingIdempotencyKey"]

log = logging.getLogger(__name__)


_RETRYABLE = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class OfficeClient:
    def __init__(self, base_url: str, api_key: str, kiosk_id: str, timeout: float = 5.0, *,
                 retries: int = 3, backoff: float = 0.3, ca_file: str = ""):
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.session = requests.Session()
        # an https office is trusted if its certificate verifies against [office] ca_file, else the system CAs;
        # passed with each request: requests lets REQUESTS_CA_BUNDLE override a session's verify
        self.verify: str | bool = ca_file or True
        self.session.headers.update({"Authorization": f"Bearer {api_key}", "Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: Any, base_url: str | None = None) -> "OfficeClient":
        """base_url: the embedded office's URL when settings.office.url is "embedded"."""
        url = base_url or settings.office.url
        if url == "embedded":
            raise ValueError("start the embedded office first and pass its URL")
        return cls(url, settings.kiosk.api_key, settings.kiosk.id, settings.office.timeout,
                   ca_file=getattr(settings.office, "ca_file", ""))

    # ---- public calls
    def health(self) -> dict[str, Any]:
        return self._request("GET", "/api/health")

    def services(self) -> list[dict[str, Any]]:
        return self._request("GET", "/api/services")["services"]

    def queue(self) -> dict[str, Any]:
        return self._request("GET", "/api/queue")

    def issue_ticket(self, service: str, priority: str | None, idempotency_key: str,
                     volunteer_code: str | None = None) -> dict[str, Any]:
        """Issue a ticket. The key is one per citizen action (the same key if the app retries
        later; kiosk.domain.queue_rules makes it); retries inside use it too. Without one this
        raises MissingIdempotencyKey and sends nothing: a key made up here would let a double tap
        print two tickets. `volunteer_code` attributes the ticket to the volunteer helping."""
        if not idempotency_key:
            raise MissingIdempotencyKey("issue_ticket: no idempotency_key; make one per citizen action")
        body = {"service": service, "priority": priority, "idempotency_key": idempotency_key}
        if volunteer_code:
            body["volunteer_code"] = volunteer_code
        return self._request("POST", "/api/tickets", body)

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        return self._request("GET", f"/api/tickets/{int(ticket_id)}")

    def report_print(self, ticket_id: int, printed: bool, error: str | None = None) -> dict[str, Any]:
        # setting the outcome twice is harmless, so it is retried
        return self._request("POST", f"/api/tickets/{int(ticket_id)}/print-result",
                             {"printed": bool(printed), "error": None if printed else (error or "")[:300]})

    def reprint(self, ticket_id: int) -> dict[str, Any]:
        # not retried: a lost answer could count the reprint twice; the caller may ask again
        return self._request("POST", f"/api/tickets/{int(ticket_id)}/reprint", retry=False)

    def heartbeat(self, printer: dict[str, Any] | None = None, scanner: dict[str, Any] | None = None,
                  version: str | None = None) -> dict[str, Any]:
        body = {k: v for k, v in (("printer", printer), ("scanner", scanner), ("version", version)) if v is not None}
        return self._request("POST", f"/api/kiosks/{self.kiosk_id}/heartbeat", body, retry=False)

    def public_ticket(self, token: str) -> dict[str, Any]:
        return self._request("GET", f"/api/public/tickets/{token}")

    # ---- dossiers
    def submit_dossier(self, request: dict[str, Any]) -> dict[str, Any]:
        """POST /api/dossiers with the outbox's request body; retries inside send the same
        idempotency key, so the office stores the dossier once.
        The key must come with the request (the outbox gives each entry one when it stores it):
        without one this raises MissingIdempotencyKey and sends nothing.
        A form the office refuses raises OfficeError(422) whose `field` is the body path,
        e.g. "applicant.id_number" or "fields.child_full_name"."""
        if not request.get("idempotency_key"):
            raise MissingIdempotencyKey("submit_dossier: the request has no idempotency_key; store the "
                                        "dossier in the outbox first and send the entry's request()")
        return self._request("POST", "/api/dossiers", dict(request))

    def dossier(self, code: str) -> dict[str, Any]:
        """Status, history and appointment of one dossier (the kiosk view: no personal data)."""
        return self._request("GET", f"/api/dossiers/{quote(code, safe='')}")

    def dossiers_for(self, id_number: str, confirm: str) -> list[dict[str, Any]]:
        """The dossiers of the citizen whose card was just scanned, newest first, that `confirm`
        opens: the last 4 digits of the phone number on the dossier, or the code on its slip (a
        photo of the card gives neither). A wrong one gives [] (as a card without dossiers)."""
        # as params, not in the path: the path is logged, the id number must not be
        return self._request("GET", "/api/dossiers", params={"id_number": id_number, "confirm": confirm})["dossiers"]

    def procedures(self) -> dict[str, Any]:
        """The whole catalogue (kiosk.domain.catalogue.catalogue_from_dict reads it)."""
        return self._request("GET", "/api/procedures")

    # ---- volunteers (assisted mode) and help requests
    def volunteer_login(self, code: str | None = None, pin: str | None = None) -> dict[str, Any]:
        """Start assisted mode with a badge code (from a scanned MCVOL:<code>) or a PIN:
        {"code", "name", "first_name"}. OfficeError 404 volunteer_not_found (code), 401 bad_pin,
        429 too_many_attempts (too many wrong PINs at this kiosk; detail says when to retry)."""
        body = {"code": code} if code is not None else {"pin": pin}
        # not retried: a lost answer would count a wrong PIN, or a citizen helped, twice
        return self._request("POST", "/api/volunteers/session", body, retry=False)

    def help_request(self, screen: str) -> dict[str, Any]:
        """Ask for a volunteer at this kiosk ("Cần hỗ trợ"); no personal data is sent. The office
        returns this kiosk's request if one is still open or taken, so retries never ask twice."""
        return self._request("POST", "/api/help-requests", {"screen": screen})

    def help_request_status(self, help_id: int) -> dict[str, Any]:
        """{"id", "status": "open|taken|closed", "taker": first name or None, ...}."""
        return self._request("GET", f"/api/help-requests/{int(help_id)}")

    def cancel_help_request(self, help_id: int) -> dict[str, Any]:
        """The citizen no longer needs help (or the session ended); closing twice is harmless."""
        return self._request("POST", f"/api/help-requests/{int(help_id)}/close")

    def close(self) -> None:
        self.session.close()

    # ---- plumbing
    def _request(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                 retry: bool = True, params: dict[str, str] | None = None) -> Any:
        attempts = 1 + (self.retries if retry else 0)
        last, retry_after = "", None
        for attempt in range(attempts):
            if attempt:
                time.sleep(self._delay(attempt, retry_after))
                retry_after = None
            try:
                r = self.session.request(method, self.base_url + path, json=body, params=params,
                                         timeout=self.timeout, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                # an untrusted certificate does not heal by retrying: unreachable now, said once in the log
                log.error("office %s %s: TLS certificate not trusted (%s); set [office] ca_file", method, path,
                          str(exc)[:200])
                raise OfficeUnavailable(f"office service unreachable at {self.base_url} "
                                        "(certificate not trusted)") from None
            except _RETRYABLE as exc:
                last = f"{type(exc).__name__}"
                log.warning("office %s %s failed (%s), attempt %d/%d", method, path, last, attempt + 1, attempts)
                continue
            if r.status_code >= 500:
                last = f"HTTP {r.status_code}"
                retry_after = r.headers.get("Retry-After")
                log.warning("office %s %s answered %d, attempt %d/%d", method, path, r.status_code,
                            attempt + 1, attempts)
                continue
            if r.status_code >= 400:
                raise _error(r)
            if r.status_code == 204 or not r.content:
                return None
            return r.json()
        raise OfficeUnavailable(f"office service unreachable at {self.base_url} ({last})")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff * 2 ** (attempt - 1) * (0.8 + 0.4 * random.random())
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(float(retry_after), 5.0))
        return delay


def _error(r: requests.Response) -> OfficeError:
    try:
        body = r.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    return OfficeError(r.status_code, detail if isinstance(detail, str) else (r.reason or "error"),
                       body.get("field") if isinstance(body, dict) else None,
                       body.get("code") if isinstance(body, dict) else None,
                       body if isinstance(body, dict) else None)
