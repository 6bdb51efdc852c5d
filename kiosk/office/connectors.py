"""The ways a dossier reaches the province ([office.connector] kind): `http` posts it, `folder`
drops a file. Each `send(local_code, body)` returns an `Outcome` and never raises: the delivery
worker (delivery.py) stores the outcome and decides on a retry.

`none` has no connector: staff type the official code by hand.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

DELIVERED, PERMANENT, RETRY = "delivered", "permanent", "retry"
TEXT_MAX = 1000  # the province's answer, shown to staff


@dataclass(frozen=True)
class Outcome:
    kind: str  # delivered | permanent (a 4xx: only "Gửi lại" sends again) | retry (backoff)
    official_code: str | None = None
    status: int | None = None  # HTTP status, when there was an answer
    detail: str = ""


class Connector(Protocol):
    kind: str

    def send(self, local_code: str, body: dict[str, Any]) -> Outcome: ...


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


class HttpConnector:
    """POST the body as JSON. 200/201 with {"official_code"} and 409 with {"official_code"} (it had
    it already: our Idempotency-Key) are success; another 4xx is permanent; 5xx, timeouts and
    refused connections are retried."""

    kind = "http"

    def __init__(self, url: str, token: str = "", timeout: float = 10.0):
        import requests

        self.url, self.token, self.timeout = url, token, timeout
        self.http = requests.Session()
        self.http.trust_env = False  # a ward PC's proxy settings must not reroute the hand-off

    def send(self, local_code: str, body: dict[str, Any]) -> Outcome:
        import requests

        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": local_code,
                   "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            r = self.http.post(self.url, data=encode(body), headers=headers, timeout=self.timeout,
                               allow_redirects=False)
        except requests.Timeout:
            return Outcome(RETRY, detail=f"no answer from {self.url} within {self.timeout:g} s")
        except requests.RequestException as exc:
            return Outcome(RETRY, detail=f"{self.url} not reachable: {_reason(exc)}")
        text = r.text[:TEXT_MAX]
        code = _official_code(r)
        if r.status_code in (200, 201) or (r.status_code == 409 and code):
            return Outcome(DELIVERED, official_code=code, status=r.status_code)
        if r.status_code >= 500:
            return Outcome(RETRY, status=r.status_code, detail=f"HTTP {r.status_code}: {text}")
        # any other answer (4xx, a redirect) will not change by itself: staff look and press "Gửi lại"
        return Outcome(PERMANENT, status=r.status_code, detail=f"HTTP {r.status_code}: {text}")

    def close(self) -> None:
        self.http.close()


def _official_code(r) -> str | None:
    try:
        value = r.json().get("official_code")
    except (ValueError, AttributeError):
        return None
    return value.strip() or None if isinstance(value, str) else None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    for reason in ("Connection refused", "Name or service not known", "No route to host",
                   "Network is unreachable", "Connection reset"):
        if reason in text:
            return reason.lower()
    return text[:200]


class FolderConnector:
    """Write `<local code>.json` into the folder atomically: a temporary file in the same folder,
    fsync, rename over the final name, fsync the folder. A reader never sees half a file, and
    writing the same dossier again replaces it with the same content."""

    kind = "folder"

    def __init__(self, folder: str):
        self.folder = Path(folder).expanduser()

    def send(self, local_code: str, body: dict[str, Any]) -> Outcome:
        target = self.folder / f"{local_code}.json"
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{local_code}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(encode(body))
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            dir_fd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:  # a network share that is down comes back: retry
            return Outcome(RETRY, detail=f"cannot write {target}: {exc.strerror or exc}")
        return Outcome(DELIVERED)

    def close(self) -> None:
        pass


def connector_for(settings) -> Connector | None:
    """The connector of [office.connector], or None for kind = "none"."""
    c = settings.connector
    if c.kind == "http":
        return HttpConnector(c.url, c.token, c.timeout)
    if c.kind == "folder":
        return FolderConnector(c.folder)
    return None
