"""Every error leaves as JSON: {"detail": sentence, "field": name or null, "code": machine word}."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.office.errors import OfficeError

log = logging.getLogger(__name__)
_PLACES = ("body", "query", "path", "header", "cookie")


class SafeJSONResponse(JSONResponse):
    """The app's JSON answers: a string that UTF-8 cannot encode (a lone surrogate stored in a JSON
    column before the request guards refused them) goes out as "?" instead of failing every later
    read of that row with a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":")).encode("utf-8", "replace")


def error_body(detail: str, field: str | None, code: str, **extra) -> dict:
    return {"detail": detail, "field": field, "code": code, **extra}


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _PLACES:
        parts = parts[1:] or parts[:1]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(OfficeError)
    async def _office(request: Request, exc: OfficeError):
        headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
        return JSONResponse(error_body(exc.detail, exc.field, exc.code, **exc.extra), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [{"field": _field(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid"),
                   "type": e.get("type", "")} for e in exc.errors()]
        first = errors[0] if errors else {"field": "body", "message": "invalid request", "type": ""}
        code = "invalid_json" if first["type"] == "json_invalid" else "invalid"
        return JSONResponse(error_body(f"{first['field']}: {first['message']}", first["field"], code,
                                       errors=errors), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return JSONResponse(error_body(detail, None, f"http_{exc.status_code}"), exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    async def _db_down(request: Request, exc: OperationalError):
        log.warning("database unavailable: %s", exc.orig)
        return JSONResponse(error_body("the database is busy or unavailable; try again", None, "unavailable"),
                            503, headers={"Retry-After": "1"})

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, exc: PoolTimeout):
        # every connection is busy (a stalled disk, a flood): a clear "try again", not a 500
        log.warning("database pool timeout on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("the database is busy or unavailable; try again", None, "unavailable"),
                            503, headers={"Retry-After": "1"})

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception):
        # a path id of 2**63 or more (SQLite cannot bind it, PostgreSQL's bigint refuses it: no row
        # can have it), or another value PostgreSQL refuses (text too long for its column)
        log.warning("value out of range on %s %s: %s", request.method, request.url.path, getattr(exc, "orig", exc))
        field = next((k for k, v in request.path_params.items() if str(v).isdigit() and int(v) >= 2 ** 63), None)
        return JSONResponse(error_body(f"{field or 'a value'}: out of range or too long", field, "out_of_range"), 422)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError):
        log.warning("integrity error: %s", exc.orig)
        return JSONResponse(error_body("conflicting change; reload and try again", None, "conflict"), 409)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_body("internal error", None, "internal"), 500)
