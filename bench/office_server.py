"""The office service exactly as `kiosk serve` runs it (kiosk.office.serve.serve: migrate and seed
once, uvicorn with N workers, its socket options), plus one bench-only route: GET /bench/floor,
a bare FastAPI endpoint returning a constant. With the floor in the same app, on the same uvicorn
settings, workers, access log and event-listener threads, the floor and the real endpoints are
measured on the very same server in the same run.

Run: python bench/office_server.py --database URL --port N --workers N
"""

from __future__ import annotations

import argparse
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


def worker_app():
    """uvicorn factory for --workers N: the office's own factory plus the floor route."""
    from kiosk.office.serve import worker_app as office_worker_app

    app = office_worker_app()
    add_floor(app)
    return app


def main() -> int:
    import uvicorn

    from kiosk.config import Settings
    from kiosk.office.serve import serve

    p = argparse.ArgumentParser()
    p.add_argument("--database", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args()

    real_run = uvicorn.run

    def run(app, **kwargs):  # serve() hands uvicorn either the app or the worker factory's name
        if isinstance(app, str):
            app = "bench.office_server:worker_app"
        else:
            add_floor(app)
        return real_run(app, **kwargs)

    uvicorn.run = run
    return serve(Settings(), demo=True, host="127.0.0.1", port=args.port, workers=args.workers,
                 database=args.database)


if __name__ == "__main__":
    sys.exit(main())
