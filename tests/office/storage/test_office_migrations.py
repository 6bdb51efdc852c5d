"""Migration 0004: one web_sessions table replaces auth_sessions and volunteer_web_sessions, on a
database that already holds users, volunteers and their sessions; migration 0005: dossiers are first
`declared`, existing ones keep their status and get declared_at (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from kiosk.office.settings import sqlite_url
from kiosk.office.storage.migrate import alembic_config, downgrade, upgrade
from kiosk.office.storage.models import Base
from office_testing import pg_schema

NOW = dt.datetime(2026, 12, 1, 8, 0)
SESSION_TABLES = {"web_sessions", "auth_sessions", "volunteer_web_sessions"}


def _head() -> str:
    from alembic.script import ScriptDirectory
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _session_diffs(diffs) -> list:
    """The autogenerate differences that concern the session tables."""
    found = []
    for d in diffs:
        for part in (d if isinstance(d, list) else [d]):
            names = {getattr(p, "name", None) for p in part} | {getattr(getattr(p, "table", None), "name", None)
                                                                 for p in part}
            names |= {p for p in part if isinstance(p, str)}
            if names & SESSION_TABLES:
                found.append(d)
    return found


def check_upgrade_drops_old_sessions(url: str) -> None:
    upgrade(url, "0003")
    engine = create_engine(url)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO users (id, username, full_name, role, password_hash, active, created_at) "
                           "VALUES (1, 'canbo1', 'An', 'staff', 'x', :t, :now)"), {"t": True, "now": NOW})
            c.execute(text("INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at) "
                           "VALUES ('a' , 1, :now, :now)"), {"now": NOW})
            c.execute(text("INSERT INTO volunteers (id, code, name, pin_hash, active, created_at) "
                           "VALUES (1, 'DEM0TNV00001', 'Lan', 'x', :t, :now)"), {"t": True, "now": NOW})
            c.execute(text("INSERT INTO volunteer_web_sessions (token_hash, volunteer_id, created_at, expires_at) "
                           "VALUES ('b', 1, :now, :now)"), {"now": NOW})
        upgrade(url)  # to head, as the office does at start
        with engine.connect() as c:
            tables = set(inspect(c).get_table_names())
            diffs = compare_metadata(MigrationContext.configure(c), Base.metadata)
            assert c.execute(text("SELECT count(*) FROM web_sessions")).scalar_one() == 0  # everyone logs in again
            assert c.execute(text("SELECT count(*) FROM users")).scalar_one() == 1  # the people stay
            assert c.execute(text("SELECT count(*) FROM volunteers")).scalar_one() == 1
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
    finally:
        engine.dispose()
    assert "web_sessions" in tables
    assert not tables & {"auth_sessions", "volunteer_web_sessions"}
    assert _session_diffs(diffs) == []


def test_0004_on_sqlite(tmp_path):
    check_upgrade_drops_old_sessions(sqlite_url(tmp_path / "m.db"))


@pytest.mark.postgres
def test_0004_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check_upgrade_drops_old_sessions(url)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def test_0004_downgrades_to_the_two_old_tables(backend, tmp_path, request):
    def check(url):
        upgrade(url)
        engine = create_engine(url)
        try:
            downgrade(url, "0003")
            with engine.connect() as c:
                tables = set(inspect(c).get_table_names())
        finally:
            engine.dispose()
        assert {"auth_sessions", "volunteer_web_sessions"} <= tables and "web_sessions" not in tables

    if backend == "sqlite":
        check(sqlite_url(tmp_path / "d.db"))
    else:
        with pg_schema(request.getfixturevalue("pg_url")) as url:
            check(url)


# ---- 0005: dossier reception --------------------------------------------------------------------

DOSSIER_ROW = ("INSERT INTO dossiers (id, code, day, seq, procedure_code, status, masked_id, received_at, "
               "appointment_date, updated_at, idempotency_key) VALUES (:id, :code, :day, 1, '1.001193', :status, "
               "'', :t, :appt, :t, :key)")


def _dossier_diffs(diffs) -> list:
    found = []
    for d in diffs:
        for part in (d if isinstance(d, list) else [d]):
            if "dossiers" in {getattr(p, "name", None) for p in part} | {p for p in part if isinstance(p, str)} \
                    | {getattr(getattr(p, "table", None), "name", None) for p in part}:
                found.append(d)
    return found


def check_0005(url: str) -> None:
    upgrade(url, "0004")
    engine = create_engine(url)
    try:
        with engine.begin() as c:
            for i, status in ((1, "received"), (2, "ready")):
                c.execute(text(DOSSIER_ROW), {"id": i, "code": f"BT-20261201-000{i}", "day": NOW.date(),
                                              "status": status, "t": NOW + dt.timedelta(minutes=i),
                                              "appt": dt.date(2026, 12, 3), "key": f"k{i}"})
        upgrade(url, "0005")
        with engine.begin() as c:
            rows = c.execute(text("SELECT status, declared_at, received_at, sets FROM dossiers ORDER BY id")).all()
            assert [(r[0], r[1] == r[2], r[3]) for r in rows] == [("received", True, None), ("ready", True, None)]
            # a declared dossier: no reception time, no appointment yet
            c.execute(text("INSERT INTO dossiers (id, code, day, seq, procedure_code, status, masked_id, "
                           "declared_at, updated_at, idempotency_key) VALUES (3, 'BT-20261201-0003', :day, 3, "
                           "'1.001193', 'declared', '', :t, :t, 'k3')"), {"day": NOW.date(), "t": NOW})
        upgrade(url, "head")  # with the later migrations, the schema is the models'
        with engine.begin() as c:
            diffs = compare_metadata(MigrationContext.configure(c), Base.metadata)
        assert _dossier_diffs(diffs) == []
        downgrade(url, "0004")
        with engine.connect() as c:
            cols = {col["name"] for col in inspect(c).get_columns("dossiers")}
            back = c.execute(text("SELECT status, received_at IS NOT NULL FROM dossiers ORDER BY id")).all()
        assert "declared_at" not in cols and "sets" not in cols
        assert [tuple(r) for r in back] == [("received", True), ("ready", True), ("received", True)]
    finally:
        engine.dispose()


def test_0005_on_sqlite(tmp_path):
    check_0005(sqlite_url(tmp_path / "r.db"))


@pytest.mark.postgres
def test_0005_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check_0005(url)


# ---- 0008: dossier privacy (public token, citizen note) ------------------------------------------

def check_0008(url: str) -> None:
    upgrade(url, "0007")
    engine = create_engine(url)
    try:
        with engine.begin() as c:
            for i in (1, 2, 3):
                c.execute(text("INSERT INTO dossiers (id, code, day, seq, procedure_code, status, note, masked_id, "
                               "declared_at, updated_at, idempotency_key) VALUES (:id, :code, :day, :id, '1.001193', "
                               "'more_documents', 'staff only', '', :t, :t, :key)"),
                          {"id": i, "code": f"BT-20261201-000{i}", "day": NOW.date(), "t": NOW, "key": f"k{i}"})
        upgrade(url, "0008")
        with engine.begin() as c:
            rows = c.execute(text("SELECT public_token, citizen_note, note FROM dossiers ORDER BY id")).all()
            tokens = [r[0] for r in rows]
            assert len(set(tokens)) == 3 and all(len(t) >= 22 and "-2026" not in t for t in tokens)
            assert [(r[1], r[2]) for r in rows] == [(None, "staff only")] * 3  # the staff note stays staff's
            with pytest.raises(Exception):  # unique: a token names one dossier
                with c.begin_nested():
                    c.execute(text("UPDATE dossiers SET public_token = :t WHERE id = 2"), {"t": tokens[0]})
        upgrade(url, "head")
        with engine.begin() as c:
            assert _dossier_diffs(compare_metadata(MigrationContext.configure(c), Base.metadata)) == []
        downgrade(url, "0007")
        with engine.connect() as c:
            cols = {col["name"] for col in inspect(c).get_columns("dossiers")}
            assert c.execute(text("SELECT count(*) FROM dossiers")).scalar_one() == 3
        assert not cols & {"public_token", "citizen_note"}
    finally:
        engine.dispose()


def test_0008_on_sqlite(tmp_path):
    check_0008(sqlite_url(tmp_path / "p.db"))


@pytest.mark.postgres
def test_0008_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check_0008(url)
