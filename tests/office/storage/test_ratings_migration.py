"""Migration 0007: the ratings and counter_devices tables match the models, on a database that
already holds tickets, and go away on downgrade (SQLite and PostgreSQL)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from kiosk.office.settings import sqlite_url
from kiosk.office.storage.migrate import downgrade, upgrade
from kiosk.office.storage.models import Base
from office_testing import pg_schema

TABLES = {"ratings", "counter_devices"}


def _touching(diffs) -> list:
    """The autogenerate differences that concern the new tables."""
    found = []
    for d in diffs:
        for part in (d if isinstance(d, list) else [d]):
            names = {getattr(p, "name", None) for p in part} | {getattr(getattr(p, "table", None), "name", None)
                                                                 for p in part}
            if names & TABLES:
                found.append(d)
    return found


def check(url: str) -> None:
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            assert TABLES <= set(inspect(c).get_table_names())
            assert _touching(compare_metadata(MigrationContext.configure(c), Base.metadata)) == []
            uniques = {tuple(u["column_names"]) for u in inspect(c).get_unique_constraints("ratings")}
            assert ("ticket_id",) in uniques  # one rating per ticket, enforced by the database too
        downgrade(url, "0004")
        with engine.connect() as c:
            assert not TABLES & set(inspect(c).get_table_names())
    finally:
        engine.dispose()


def test_0007_on_sqlite(tmp_path):
    check(sqlite_url(tmp_path / "m.db"))


@pytest.mark.postgres
def test_0007_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check(url)
