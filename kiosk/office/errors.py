"""Errors the office operations raise; the API turns them into 4xx JSON naming the field."""

from __future__ import annotations


class OfficeError(Exception):
    status = 400

    def __init__(self, code: str, detail: str, field: str | None = None, **extra):
        super().__init__(detail)
        self.code, self.detail, self.field, self.extra = code, detail, field, extra


class Invalid(OfficeError):
    status = 422


class NotFound(OfficeError):
    status = 404


class Conflict(OfficeError):
    status = 409


class Unauthorized(OfficeError):
    status = 401


class Forbidden(OfficeError):
    status = 403


class TooManyAttempts(OfficeError):
    status = 429


class Unavailable(OfficeError):
    status = 503


class CapReached(Exception):
    """Not an answer by itself: inside the ticket's write transaction, the service has handed out its
    daily cap of numbers. Raising it rolls the number back; Office.issue answers 409 service_full
    with the next day the field has room (opening.service_full)."""

    def __init__(self, service, cap: int):
        super().__init__(service.code, cap)
        self.service, self.cap = service, cap
