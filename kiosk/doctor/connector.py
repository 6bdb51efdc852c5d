"""The hand-off check ([office.connector]): the drop folder is writable, or the province's address
answers on its port. Nothing is sent: a test POST would file a dossier at the province."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.doctor.base import FAIL, PASS, SKIP, WARN, Context, Result, brief

NAME = "connector"


def check_connector(ctx: Context) -> Result:
    c = ctx.settings.office.connector
    if c.kind == "none":
        return Result(SKIP, NAME, 'kind "none": staff type the province\'s dossier code by hand')
    if c.kind == "folder":
        return _check_folder(Path(c.folder).expanduser())
    return _check_http(c.url, c.timeout, bool(c.token))


def _check_folder(folder: Path) -> Result:
    fix = "create the folder (or mount the share) and let the service user write to it; see [office.connector] folder"
    if not folder.is_dir():
        return Result(FAIL, NAME, f"drop folder {folder} does not exist", fix)
    try:
        fd, probe = tempfile.mkstemp(prefix=".doctor-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return Result(FAIL, NAME, f"cannot write into {folder} ({exc.strerror or brief(exc)})", fix)
    return Result(PASS, NAME, f"drop folder {folder} is writable")


def _check_http(url: str, timeout: float, token: bool) -> Result:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as exc:
        reason = "connection refused" if isinstance(exc, ConnectionRefusedError) else brief(exc, 100)
        return Result(FAIL, NAME, f"{url} not reachable ({reason}); dossiers wait in the outbox meanwhile",
                      "check the network to the province's system and [office.connector] url")
    if parts.scheme == "http" and token:
        return Result(WARN, NAME, f"{parts.hostname}:{port} answers, but the token would travel unencrypted",
                      "use the https:// address the province gives")
    return Result(PASS, NAME, f"{parts.hostname}:{port} answers (nothing sent)")
