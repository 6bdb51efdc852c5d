"""ASGI middleware that protects every route before it runs (issue 19):

- RequestGuard: a header block larger than its limit is refused with 431 (uvicorn's h11 bounds
  only what it buffers while the headers are incomplete: a block that arrives whole passes it); a
  body larger than the limit is refused with 413 before it is read (Content-Length)
  or as soon as the streamed chunks pass the limit; a JSON body holding text that cannot be stored
  (a lone UTF-16 surrogate such as "\\ud800", or NUL, which PostgreSQL refuses) is refused with 422
  naming the field, so it never reaches the database and poisons later reads; a state change
  carrying a session cookie from a foreign Origin (cross-site request forgery) is refused with 403.
- SecurityHeaders: nosniff and Referrer-Policy on every answer, `Cache-Control: no-store` on JSON
  (staff answers hold personal data; a shared office PC must not keep them in its cache).

Errors use the API's one JSON shape (kiosk/office/api/errors.py).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from kiosk.office.api.errors import error_body

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


async def send_json(send: Send, status: int, body: dict, *, close: bool = False) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if close:  # the client may still be sending the body we refuse: end the connection after this
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def bad_text_path(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string (value or key) that cannot be stored, or None."""
    if isinstance(value, str):
        return None if storable(value) else (path or "body")
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            if not storable(k):
                return path or "body"
            if (found := bad_text_path(v, sub)) is not None:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if (found := bad_text_path(v, f"{path}.{i}" if path else str(i))) is not None:
                return found
    return None


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return True


def same_origin(origin: str, host: str, trusted: tuple[str, ...]) -> bool:
    if origin in trusted:
        return True
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == host.lower()


class RequestGuard:
    """Body size limit, storable JSON text and the Origin check; see the module docstring."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_headers: int,
                 max_body_by_path: Mapping[str, int] | None = None, cookies: tuple[str, ...] = (),
                 trusted_origins: tuple[str, ...] = ()):
        self.app, self.max_body, self.max_headers = app, max_body, max_headers
        self.by_path = dict(max_body_by_path or {})
        self.cookies = tuple(c.encode() for c in cookies)
        self.trusted = trusted_origins

    def limit_for(self, path: str) -> int:
        return max([n for prefix, n in self.by_path.items() if path.startswith(prefix)], default=self.max_body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        header_bytes = sum(len(k) + len(v) + 4 for k, v in scope["headers"]) + len(scope.get("raw_path") or b"")
        if header_bytes > self.max_headers:
            return await send_json(send, 431, error_body(
                f"the request headers are larger than {self.max_headers} bytes", "headers", "headers_too_large"),
                close=True)
        headers = dict(scope["headers"])  # last value wins; names are lower-case in ASGI
        limit = self.limit_for(scope["path"])
        too_large = error_body(f"the request body is larger than {limit} bytes", "body", "too_large", limit=limit)
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            return await send_json(send, 413, too_large, close=True)
        if scope["method"] not in UNSAFE:
            return await self.app(scope, receive, send)
        if self._foreign_origin(headers):
            return await send_json(send, 403, error_body(
                "this change comes from another site; use the office's own pages", None, "foreign_origin"))
        # read the whole (bounded) body now: the routes read it whole anyway
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await send_json(send, 413, too_large, close=True)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and b"json" in headers.get(b"content-type", b"json"):
            try:
                field = bad_text_path(json.loads(body))
            except ValueError:
                field = None  # FastAPI reports invalid JSON in its own words
            except RecursionError:  # [[[[...]]]] thousands deep: no route takes that
                return await send_json(send, 422, error_body("body: nested too deeply", "body", "too_deep"))
            if field is not None:
                return await send_json(send, 422, error_body(
                    f"{field}: text with a character that cannot be stored (a lone surrogate or NUL)",
                    field, "invalid_text"))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # later calls: disconnect notices
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _foreign_origin(self, headers: dict[bytes, bytes]) -> bool:
        """A cookie-carrying state change whose Origin is not this site. Requests without a session
        cookie (kiosk keys, bearer tokens, scripts) cannot be forged by another site; browsers send
        Origin on every cross-site POST."""
        origin = headers.get(b"origin")
        if origin is None or not self.cookies:
            return False
        cookie = headers.get(b"cookie", b"")
        if not any(name + b"=" in cookie for name in self.cookies):
            return False
        return not same_origin(origin.decode("latin-1"), headers.get(b"host", b"").decode("latin-1"), self.trusted)


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"application/json"):
                    extra.append((b"cache-control", b"no-store"))
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app, settings) -> None:
    """Add the guards to the app (outermost last: headers wrap every answer, the guard's included)."""
    from kiosk.office.api.deps import COOKIES

    app.add_middleware(RequestGuard, max_body=settings.max_body_bytes, max_headers=settings.max_header_bytes,
                       max_body_by_path=settings.max_body_bytes_by_path, cookies=tuple(COOKIES.values()),
                       trusted_origins=settings.trusted_origins)
    app.add_middleware(SecurityHeaders)
