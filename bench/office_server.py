"""The office service as `kiosk serve` runs it, plus one bench-only route: GET /bench/floor, a bare
FastAPI endpoint returning a constant. Having the floor in the same app, the same uvicorn
settings, workers, access log and event-listener threads means the floor and the real endpoints
are measured on the very same server in the same run.

Run: python bench/office_server.py --database URL --port N --workers N
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FLOOR_PATH = "/bench/floor"


def add_floor(app) -> None:
    # A plain `def` like the office's own endpoints, so both pay the same threadpool hop.
    def floor() -> dict:
        return {"ok": True}

    app.add_api_route(FLOOR_PATH, floor, methods=["GET"])
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of any catch-all web route


def nodelay_fix() -> None:
    """Bench-only what-if: give the listening socket proto=IPPROTO_TCP so asyncio sets TCP_NODELAY
    on accepted connections. uvicorn's bind_socket() leaves proto at 0 for --workers N
    (Kludex/uvicorn#3149), and then each keep-alive response waits on the client's delayed ACK."""
    import socket

    from uvicorn.config import Config

    original = Config.bind_socket

    def bind_socket(self):
        sock = original(self)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
        return sock

    Config.bind_socket = bind_socket


def worker_app():
    """uvicorn factory, one call per worker process (like kiosk.office.serve.worker_app)."""
    from kiosk.office.app import create_app
    from kiosk.office.serve import ENV
    from kiosk.office.settings import OfficeSettings

    app = create_app(OfficeSettings.model_validate_json(os.environ[ENV]))
    add_floor(app)
    return app


def main() -> int:
    import uvicorn

    from kiosk.config import Settings
    from kiosk.office.serve import ENV, prepare_database
    from kiosk.office.settings import OfficeSettings

    p = argparse.ArgumentParser()
    p.add_argument("--database", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--nodelay-fix", action="store_true", help="what-if: TCP_NODELAY on --workers N sockets")
    args = p.parse_args()
    if args.nodelay_fix:
        nodelay_fix()
    # the same steps as kiosk.office.serve.serve(): migrate and seed once, then start the workers
    office_settings = OfficeSettings.from_settings(Settings(), database_url=args.database, demo=True)
    prepare_database(office_settings)
    worker_settings = office_settings.model_copy(update={"migrate": False, "demo": False, "kiosk_keys": {}})
    os.environ[ENV] = worker_settings.model_dump_json()
    uvicorn.run("bench.office_server:worker_app", factory=True, workers=args.workers, host="127.0.0.1",
                port=args.port, timeout_graceful_shutdown=2, proxy_headers=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
