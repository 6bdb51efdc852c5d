"""Migration 0006 on a database that already holds dossiers (SQLite and PostgreSQL): the outbox
table and dossiers.official_code appear, existing dossiers keep their data and get no outbox row,
the schema matches the models, and the downgrade removes both."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from kiosk.office.settings import sqlite_url
from kiosk.office.storage.migrate import downgrade, upgrade
from kiosk.office.storage.models import Base
from office_testing import pg_schema

NOW = dt.datetime(2026, 12, 1, 8, 0)


def _ours(diffs) -> list:
    """Differences that concern what 0006 owns."""
    return [d for d in diffs if "handoff" in repr(d) or "official_code" in repr(d)]


def check_0006(url: str) -> None:
    upgrade(url, "0004")
    engine = create_engine(url)
    try:
        with engine.begin() as c:
            c.execute(text(
                "INSERT INTO dossiers (id, code, day, seq, procedure_code, status, masked_id, received_at, "
                "appointment_date, updated_at, idempotency_key) VALUES (1, 'BT-20261201-0001', :d, 1, '1.001193', "
                "'received', '', :now, :d, :now, 'k1')"), {"d": NOW.date(), "now": NOW})
        upgrade(url, "0006")
        with engine.connect() as c:
            assert "handoffs" in inspect(c).get_table_names()
            assert c.execute(text("SELECT code, official_code FROM dossiers")).all() == [("BT-20261201-0001", None)]
            assert c.execute(text("SELECT count(*) FROM handoffs")).scalar_one() == 0
            assert _ours(compare_metadata(MigrationContext.configure(c), Base.metadata)) == []
        downgrade(url, "0004")
        with engine.connect() as c:
            assert "handoffs" not in inspect(c).get_table_names()
            assert "official_code" not in {col["name"] for col in inspect(c).get_columns("dossiers")}
            assert c.execute(text("SELECT code FROM dossiers")).scalar_one() == "BT-20261201-0001"
    finally:
        engine.dispose()


def test_0006_on_sqlite(tmp_path):
    check_0006(sqlite_url(tmp_path / "m.db"))


@pytest.mark.postgres
def test_0006_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check_0006(url)
