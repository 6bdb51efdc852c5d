"""A read request sees the database at one moment, on SQLite and on PostgreSQL.

A staff view reads a dossier and then, in a second statement, its hand-off. Under PostgreSQL's
default READ COMMITTED each statement took its own snapshot, so a delivery committed between the
two showed "delivered" beside an empty official code (CI of stop 23, the hand-off kill test)."""

from sqlalchemy import text

from kiosk.office.storage.db import Database


def test_a_read_session_does_not_see_a_commit_made_while_it_runs(db_url):
    db = Database(db_url)
    try:
        with db.write() as s:
            s.execute(text("CREATE TABLE snap (id INTEGER PRIMARY KEY, state VARCHAR(20))"))
            s.execute(text("INSERT INTO snap (id, state) VALUES (1, 'pending')"))
        with db.read() as r:
            first = r.scalar(text("SELECT state FROM snap WHERE id = 1"))
            with db.write() as w:  # the delivery worker commits meanwhile
                w.execute(text("UPDATE snap SET state = 'delivered' WHERE id = 1"))
                w.execute(text("INSERT INTO snap (id, state) VALUES (2, 'new')"))
            second = r.scalar(text("SELECT state FROM snap WHERE id = 1"))
            rows = r.scalar(text("SELECT count(*) FROM snap"))
        assert (first, second, rows) == ("pending", "pending", 1)
        with db.read() as r:  # the next request sees the commit
            assert r.scalar(text("SELECT state FROM snap WHERE id = 1")) == "delivered"
    finally:
        db.dispose()
