"""Call-next chooses in SQL (ORDER BY ... LIMIT 1): on random lines — priorities, equal and
overdue times, transfers to a counter, other days and statuses, a closed service, any streak
and ratio — the database picks the ticket the Python rule (queue_rules.choose_next) picks.
On SQLite, and on PostgreSQL when KIOSK_TEST_PG_URL is set."""

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import delete, insert, select, update

from kiosk.office.operations import queue_rules as rules
from kiosk.office.operations import tickets as ops
from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.models import Counter, Service, Ticket, counter_services
from office_testing import demo_sqlite, pg_schema

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def office(request, tmp_path_factory):
    if request.param == "sqlite":
        base = tmp_path_factory.mktemp("order")
        o = Office(OfficeSettings(database_url=demo_sqlite(tmp_path_factory.getbasetemp(), base / "o.db"),
                                  demo=True), lambda: NOW)
        o.prepare()
        yield o
        o.db.dispose()
    else:
        url = os.environ.get("KIOSK_TEST_PG_URL")  # the pg_url fixture is per test; this is per module
        if not url:
            pytest.skip("PostgreSQL not available: source scripts/start-test-postgres.sh")
        with pg_schema(url) as u:
            o = Office(OfficeSettings(database_url=u, demo=True), lambda: NOW)
            o.prepare()
            yield o
            o.db.dispose()


ticket = st.fixed_dictionaries({
    "service": st.integers(0, 3),
    "priority": st.sampled_from([None, None, "elderly", "disability"]),
    # minutes before NOW: small values collide (equal queued_at), 30 and 45 sit on and around
    # the default max_wait, a few seconds either side of it test the boundary
    "age_s": st.one_of(st.integers(0, 5).map(lambda m: m * 60), st.sampled_from([1799, 1800, 1801, 2700]),
                       st.integers(0, 3600)),
    "status": st.sampled_from(["waiting"] * 5 + ["called", "done", "no_show"]),
    "target": st.sampled_from([None] * 4 + [0, 1, 2]),  # index into the counters
    "yesterday": st.sampled_from([False] * 5 + [True]),
})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.lists(ticket, max_size=14), counter=st.integers(0, 2),
       streak=st.sampled_from([None, "normal", "priority"]), length=st.integers(0, 4),
       ratio=st.tuples(st.integers(0, 3), st.integers(0, 3)), max_wait=st.sampled_from([10, 30, 60]),
       closed=st.sampled_from([None, None, 0, 1, 2, 3]))
def test_sql_choice_equals_python_choice(office, line, counter, streak, length, ratio, max_wait, closed):
    policy = rules.Policy(ratio[0], ratio[1], dt.timedelta(minutes=max_wait))
    with office.db.write() as s:
        services = s.scalars(select(Service.id).order_by(Service.id)).all()[:4]
        counters = s.scalars(select(Counter.id).order_by(Counter.id)).all()[:3]
        s.execute(delete(Ticket))
        s.execute(update(Service).values(active=True))
        if closed is not None:
            s.execute(update(Service).where(Service.id == services[closed]).values(active=False))
        rows = []
        for i, t in enumerate(line):
            rows.append(dict(
                issued_service_id=services[t["service"]], service_id=services[t["service"]],
                day=TODAY - dt.timedelta(days=1) if t["yesterday"] else TODAY, number=i + 1,
                label=f"X{i + 1:03d}", status=t["status"], priority=t["priority"], kiosk_id="k",
                idempotency_key=f"p{i}", public_token=f"tok{i}", issued_at=NOW,
                queued_at=NOW - dt.timedelta(seconds=t["age_s"]),
                target_counter_id=None if t["target"] is None else counters[t["target"]],
                reprint_count=0, call_count=0, transfer_count=0))
        ids = [s.execute(insert(Ticket.__table__).returning(Ticket.__table__.c.id), r).scalar_one()
               for r in rows] if rows else []
        c = s.get(Counter, counters[counter])
        mine = set(s.scalars(select(counter_services.c.service_id)
                             .where(counter_services.c.counter_id == c.id)).all())
        active = set(s.scalars(select(Service.id).where(Service.active.is_(True))).all())
        callable_ = [rules.Candidate(tid, r["priority"] is not None, r["queued_at"])
                     for tid, r in zip(ids, rows)
                     if r["day"] == TODAY and r["status"] == "waiting"
                     and ((r["target_counter_id"] is None and r["service_id"] in mine & active)
                          or r["target_counter_id"] == c.id)]
        st_ = rules.Streak(streak, length if streak else 0)
        expected = rules.choose_next(callable_, st_, policy, NOW)
        got = ops.next_waiting(s, c, TODAY, rules.next_order(st_, policy, NOW))
        got_id = None if got is None else got.id
        s.rollback()
    assert got_id == (expected.id if expected else None)
