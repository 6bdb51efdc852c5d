"""Queue operations on a real database (SQLite, and PostgreSQL when KIOSK_TEST_PG_URL is set)."""

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.office.operations import tickets as ops
from kiosk.office.errors import Conflict, Invalid
from kiosk.office.storage.models import AuditEntry, Ticket
from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings
from office_testing import Clock, demo_sqlite, pg_schema

UTC = dt.timezone.utc
MORNING = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 local (UTC+7)


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, tmp_path_factory):
    if request.param == "sqlite":
        yield demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    else:
        with pg_schema(request.getfixturevalue("pg_url")) as url:
            yield url


@pytest.fixture
def clock():
    return Clock(MORNING)


@pytest.fixture
def office(db_url, clock):
    o = Office(OfficeSettings(database_url=db_url, demo=True), clock)
    o.prepare()
    yield o
    o.db.dispose()


# counters in the demo: 1 serves A (ho-tich) and B (chung-thuc), 2 serves C and D, 3 serves all
C1, C2, C3 = 1, 2, 3


def issue(office, service="ho-tich", priority=None, key=None, kiosk="kiosk-1"):
    issue.n += 1
    ticket, _ = office.issue(kiosk, service, priority, key or f"key-{issue.n}")
    return ticket


issue.n = 0


def act(office, fn, *args):
    return office.ticket_op("user:canbo1", fn, *args)


def call_next(office, counter):
    t = act(office, ops.call_next, counter)
    return None if t is None else t["number"]


def serve(office, counter):
    """Call the next ticket at a counter and finish it; returns its number."""
    t = act(office, ops.call_next, counter)
    if t is not None:
        act(office, ops.finish, t["id"])
    return None if t is None else t["number"]


def test_numbers_run_per_service(office):
    assert [issue(office)["number"] for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(office, "dat-dai")["number"] == "C001"
    assert issue(office, "ho-tich")["number"] == "A004"


def test_the_thousandth_ticket_and_what_is_stored_with_it(office, clock):
    """PostgreSQL writes a ticket, its audit entry and its event in one statement, SQLite in four:
    the rows must be the same, and the number keeps all its digits past 999."""
    from sqlalchemy import update

    from kiosk.office.storage.models import DailyCounter, Event

    issue(office)
    with office.db.write() as s:
        s.execute(update(DailyCounter).values(last_number=998))
    nines, thousand = issue(office, priority="elderly", key="k-999"), issue(office, key="k-1000")
    assert (nines["number"], thousand["number"]) == ("A999", "A1000")
    with office.db.read() as s:
        t = s.get(Ticket, thousand["id"])
        audit = s.scalars(select(AuditEntry).where(AuditEntry.ticket_id == nines["id"])).one()
        events = [e.data for e in s.scalars(select(Event).order_by(Event.id)).all()][-2:]
    assert (t.label, t.number, t.status, t.queued_at, t.issued_at) == ("A1000", 1000, "waiting", clock.now,
                                                                        clock.now)
    assert (t.kiosk_id, t.idempotency_key, t.call_count, len(t.public_token)) == ("kiosk-1", "k-1000", 0, 22)
    assert (audit.action, audit.entity, audit.entity_id, audit.actor, audit.at) == (
        "issue", "ticket", str(nines["id"]), "kiosk:kiosk-1", clock.now)
    assert audit.details == {"number": "A999", "service": "ho-tich", "priority": "elderly", "kiosk_id": "kiosk-1"}
    assert events == [{"action": "issue", "ticket_id": i, "number": n, "service": "ho-tich", "status": "waiting"}
                      for i, n in ((nines["id"], "A999"), (thousand["id"], "A1000"))]


def test_same_key_returns_the_same_ticket(office):
    first, created = office.issue("kiosk-1", "ho-tich", None, "tap-1")
    again, created_again = office.issue("kiosk-1", "ho-tich", None, "tap-1")
    assert (created, created_again) == (True, False)
    assert again["id"] == first["id"] and again["number"] == "A001"
    other, _ = office.issue("kiosk-1", "ho-tich", None, "tap-2")
    assert other["number"] == "A002"


def test_unknown_service_and_priority_name_the_field(office):
    with pytest.raises(Invalid) as e:
        issue(office, "no-such-service")
    assert e.value.field == "service"
    with pytest.raises(Invalid) as e:
        issue(office, priority="vip")
    assert e.value.field == "priority"


def test_call_next_interleaves_priority_two_to_one(office, clock):
    for p in [None, None, None, None, "elderly", "pregnant"]:
        issue(office, priority=p)
        clock.advance(minutes=1)
    # first call of the day takes a priority ticket, then two normal, then priority
    assert [serve(office, C1) for _ in range(6)] == ["A005", "A001", "A002", "A006", "A003", "A004"]
    assert call_next(office, C1) is None


def test_ratio_comes_from_admin_settings(office, clock):
    from kiosk.office.operations import configuration as admin
    office.run("user:admin", admin.update_settings, {"priority_ratio_normal": 1})
    for p in [None, None, None, "elderly", "elderly"]:
        issue(office, priority=p)
        clock.advance(minutes=1)
    assert [serve(office, C1) for _ in range(5)] == ["A004", "A001", "A005", "A002", "A003"]


def test_long_wait_goes_first(office, clock):
    issue(office)  # A001 at 08:00
    clock.advance(minutes=10)
    issue(office, priority="disability")  # A002
    issue(office)  # A003
    assert serve(office, C1) == "A002"  # priority first on a fresh counter
    clock.advance(minutes=25)  # A001 has now waited 35 minutes
    assert serve(office, C1) == "A001"


def test_counter_only_calls_its_services(office):
    issue(office, "dat-dai")  # C001: counters 2 and 3
    assert call_next(office, C1) is None
    assert call_next(office, C2) == "C001"


def test_one_ticket_at_a_time_per_counter(office):
    issue(office)
    issue(office)
    call_next(office, C1)
    with pytest.raises(Conflict) as e:
        call_next(office, C1)
    assert e.value.code == "counter_busy"


def test_full_flow_with_times(office, clock):
    t = issue(office)
    clock.advance(minutes=3)
    act(office, ops.call_next, C3)
    clock.advance(minutes=1)
    act(office, ops.start, t["id"])
    clock.advance(minutes=7)
    done = act(office, ops.finish, t["id"])
    assert done["status"] == "done" and done["counter"] == 3
    issued, called, started, finished = (dt.datetime.fromisoformat(done[k]) for k in
                                         ("issued_at", "called_at", "started_at", "finished_at"))
    assert (called - issued, started - called, finished - started) == (
        dt.timedelta(minutes=3), dt.timedelta(minutes=1), dt.timedelta(minutes=7))


def test_wrong_step_is_refused_with_the_status(office):
    t = issue(office)
    with pytest.raises(Conflict) as e:
        act(office, ops.start, t["id"])
    assert e.value.code == "bad_status" and e.value.extra["status"] == "waiting"


def test_no_show_then_requeue_returns_to_the_same_place(office, clock):
    a1 = issue(office)
    clock.advance(minutes=1)
    issue(office)  # A002
    act(office, ops.call_next, C1)  # A001
    act(office, ops.no_show, a1["id"])
    assert act(office, ops.requeue, a1["id"])["status"] == "waiting"
    assert office.ticket_op("x", lambda s, ctx: ops.ticket_by_id(s, a1["id"]))["ahead"] == 0
    assert call_next(office, C1) == "A001"


def test_transfer_to_another_service_keeps_the_number(office, clock):
    t = issue(office)  # A001
    act(office, ops.call_next, C1)
    moved = act(office, ops.transfer, t["id"], "dat-dai", None)
    assert (moved["number"], moved["service"], moved["status"]) == ("A001", "dat-dai", "waiting")
    assert moved["transfer_count"] == 1
    assert call_next(office, C2) == "A001"  # counter 2 serves Đất đai
    assert issue(office)["number"] == "A002"  # numbering of Hộ tịch unaffected
    assert issue(office, "dat-dai")["number"] == "C001"


def test_transfer_to_a_counter_only_that_counter_calls_it(office):
    t = issue(office)
    act(office, ops.call_next, C1)
    act(office, ops.transfer, t["id"], None, C3)
    assert call_next(office, C1) is None
    assert call_next(office, C3) == "A001"


def test_transfer_needs_a_target(office):
    t = issue(office)
    with pytest.raises(Invalid) as e:
        act(office, ops.transfer, t["id"], None, None)
    assert e.value.field == "service"


def test_paused_counter_calls_nobody_until_resumed(office):
    issue(office)
    office.run("user:canbo1", ops.pause, C1, "Nghỉ trưa")
    with pytest.raises(Conflict) as e:
        call_next(office, C1)
    assert e.value.code == "counter_paused"
    office.run("user:canbo1", ops.resume, C1)
    assert call_next(office, C1) == "A001"


def test_daily_reset_at_local_midnight_keeps_history(office, clock):
    clock.now = dt.datetime(2026, 3, 2, 16, 58, tzinfo=UTC)  # 23:58 local
    waiting = issue(office)  # A001
    serving = issue(office)  # A002
    act(office, ops.call_ticket, serving["id"], C1)
    act(office, ops.start, serving["id"])
    clock.now = dt.datetime(2026, 3, 2, 17, 1, tzinfo=UTC)  # 00:01 next local day
    fresh = issue(office)
    assert (fresh["number"], fresh["day"]) == ("A001", "2026-03-03")
    assert office.close_previous_days() == 2
    with office.db.read() as s:
        old = {t.label: t for t in s.scalars(select(Ticket).where(Ticket.day == dt.date(2026, 3, 2)))}
    assert (old["A001"].status, old["A002"].status) == ("no_show", "done")
    assert {t.closed_reason for t in old.values()} == {"day_closed"}
    assert call_next(office, C3) == "A001" and office.close_previous_days() == 0
    assert waiting["id"] != fresh["id"]


def test_estimate_learns_from_finished_tickets(office, clock):
    for _ in range(3):
        issue(office, "khac")
    # before any data: 5 min per person, one counter (3) serves Khác; 3 ahead
    assert issue(office, "khac")["estimated_wait_minutes"] == 15
    for minutes in (2, 2, 2):
        t = act(office, ops.call_next, C3)
        act(office, ops.start, t["id"])
        clock.advance(minutes=minutes)
        act(office, ops.finish, t["id"])
    t = issue(office, "khac")
    assert (t["ahead"], t["estimated_wait_minutes"]) == (1, 2)


def test_every_change_is_audited(office):
    t = issue(office)
    act(office, ops.call_next, C1)
    act(office, ops.recall, t["id"])
    act(office, ops.finish, t["id"])
    with office.db.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.ticket_id == t["id"]).order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor) for r in rows] == [("issue", "kiosk:kiosk-1"), ("call_next", "user:canbo1"),
                                                   ("recall", "user:canbo1"), ("finish", "user:canbo1")]


def test_print_failure_and_reprint(office):
    t = issue(office)
    failed = office.ticket_op("kiosk:kiosk-1", ops.print_result, t["id"], False, "paper out")
    assert (failed["printed"], failed["print_error"]) == (False, "paper out")
    again = act(office, ops.reprint, t["id"])
    assert (again["printed"], again["reprint_count"]) == (None, 1)
    ok = office.ticket_op("kiosk:kiosk-1", ops.print_result, t["id"], True, None)
    assert (ok["printed"], ok["print_error"]) == (True, None)
