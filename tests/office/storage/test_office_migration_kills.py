"""Power cut during a schema migration (issue 19, item 1): kill -9 at random moments during the
first start (empty database) and during an upgrade from each earlier revision, then start again.

Every restart must succeed without human help, SQLite's `PRAGMA integrity_check` must say ok, the
schema must match the models (alembic autogenerate finds no difference) and rows written before the
upgrade must still be there. Generic over the revisions that exist (new ones join automatically).

The migrating process is forked from a forkserver with the imports already done, so the random
kill lands inside the migration itself, not in Python's start-up; the window is measured first with two
uninterrupted runs. Rounds per starting point: 20 on SQLite, 10 on PostgreSQL (a fresh schema costs
~0.7 s there); KIOSK_MIGRATION_KILL_ROUNDS=20 gives the issue's full count on both. Before the fix
(migrate.py) the first SQLite round already failed with "table audit_log already exists". Measured
(2 shared cores at load average 5-7, revisions 0001-0004): SQLite 4 x 20 rounds in 10-25 s, 62-74
of 80 runs cut short (windows 0.05-0.18 s); PostgreSQL 4 x 10 rounds in ~40 s, 29-31 of 40 cut
short; the `kiosk serve` rounds ~9 s; the whole file 73 s.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import time
from contextlib import closing, nullcontext
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from kiosk.office.settings import sqlite_url
from kiosk.office.storage.migrate import alembic_config, upgrade
from kiosk.office.storage.models import Base
from office_testing import pg_schema

pytestmark = pytest.mark.slow

ROUNDS = int(os.environ.get("KIOSK_MIGRATION_KILL_ROUNDS", "20"))
PG_ROUNDS = int(os.environ.get("KIOSK_MIGRATION_KILL_ROUNDS", "10"))
REVISIONS = [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]
HEAD = REVISIONS[-1]
STARTS = [None] + REVISIONS[:-1]  # None: the very first start on an empty database
# children fork from a single-threaded server that has the imports done (plain fork from pytest,
# with other tests' threads about, could copy a held lock into the child)
_FORK = multiprocessing.get_context("forkserver")
_FORK.set_forkserver_preload(["kiosk.office.storage.migrate", "kiosk.office.storage.models", "alembic.command",
                              "alembic.operations", "alembic.runtime.migration", "alembic.ddl.sqlite",
                              "alembic.ddl.postgresql", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
                              "psycopg"])


def _start_id(start):
    return f"from-{start}" if start else "first-start"


def _seed(url: str) -> None:
    """A user row written before the upgrade, which the upgrade must keep (batch copies tables)."""
    engine = create_engine(url)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO users (id, username, full_name, role, password_hash, active, created_at) "
                           "VALUES (1, 'canbo1', 'Nguyễn Thị Lan', 'staff', 'x', :t, '2026-12-01 08:00:00')"),
                      {"t": True})
    finally:
        engine.dispose()


def _run_killed(url: str, delay: float) -> bool:
    """Fork a process that migrates to head; SIGKILL it after `delay` s. True if it was cut short."""
    p = _FORK.Process(target=upgrade, args=(url,), daemon=True)
    p.start()
    p.join(delay)
    if p.exitcode is None:
        p.kill()  # SIGKILL; a process that finished in the meantime is left alone (no ProcessLookupError)
        p.join()
    assert p.exitcode in (0, -signal.SIGKILL), f"the migrating process failed by itself: exit code {p.exitcode}"
    return p.exitcode == -signal.SIGKILL


def _check_healthy(url: str, *, seeded: bool) -> None:
    upgrade(url)  # the restart: must succeed without human help
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            if c.dialect.name == "sqlite":
                assert c.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
            assert compare_metadata(MigrationContext.configure(c), Base.metadata) == []
            users = c.execute(text("SELECT username FROM users")).scalars().all()
            assert users == (["canbo1"] if seeded else [])
    finally:
        engine.dispose()


def _kill_rounds(fresh_db, start, rounds: int) -> None:
    """fresh_db() -> context manager yielding a URL of a database at `start` (seeded if it has tables)."""
    window = 120.0
    for _ in range(2):  # uninterrupted runs measure the window to aim at (the shortest: no warm-up)
        with fresh_db() as url:
            t0 = time.monotonic()
            assert not _run_killed(url, 120)
            window = min(window, time.monotonic() - t0)
            _check_healthy(url, seeded=start is not None)
    rng = random.Random(f"{start}-{rounds}")
    interrupted = done = 0
    # a loaded machine inflates the measured window and kills then come after the migration ended:
    # a run that ended before its kill narrows the window, and up to `rounds` more runs are made
    # (bounded) until a third of them were cut short
    while done < rounds or (interrupted < rounds // 3 and done < 2 * rounds):
        with fresh_db() as url:
            t0 = time.monotonic()
            killed = _run_killed(url, rng.uniform(0.0, window))
            if not killed:
                window = min(window, time.monotonic() - t0)
            interrupted += killed
            done += 1
            _check_healthy(url, seeded=start is not None)
    print(f"{start or 'empty'}: {interrupted}/{done} interrupted, window {window:.2f} s")
    # the kills must really land inside migrations, or the test proves nothing
    assert interrupted >= rounds // 3, f"only {interrupted}/{done} runs were interrupted (window {window:.2f} s)"


def _at(url: str, start) -> str:
    if start is not None:
        upgrade(url, start)
        _seed(url)
    return url


@pytest.mark.parametrize("start", STARTS, ids=_start_id)
def test_kill_during_migration_sqlite(tmp_path, start):
    template = tmp_path / "template.db"
    if start is not None:
        _at(sqlite_url(template), start)
        with closing(sqlite3.connect(template)) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    n = iter(range(10_000))

    def fresh_db():
        db = tmp_path / f"office-{next(n)}.db"
        if start is not None:
            shutil.copyfile(template, db)
        return nullcontext(sqlite_url(db))

    _kill_rounds(fresh_db, start, ROUNDS)


@pytest.mark.postgres
@pytest.mark.parametrize("start", STARTS, ids=_start_id)
def test_kill_during_migration_postgresql(pg_url, start):
    from contextlib import contextmanager

    @contextmanager
    def fresh_db():
        with pg_schema(pg_url) as url:
            yield _at(url, start)

    _kill_rounds(fresh_db, start, PG_ROUNDS)


def test_kill_during_first_kiosk_serve(tmp_path):
    """The real thing, 2 rounds (~6 s each): `kiosk serve` killed while it starts on an empty SQLite database,
    then started again: it comes up and answers /api/health."""
    import subprocess
    import sys

    import requests

    from office_testing import free_port, running_server

    url = sqlite_url(tmp_path / "office.db")
    rng = random.Random(19)
    for _ in range(2):
        Path(tmp_path / "office.db").unlink(missing_ok=True)
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "serve", "--port", str(free_port()),
                                 "--database", url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 2.5))  # python start-up, imports, then migrations
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with running_server(url, workers=1, demo=False) as base:
            assert requests.get(f"{base}/api/health", timeout=5).status_code == 200
    _check_healthy(url, seeded=False)
