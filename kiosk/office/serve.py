"""`kiosk serve`: the office service under uvicorn, with one or several worker processes."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import ArgumentError, OperationalError

from kiosk.office.settings import OfficeSettings

log = logging.getLogger(__name__)
ENV = "KIOSK_OFFICE_SETTINGS"  # JSON settings handed to worker processes


def worker_app():
    """uvicorn factory for `--workers N`: each worker builds its own app (and event listener)."""
    from kiosk.office.app import create_app

    return create_app(OfficeSettings.model_validate_json(os.environ[ENV]))


def prepare_database(settings: OfficeSettings) -> None:
    """Migrate and seed once, in the parent, before any worker starts."""
    from kiosk.office.service import Office

    office = Office(settings)
    try:
        office.prepare()
    finally:
        office.db.dispose()


def has_users(settings: OfficeSettings) -> bool:
    from sqlalchemy import select

    from kiosk.office.storage.db import Database
    from kiosk.office.storage.models import User

    db = Database(settings.database_url)
    try:
        with db.read() as s:
            return s.scalar(select(User.id).limit(1)) is not None
    finally:
        db.dispose()


def _tcp_nodelay_for_workers() -> None:
    """uvicorn binds the socket for `--workers N` with proto 0, so asyncio never sets TCP_NODELAY
    on accepted connections and keep-alive answers wait for the client's delayed ACK (~40 ms;
    a limitation of uvicorn found by bench/bench_office.py). Rebuild it with proto=IPPROTO_TCP."""
    import socket

    from uvicorn.config import Config

    if getattr(Config.bind_socket, "_nodelay", False):
        return
    original = Config.bind_socket

    def bind_socket(self):
        sock = original(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        return sock

    bind_socket._nodelay = True
    Config.bind_socket = bind_socket


def raise_file_limit() -> int:
    """Lift this process's soft limit on open files to its hard limit and return it: every open
    connection is a file, and the usual soft limit of 1,024 let idle connections stop the office
    (issue 19). kiosk.service sets LimitNOFILE; this covers `kiosk serve` started any other way."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def uvicorn_options(settings: OfficeSettings) -> dict:
    """uvicorn settings of `kiosk serve`; h11 refuses a request line + headers longer than
    max_header_bytes (and closes the connection)."""
    return dict(timeout_graceful_shutdown=2, proxy_headers=False, http="h11",
                h11_max_incomplete_event_size=settings.max_header_bytes)


def tls_options(settings) -> tuple[dict, str | None]:
    """uvicorn's ssl_certfile/ssl_keyfile from [office] tls_cert/tls_key, loaded once here so that a
    wrong path or a key that does not match stops the start with one line naming the setting:
    (options, None), or ({}, that line)."""
    import ssl

    cert, key = (getattr(settings.office, n, "") for n in ("tls_cert", "tls_key"))
    if not cert:
        return {}, None
    for name, path in (("tls_cert", cert), ("tls_key", key)):
        p = Path(path).expanduser()
        if not p.is_file() or not os.access(p, os.R_OK):
            return {}, f"serve: [office] {name} = {path!r}: file not found or not readable"
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(Path(cert).expanduser(),
                                                                             Path(key).expanduser())
    except ssl.SSLError as exc:
        return {}, f"serve: [office] tls_cert/tls_key: not a PEM certificate and its matching key ({exc.reason or exc})"
    return {"ssl_certfile": str(Path(cert).expanduser()), "ssl_keyfile": str(Path(key).expanduser())}, None


def serve(settings, *, demo: bool = False, host: str = "127.0.0.1", port: int = 8080, workers: int = 1,
          database: str | None = None) -> int:
    import uvicorn

    if workers < 1:
        print("serve: --workers must be at least 1", file=sys.stderr)
        return 2
    tls, problem = tls_options(settings)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        office_settings = OfficeSettings.from_settings(settings, database_url=database or None, demo=demo)
        prepare_database(office_settings)
    except (ArgumentError, ValidationError) as exc:
        print(f"serve: bad database URL {database or settings.office.database!r}: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"serve: cannot open the database: {exc.orig}", file=sys.stderr)
        return 2
    if demo:
        from kiosk.office.operations.seed import demo_credentials_text

        print(demo_credentials_text(f"{'https' if tls else 'http'}://{host}:{port}"), flush=True)
        if not office_settings.public_url:  # issue 15: the board shows a QR only with it
            from kiosk.config import PUBLIC_URL_HINT

            print(f"No QR codes for phones: {PUBLIC_URL_HINT}", flush=True)
    elif not has_users(office_settings):
        print("No staff users yet: create one with `kiosk office add-user USERNAME --role admin`.", flush=True)
    raise_file_limit()  # workers inherit it
    # workers neither migrate nor seed again
    worker_settings = office_settings.model_copy(update={"migrate": False, "demo": False, "kiosk_keys": {}})
    common = dict(host=host, port=port, **uvicorn_options(office_settings), **tls)
    try:
        if workers == 1:
            from kiosk.office.app import create_app

            uvicorn.run(create_app(worker_settings), **common)
        else:
            os.environ[ENV] = worker_settings.model_dump_json()
            _tcp_nodelay_for_workers()
            uvicorn.run("kiosk.office.serve:worker_app", factory=True, workers=workers, **common)
    except SystemExit as exc:  # uvicorn exits 1 when it cannot bind the port
        return int(exc.code or 0)
    return 0
