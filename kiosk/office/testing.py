"""Helpers for tests of the office service (and of code that talks to it): a private PostgreSQL
schema per test, a settable clock."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def pg_schema(base_url: str) -> Iterator[str]:
    """Yield a URL whose connections use a fresh schema (search_path); drop it afterwards."""
    schema = "t_" + secrets.token_hex(6)
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def demo_sqlite(template_dir: Path, dest: Path) -> str:
    """URL of a migrated demo SQLite database at dest, copied from a template built once in template_dir."""
    from kiosk.office.runtime import Office
    from kiosk.office.settings import OfficeSettings, sqlite_url

    template = template_dir / "office-template.db"
    if not template.exists():
        office = Office(OfficeSettings(database_url=sqlite_url(template), demo=True))
        office.prepare()
        office.db.dispose()
        with closing(sqlite3.connect(template)) as c:  # fold the WAL into the file before copying
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(template, dest)
    return sqlite_url(dest)


class Clock:
    """A clock tests move by hand: `clock.now = ...` or `clock.advance(minutes=5)`."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


__all__ = ["pg_schema", "Clock"]
