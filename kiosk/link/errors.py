"""The kiosk's errors for talking to the office service: one hierarchy for the client and the outbox.

    LinkError
    ├── OfficeUnavailable       cannot reach the office (network down, timeout, 5xx): try again later
    ├── OfficeError             the office refused the request (4xx): status, detail, field, code
    └── MissingIdempotencyKey   a caller asked to send a dossier without its key: a bug, never sent

The office service has its own, unrelated errors (kiosk.office.errors): these are what the kiosk
sees from its side of the wire.
"""

from __future__ import annotations


class LinkError(Exception):
    """Anything that kept a request to the office service from succeeding."""


class OfficeUnavailable(LinkError):
    """The office service could not be reached (network down, timeout, or it kept failing)."""


class OfficeError(LinkError):
    """The office service answered with a 4xx: the request itself is wrong or not allowed.

    `field` names the bad field when the office said which (e.g. "applicant.id_number"), `code`
    is the office's machine-readable reason (e.g. "invalid_form").
    """

    def __init__(self, status: int, detail: str = "", field: str | None = None, code: str | None = None,
                 extra: dict | None = None):
        super().__init__(f"{status} {code or ''} {detail}".strip())
        self.status, self.detail, self.field, self.code = status, detail, field, code
        self.extra = extra or {}  # the answer's other keys, e.g. "next_open" of office_closed


class MissingIdempotencyKey(LinkError, ValueError):
    """A dossier or a ticket was to be sent without an idempotency key.

    The key is born once, where the dossier is stored durably (the outbox), and every retry must
    carry that same key, so the office stores the dossier exactly once. A key made up at sending
    time would let a retry from the outbox make a second dossier, so the client refuses instead.
    """
