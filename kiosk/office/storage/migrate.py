"""Apply the schema migrations (`alembic upgrade head`) from inside the program.

The scripts live in the package (kiosk/office/storage/migrations), so an installed wheel finds them.

All pending migrations run in ONE transaction, so a power cut mid-way leaves the schema as it was
before (issue 19: on SQLite a kill -9 during the first start used to leave half a schema and every
later start failed with "table ... already exists").
- PostgreSQL has transactional DDL; an advisory lock keeps two starting processes from migrating at once.
- SQLite has transactional DDL too, but Python's sqlite3 (legacy isolation mode) only opens a
  transaction before INSERT/UPDATE/DELETE, so CREATE/ALTER/DROP ran in autocommit. As in
  SQLAlchemy's "pysqlite serializable isolation / savepoints / transactional DDL" recipe the driver's
  own transaction handling is switched off and we emit BEGIN IMMEDIATE ourselves: the write lock is
  taken up front (a second starting process waits, then finds the schema current), and
  batch_alter_table's table copy (create, copy, drop, rename) happens inside the same transaction.
Proved by tests/office/storage/test_office_migration_kills.py (kill -9 at random moments).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 7_450_001
_SQLITE_BUSY_SECONDS = 60  # another process may hold the write lock while it migrates


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migration_engine(url: str) -> Engine:
    """An engine whose transactions really wrap DDL (see the module docstring)."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # sqlite3 stops committing around DDL behind our back

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate to `revision` (the office: head; tests: an earlier one) in one transaction."""
    _migrate(url, command.upgrade, revision)


def downgrade(url: str, revision: str) -> None:
    """Migrate down to `revision` in one transaction (a rollback; the migration tests)."""
    _migrate(url, command.downgrade, revision)


def _migrate(url: str, step, revision: str) -> None:
    engine = migration_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            step(cfg, revision)
    finally:
        engine.dispose()
