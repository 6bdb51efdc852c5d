"""A year of a busy ward, then the report: GET /api/reports/summary over a year, a month and a day.

Generates 60,000 tickets over the working days of a year (realistic statuses, waits and service
times, transfers, no-shows, tickets left at the day's close), 40,000 ratings (scores, reasons,
counter or phone) and 5,000 dossiers (statuses with their history, results on time or late,
handed to the province, filed at a kiosk or with a volunteer), bulk-inserted into a migrated demo database, then times the summary through
the HTTP API (FastAPI TestClient: routing, the SQL, JSON) — the median of several runs after one
warm-up. SQLite always; PostgreSQL too with --pg URL or $KIOSK_TEST_PG_URL (a private schema, dropped
afterwards). Goal: under a second for the year (issue 17).

Run: .venv/bin/python bench/bench_reports.py [--pg URL] [--tickets 60000 --ratings 40000 --dossiers 5000]
     [--json PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from sqlalchemy import insert, select  # noqa: E402

from kiosk.office.operations.ratings import REASONS  # noqa: E402
from kiosk.office.service import Office  # noqa: E402
from kiosk.office.settings import OfficeSettings, sqlite_url  # noqa: E402
from kiosk.office.storage.models import (  # noqa: E402
    AuditEntry, Counter, Dossier, DossierHistory, Handoff, Rating, Service, Ticket)

YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh (no summer time)
OFFICERS = ["canbo1", "canbo2", "admin"]


def working_days(year: int) -> list[dt.date]:
    d, out = dt.date(year, 1, 1), []
    while d.year == year:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def generate(s, n_tickets: int, n_ratings: int, seed: int = 17) -> dict:
    """Bulk-insert the year's tickets and ratings; returns what was made."""
    rnd = random.Random(seed)
    services = {x.code: x for x in s.scalars(select(Service))}
    counters = list(s.scalars(select(Counter).order_by(Counter.number)))
    serving = {code: [c.id for c in counters if code in {x.code for x in c.services}] for code in services}
    # the busiest fields first, as a ward's counters see them; any further field (Khác) 3 %
    weights = ([35, 30, 15, 12, 8] + [3] * len(services))[:len(services)]
    days = working_days(YEAR)
    per_day = n_tickets / len(days)
    tickets, numbers = [], {}
    for i in range(n_tickets):
        day = days[min(len(days) - 1, int(i / per_day))]
        code = rnd.choices(list(services), weights=weights)[0]
        svc = services[code]
        number = numbers[(svc.id, day)] = numbers.get((svc.id, day), 0) + 1
        issued = dt.datetime.combine(day, dt.time(7, 30), TZ) + dt.timedelta(minutes=rnd.uniform(0, 8.5 * 60))
        wait = dt.timedelta(seconds=rnd.expovariate(1 / 900))
        service_time = dt.timedelta(seconds=60 + rnd.expovariate(1 / 540))
        kind = rnd.choices(["done", "no_show", "cancelled", "closed", "transferred"], weights=[85, 8, 3, 2, 2])[0]
        row = {"issued_service_id": svc.id, "service_id": svc.id, "day": day, "number": number,
               "label": f"{svc.prefix}{number:03d}", "status": "done", "priority": None, "kiosk_id": "kiosk-1",
               "idempotency_key": f"bench-{i}", "public_token": f"bench-token-{i:08d}", "counter_id": None,
               "printed": True, "reprint_count": 0, "call_count": 1, "transfer_count": 0, "closed_reason": None,
               "issued_at": issued, "queued_at": issued, "called_at": None, "started_at": None,
               "finished_at": None, "no_show_at": None, "cancelled_at": None, "transferred_at": None}
        if rnd.random() < 0.15:
            row["priority"] = "elderly"
        if kind == "cancelled":
            row.update(status="cancelled", cancelled_at=issued + wait / 2, call_count=0)
        elif kind == "closed":  # left in line at the day's close
            row.update(status="no_show", closed_reason="day_closed", call_count=0,
                       no_show_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(7), TZ))
        else:
            if kind == "transferred":
                row.update(transfer_count=1, transferred_at=issued + wait, queued_at=issued + wait,
                           service_id=services[rnd.choice(list(services))].id)
            called = row["queued_at"] + wait
            row.update(counter_id=rnd.choice(serving[code] or [counters[-1].id]), called_at=called)
            if kind == "no_show":
                row.update(status="no_show", no_show_at=called + dt.timedelta(minutes=2))
            else:
                row.update(started_at=called + dt.timedelta(seconds=30),
                           finished_at=called + dt.timedelta(seconds=30) + service_time)
        tickets.append(row)
    for start in range(0, len(tickets), 5000):
        s.execute(insert(Ticket.__table__), tickets[start:start + 5000])
    # who finished each ticket or marked it absent: the audit entries the reports take the officer from
    audit = [{"at": at, "actor": f"user:{rnd.choice(OFFICERS)}", "action": action, "entity": "ticket",
              "entity_id": str(tid), "ticket_id": tid, "details": None}
             for tid, status, finished, absent in s.execute(
                 select(Ticket.id, Ticket.status, Ticket.finished_at, Ticket.no_show_at)
                 .where(Ticket.idempotency_key.like("bench-%"), Ticket.closed_reason.is_(None),
                        Ticket.status.in_(("done", "no_show"))))
             for action, at in [("finish" if status == "done" else "no_show", finished or absent)]]
    for start in range(0, len(audit), 5000):
        s.execute(insert(AuditEntry.__table__), audit[start:start + 5000])
    done = s.execute(select(Ticket.id, Ticket.counter_id, Ticket.finished_at)
                     .where(Ticket.status == "done", Ticket.idempotency_key.like("bench-%"))).all()
    chosen = rnd.sample(done, min(n_ratings, len(done)))
    ratings = []
    for ticket_id, counter_id, finished in chosen:
        score = rnd.choices([4, 3, 2, 1], weights=[50, 30, 12, 8])[0]
        reasons = sorted(rnd.sample(REASONS, rnd.randint(0, 2)), key=REASONS.index) if score <= 2 else []
        ratings.append({"ticket_id": ticket_id, "counter_id": counter_id, "officer": rnd.choice(OFFICERS),
                        "score": score, "reasons": reasons, "via": rnd.choice(["counter", "counter", "phone"]),
                        "created_at": finished + dt.timedelta(seconds=rnd.uniform(5, 300))})
    for start in range(0, len(ratings), 5000):
        s.execute(insert(Rating.__table__), ratings[start:start + 5000])
    return {"tickets": len(tickets), "ratings": len(ratings), "working_days": len(days)}


def generate_dossiers(s, n: int, seed: int = 17) -> int:
    """Bulk-insert `n` dossiers over the year's working days, with their history and hand-offs."""
    rnd = random.Random(seed)
    catalogue = json.loads((ROOT / "assets" / "data" / "procedures.json").read_text(encoding="utf-8"))
    procs = [(p["code"], int(p.get("processing_days") or 1)) for p in catalogue["procedures"]]
    days = working_days(YEAR)
    rows, paths = [], []
    for i in range(n):
        day = days[min(len(days) - 1, int(i * len(days) / n))]
        code, processing = rnd.choice(procs)
        declared = dt.datetime.combine(day, dt.time(7, 30), TZ) + dt.timedelta(minutes=rnd.uniform(0, 8 * 60))
        # how far it got: 70 % returned, then ready, processing, received, declared, refused, cancelled
        path = rnd.choices([("received", "processing", "ready", "returned"), ("received", "processing", "ready"),
                            ("received", "processing"), ("received",), (), ("rejected",), ("cancelled",)],
                           weights=[70, 8, 6, 4, 6, 3, 3])[0]
        row = {"code": f"BENCH-{i:06d}", "day": day, "seq": i + 1, "procedure_code": code, "status": "declared",
               "masked_id": "********1234", "declared_at": declared, "updated_at": declared,
               "kiosk_id": "kiosk-1" if rnd.random() < 0.8 else None,
               "volunteer_code": "TNV-01" if rnd.random() < 0.3 else None, "idempotency_key": f"bench-d-{i}",
               "received_at": None, "appointment_date": None, "appointment_at": None, "official_code": None}
        history, at = [("declared", declared)], declared
        for status in path:
            at += dt.timedelta(hours=rnd.uniform(0.2, 3)) if status == "received" else \
                dt.timedelta(days=rnd.uniform(0, processing * 1.3))  # about half late (for timing, not realism)
            history.append((status, at))
            if status == "received":
                appointment = (at + dt.timedelta(days=processing)).date()
                row.update(received_at=at, appointment_date=appointment,
                           appointment_at=dt.datetime.combine(appointment, dt.time(16), TZ))
                if rnd.random() < 0.2:
                    row["official_code"] = f"H29-{i:06d}"
        row.update(status=history[-1][0], updated_at=history[-1][1])
        rows.append(row)
        paths.append(history)
    for start in range(0, n, 5000):
        s.execute(insert(Dossier.__table__), rows[start:start + 5000])
    ids = dict(s.execute(select(Dossier.code, Dossier.id).where(Dossier.code.like("BENCH-%"))).all())
    history, handoffs = [], []
    for row, path in zip(rows, paths):
        did = ids[row["code"]]
        history += [{"dossier_id": did, "status": st, "at": at, "note": None, "actor": "system"} for st, at in path]
        if row["received_at"] and not row["official_code"]:
            state = rnd.choices(["delivered", "pending", "failed"], weights=[90, 7, 3])[0]
            handoffs.append({"dossier_id": did, "kind": "http", "state": state, "attempts": 1,
                             "next_attempt_at": row["received_at"], "created_at": row["received_at"],
                             "updated_at": row["received_at"],
                             "delivered_at": row["received_at"] if state == "delivered" else None})
    for table, data in ((DossierHistory.__table__, history), (Handoff.__table__, handoffs)):
        for start in range(0, len(data), 5000):
            s.execute(insert(table), data[start:start + 5000])
    return n


def time_summary(client, headers, start: dt.date, end: dt.date, runs: int) -> dict:
    params = {"from": start.isoformat(), "to": end.isoformat()}
    t0 = time.perf_counter()
    # warm-up (and check); the first report over closed days computes them and keeps them in report_days
    first = client.get("/api/reports/summary", params=params, headers=headers)
    first_ms = round((time.perf_counter() - t0) * 1000, 1)
    assert first.status_code == 200, first.text
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get("/api/reports/summary", params=params, headers=headers)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert r.status_code == 200
    # cpu: this process only (the app and, for SQLite, the database engine; not a PostgreSQL server)
    return {"first_ms": first_ms, "median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1),
            "cpu_median_ms": round(statistics.median(cpu) * 1000, 1), "runs": runs, "issued": first.json()["tickets"]["issued"], "rated": first.json()["ratings"]["count"],
            "dossiers": first.json()["dossiers"]["declared"],
            "officers": {o["officer"]: o.get("served") for o in first.json()["by_officer"]}}


def bench(url: str, n_tickets: int, n_ratings: int, runs: int, n_dossiers: int = 5000) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from kiosk.office.app import create_app

    office = Office(OfficeSettings(database_url=url, demo=True))
    office.prepare()
    t0 = time.perf_counter()
    with office.db.write() as s:
        made = generate(s, n_tickets, n_ratings)
        made["dossiers"] = generate_dossiers(s, n_dossiers)
    made["generate_s"] = round(time.perf_counter() - t0, 1)
    office.close()
    out = {"made": made}
    with TestClient(create_app(OfficeSettings(database_url=url, demo=True, migrate=False))) as c:
        token = c.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        c.cookies.clear()
        out["year"] = time_summary(c, headers, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), runs)
        out["month"] = time_summary(c, headers, dt.date(YEAR, 6, 1), dt.date(YEAR, 6, 30), runs)
        out["day"] = time_summary(c, headers, dt.date(YEAR, 6, 3), dt.date(YEAR, 6, 3), runs)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tickets", type=int, default=60_000)
    p.add_argument("--ratings", type=int, default=40_000)
    p.add_argument("--dossiers", type=int, default=5_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--pg", default=os.environ.get("KIOSK_TEST_PG_URL"), help="PostgreSQL URL (default: $KIOSK_TEST_PG_URL)")
    p.add_argument("--json", metavar="PATH")
    a = p.parse_args(argv)
    res = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
           "load_avg_1min_before": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        res["sqlite"] = bench(sqlite_url(Path(tmp) / "office.db"), a.tickets, a.ratings, a.runs, a.dossiers)
    if a.pg:
        from office_testing import pg_schema
        with pg_schema(a.pg) as url:
            res["postgresql"] = bench(url, a.tickets, a.ratings, a.runs, a.dossiers)
    res["load_avg_1min_after"] = os.getloadavg()[0]
    for db in ("sqlite", "postgresql"):
        if db in res:
            r = res[db]
            print(f"{db}: {r['made']['tickets']} tickets, {r['made']['ratings']} ratings, "
                  f"{r['made']['dossiers']} dossiers "
                  f"(generated in {r['made']['generate_s']} s)")
            for span in ("year", "month", "day"):
                print(f"  summary, {span:5}: first {r[span]['first_ms']} ms, "
                      f"then median {r[span]['median_ms']} ms, max {r[span]['max_ms']} ms, "
                      f"CPU of this process {r[span]['cpu_median_ms']} ms "
                      f"({r[span]['issued']} tickets, {r[span]['rated']} ratings, {r[span]['dossiers']} dossiers)")
    print(f"load average (1 min): {res['load_avg_1min_before']:.2f} before, {res['load_avg_1min_after']:.2f} after")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
