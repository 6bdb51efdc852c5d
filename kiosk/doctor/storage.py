"""The database check: the office's SQLite file or database server, when this kiosk embeds the office."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.config import Settings
from kiosk.doctor.base import FAIL, PASS, SKIP, Context, Result, brief, size_text


def database_url(settings: Settings) -> str:
    from kiosk.office.settings import sqlite_url

    return settings.office.database or sqlite_url(settings.kiosk.state_path() / "office.db")


def check_database(ctx: Context) -> Result:
    if not ctx.embedded:
        return Result(SKIP, "database", f"kept by the office service at {ctx.settings.office.url}")
    from sqlalchemy.engine import make_url

    url = database_url(ctx.settings)
    try:
        u = make_url(url)
    except Exception as exc:
        return Result(FAIL, "database", f"[office] database is not a database URL ({brief(exc)})",
                      "write e.g. postgresql+psycopg://kiosk:PASSWORD@127.0.0.1/kiosk, or leave it empty "
                      "for SQLite in the state folder")
    shown = u.render_as_string(hide_password=True)
    if u.get_backend_name() == "sqlite":
        return _check_sqlite(Path(u.database or ""), shown)
    return _check_server_db(url, shown)


def _check_sqlite(path: Path, shown: str) -> Result:
    fix = f"the kiosk user must own the folder and the file: sudo chown -R kiosk:kiosk {path.parent}"
    if not path.parent.is_dir():
        return Result(FAIL, "database", f"{shown}: folder {path.parent} does not exist", fix)
    existed = path.exists()
    try:
        con = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")  # takes the write lock: needs the file and its folder writable
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc):
            fix = "another program holds the database locked for more than 5 s: restart the kiosk (sudo systemctl restart kiosk)"
        return Result(FAIL, "database", f"{shown} not writable ({brief(exc)})", fix)
    size = size_text(path.stat().st_size) if existed else "new, created now"
    return Result(PASS, "database", f"{shown} ({size}) writable")


def _check_server_db(url: str, shown: str) -> Result:
    from sqlalchemy import create_engine

    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=False)
    try:
        with engine.connect() as con:
            trans = con.begin()
            try:  # a temporary table, rolled back: nothing of the office's data is touched
                read_only = con.exec_driver_sql("SHOW transaction_read_only").scalar() if \
                    url.startswith("postgresql") else "off"
                if read_only != "on":
                    con.exec_driver_sql("CREATE TEMPORARY TABLE doctor_probe (x integer)")
                    con.exec_driver_sql("INSERT INTO doctor_probe VALUES (1)")
            finally:
                trans.rollback()
    except Exception as exc:
        return Result(FAIL, "database", f"{shown}: cannot connect or write ({brief(exc, 200)})",
                      "check that the database server runs and the user and password in [office] database "
                      "are right (psql with the same URL)")
    finally:
        engine.dispose()
    if read_only == "on":
        return Result(FAIL, "database", f"{shown} is read-only (a standby server?)",
                      "point [office] database at the primary server")
    return Result(PASS, "database", f"{shown} reachable and writable")
