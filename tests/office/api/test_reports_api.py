"""GET /api/reports/summary over a scripted day whose every figure is known: tickets issued, called,
served, no-shows, a transfer, a cancellation, one left in line from the day before, ratings at the
counter and on the phone, dossiers declared at a kiosk and at the counter, with and without a volunteer,
received, handed to the province, ready on time or late, still open past the appointment, refused and
cancelled; exact counts, times (median, p90), ratings and dossier figures, on SQLite and PostgreSQL."""

import csv
import datetime as dt
import io
import json
import warnings

import pytest
from sqlalchemy import select

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import handoff_testing
from kiosk.office.app import create_app
from kiosk.office.operations import report_rollup
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.models import ReportDay, Service
from office_testing import Clock, demo_sqlite, pg_schema

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
BIRTH_CODE, MARITAL_CODE = "1.001193", "1.004873"
APPLICANT = {"full_name": "Nguyễn Thị Hòa", "id_number": "079190001234", "date_of_birth": "1990-05-17",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh"}
BIRTH = {"child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2024-02-20", "child_sex": "Nữ",
         "child_place_of_birth": "Bệnh viện Từ Dũ",
         "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
         "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
         "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
         "mother_full_name": "Nguyễn Thị Hòa",
         "mother_id_number": "079190001234", "relationship": "Mẹ"}
MARITAL = {"marital_status": "Chưa từng kết hôn", "purpose": "Kết hôn", "number_of_copies": 1}
DEVICE = {n: {"Authorization": f"Bearer demo-rate-{n}"} for n in (1, 2)}
DAY = "2026-03-02"
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc)  # 08:00 in Hà Nội / TP.HCM


@pytest.fixture
def clock():
    return Clock(START - dt.timedelta(days=1))


@pytest.fixture
def client(tmp_path, tmp_path_factory, clock):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    with TestClient(create_app(OfficeSettings(database_url=url, demo=True), clock=clock)) as c:
        yield c


class Day:
    """The scripted day, played over HTTP with the clock moved by hand."""

    def __init__(self, client, clock):
        self.c, self.clock = client, clock
        self.staff = {}
        self.tickets = {}

    def _login(self, user):
        r = self.c.post("/api/auth/login", json={"username": user, "password": f"{user}-demo"})
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def at(self, minutes):
        self.clock.now = START + dt.timedelta(minutes=minutes)

    def issue(self, service, priority=None):
        r = self.c.post("/api/tickets", headers=KIOSK, json={"service": service, "priority": priority,
                                                             "idempotency_key": f"k{len(self.tickets)}"})
        assert r.status_code == 201, r.text
        self.tickets[r.json()["number"]] = r.json()
        return r.json()["number"]

    def do(self, number, action, counter, body=None):
        r = self.c.post(f"/api/tickets/{self.tickets[number]['id']}/{action}", headers=self.staff[counter], json=body)
        assert r.status_code == 200, r.text

    def call(self, number, counter):
        self.do(number, "call", counter, {"counter_id": counter})

    def rate_at_counter(self, number, counter, score, reasons=()):
        r = self.c.post("/api/ratings", headers=DEVICE[counter],
                        json={"ticket_id": self.tickets[number]["id"], "score": score, "reasons": list(reasons)})
        assert r.status_code == 201, r.text

    def rate_on_phone(self, number, score, reasons=()):
        r = self.c.post(f"/api/public/tickets/{self.tickets[number]['public_token']}/rating",
                        json={"score": score, "reasons": list(reasons)})
        assert r.status_code == 201, r.text

    def declare(self, name, procedure, by_staff=False, volunteer=None):
        fields = BIRTH if procedure == BIRTH_CODE else MARITAL
        body = {"idempotency_key": f"d-{name}", "procedure_code": procedure, "applicant": APPLICANT,
                "fields": fields, "volunteer_code": volunteer}
        r = self.c.post("/api/dossiers", headers=self.staff[1] if by_staff else KIOSK, json=body)
        assert r.status_code == 201, r.text
        self.dossiers[name] = r.json()["code"]

    def dossier(self, name, action, body=None, method="post"):
        r = self.c.request(method, f"/api/dossiers/{self.dossiers[name]}/{action}", headers=self.staff[1], json=body)
        assert r.status_code == 200, r.text
        return r.json()

    def accept(self, name):
        docs = [d["vi"] for d in self.c.get(f"/api/procedures/{self.procedure[name]}").json()["documents"]][:1]
        return self.dossier(name, "accept", {"documents_received": docs, "sets": 1})["appointment_date"]

    def move(self, name, *statuses):
        for status in statuses:
            self.dossier(name, "status", {"status": status})

    def local(self, day, hour):
        self.clock.now = dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+07:00")
        self.staff = {n: self._login(u) for n, u in ((1, "canbo1"), (2, "canbo2"))}  # sessions last 12 h

    def play_dossiers(self):
        """Seven dossiers declared on DAY (and one the day before), received, handed over…"""
        self.procedure = {"on_time": BIRTH_CODE, "late": BIRTH_CODE, "open_late": MARITAL_CODE,
                          "never_received": MARITAL_CODE, "refused": BIRTH_CODE, "cancelled": MARITAL_CODE,
                          "not_due": BIRTH_CODE}
        self.at(41)
        self.declare("on_time", BIRTH_CODE, volunteer="TNV-07")
        self.declare("late", BIRTH_CODE)
        self.declare("open_late", MARITAL_CODE)
        self.declare("never_received", MARITAL_CODE)
        self.declare("refused", BIRTH_CODE, volunteer="TNV-07")
        self.declare("cancelled", MARITAL_CODE, by_staff=True)
        self.declare("not_due", BIRTH_CODE, by_staff=True)
        self.at(45)
        assert self.accept("on_time") == "2026-03-03"   # a working day after Monday's reception
        assert self.accept("late") == "2026-03-03"
        assert self.accept("open_late") == "2026-03-05"  # three working days
        self.dossier("on_time", "official-code", {"official_code": "H29.5-0001"}, method="put")
        self.dossier("open_late", "official-code", {"official_code": "H29.5-0002"}, method="put")
        self.dossier("refused", "more-documents",
                     {"missing_documents": [d["vi"] for d in self.c.get(f"/api/procedures/{BIRTH_CODE}")
                                            .json()["documents"]][1:2]})
        self.move("cancelled", "cancelled")
        self.move("on_time", "processing")
        self.move("late", "processing")
        self.move("open_late", "processing")

    def play_dossier_results(self):
        """The days after DAY; the report is then read on Monday 9 March."""
        self.local("2026-03-03", 16)                # the appointment day: ready in time
        self.my_day_on_the_3rd = self.c.get("/api/reports/my-day", headers=self.staff[1]).json()
        self.move("on_time", "ready")
        self.local("2026-03-04", 9)                 # the day after it: late, returned later still
        self.move("late", "ready")
        self.move("on_time", "returned")
        self.dossier("refused", "reject", {"reason": "Không bổ sung giấy tờ."})
        self.local("2026-03-09", 9)                 # Monday: open_late's appointment (5 March) has passed
        assert self.accept("not_due") == "2026-03-10"

    def play(self):
        self.clock.now = START - dt.timedelta(days=1) + dt.timedelta(hours=1)
        self.issue("lao-dong-xa-hoi")  # D001, the day before: nobody calls it
        self.dossiers = {}
        self.staff = {1: self._login("canbo1")}
        self.declare("day_before", MARITAL_CODE, by_staff=True)
        self.at(0)
        self.staff = {n: self._login(u) for n, u in ((1, "canbo1"), (2, "canbo2"))}
        self.c.app.state.office.close_previous_days()  # D001: no_show, closed_reason day_closed
        for service, prio in (("ho-tich", None), ("ho-tich", "elderly"), ("dat-dai", None), ("chung-thuc", None)):
            self.issue(service, prio)  # A001 A002 C001 B001
        self.at(5)
        self.call("A001", 1)                 # waited 300 s
        self.call("C001", 2)                 # waited 300 s
        self.do("C001", "start", 2)
        self.at(6)
        self.do("A001", "start", 1)
        self.at(16)
        self.do("A001", "finish", 1)         # served 600 s
        self.call("A002", 1)                 # waited 960 s
        self.at(17)
        self.rate_at_counter("A001", 1, 4)
        self.at(18)
        self.do("A002", "no-show", 1)
        self.call("B001", 1)                 # (waited 1080 s in its first line)
        self.do("B001", "start", 1)
        self.at(20)
        self.do("B001", "transfer", 1, {"service": "dat-dai"})  # back in line, dat-dai's, at 20
        self.at(25)
        self.do("C001", "finish", 2)         # served 1200 s
        self.call("B001", 2)                 # waited 300 s in its last line
        self.do("B001", "start", 2)
        self.at(26)
        self.rate_on_phone("C001", 2, ["attitude", "waited_long"])
        self.at(30)
        self.issue("khac")                   # E001, cancelled
        self.at(31)
        self.do("E001", "cancel", 1)
        self.at(33)
        self.do("B001", "finish", 2)         # served 480 s
        self.at(34)
        self.rate_at_counter("B001", 2, 1, ["extra_papers"])
        self.at(40)
        self.issue("ho-tich")                # A003, still waiting
        self.play_dossiers()                 # 08:41–08:45
        self.at(60)


def times(count, mean, median, p90):
    return {"count": count, "mean": mean, "median": median, "p90": p90}


NO_TIMES = times(0, None, None, None)
NO_REASONS = {"waited_long": 0, "attitude": 0, "extra_papers": 0, "procedure_unclear": 0}


def counts(issued=0, served=0, no_show=0, cancelled=0, unserved_at_close=0, open=0, transferred=0, priority=0):
    return {"issued": issued, "served": served, "no_show": no_show, "cancelled": cancelled,
            "unserved_at_close": unserved_at_close, "open": open, "transferred": transferred, "priority": priority}


def ratings(by_score, reasons=None, via=None):
    n = sum(by_score.values())
    satisfied = by_score.get("3", 0) + by_score.get("4", 0)
    return {"count": n, "by_score": {k: by_score.get(k, 0) for k in "1234"}, "satisfied": satisfied,
            "satisfied_share": round(satisfied / n, 4) if n else None,
            "mean_score": round(sum(int(k) * v for k, v in by_score.items()) / n, 2) if n else None,
            "reasons": {**NO_REASONS, **(reasons or {})}, "via": {"counter": 0, "phone": 0, **(via or {})}}


def check_the_scripted_day(client, clock):
    day = Day(client, clock)
    day.play()
    client.cookies.clear()  # the staff's bearer token only
    staff = day.staff[1]
    r = client.get("/api/reports/summary", params={"from": DAY, "to": DAY}, headers=staff)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["from"], got["to"], got["days"]) == (DAY, DAY, 1)

    assert got["tickets"] == {**counts(issued=6, served=3, no_show=1, cancelled=1, open=1, transferred=1, priority=1),
                              "waiting_seconds": times(4, 465.0, 300.0, 762.0),     # 300 300 300 960
                              "service_seconds": times(3, 760.0, 600.0, 1080.0)}    # 480 600 1200
    assert got["ratings"] == ratings({"1": 1, "2": 1, "4": 1}, {"waited_long": 1, "attitude": 1, "extra_papers": 1},
                                     {"counter": 2, "phone": 1})
    assert got["ratings"]["satisfied_share"] == 0.3333 and got["ratings"]["mean_score"] == 2.33

    by_service = {x["service"]: x for x in got["by_service"]}
    assert list(by_service) == ["ho-tich", "dat-dai", "khac"]  # a transferred ticket counts in its new field
    assert by_service["ho-tich"] | {"name_vi": "Hộ tịch"} == by_service["ho-tich"]
    assert {k: by_service["ho-tich"][k] for k in (*counts(), "waiting_seconds", "service_seconds")} == {
        **counts(issued=3, served=1, no_show=1, open=1, priority=1),
        "waiting_seconds": times(2, 630.0, 630.0, 894.0), "service_seconds": times(1, 600.0, 600.0, 600.0)}
    assert {k: by_service["dat-dai"][k] for k in (*counts(), "waiting_seconds", "service_seconds")} == {
        **counts(issued=2, served=2, transferred=1),
        "waiting_seconds": times(2, 300.0, 300.0, 300.0), "service_seconds": times(2, 840.0, 840.0, 1128.0)}
    assert {k: by_service["khac"][k] for k in (*counts(), "waiting_seconds", "service_seconds")} == {
        **counts(issued=1, cancelled=1), "waiting_seconds": NO_TIMES, "service_seconds": NO_TIMES}

    by_counter = {x["counter"]: x for x in got["by_counter"]}
    assert list(by_counter) == [1, 2]  # never-called tickets have no counter
    assert {k: by_counter[1][k] for k in (*counts(), "waiting_seconds", "service_seconds", "ratings")} == {
        **counts(issued=2, served=1, no_show=1, priority=1),
        "waiting_seconds": times(2, 630.0, 630.0, 894.0), "service_seconds": times(1, 600.0, 600.0, 600.0),
        "ratings": ratings({"4": 1}, via={"counter": 1})}
    assert {k: by_counter[2][k] for k in (*counts(), "waiting_seconds", "service_seconds", "ratings")} == {
        **counts(issued=2, served=2, transferred=1),
        "waiting_seconds": times(2, 300.0, 300.0, 300.0), "service_seconds": times(2, 840.0, 840.0, 1128.0),
        "ratings": ratings({"1": 1, "2": 1}, {"waited_long": 1, "attitude": 1, "extra_papers": 1},
                           {"counter": 1, "phone": 1})}

    assert [(o["officer"], o["full_name"], o["ratings"]["by_score"]) for o in got["by_officer"]] == [
        ("canbo1", "Nguyễn Văn An", {"1": 0, "2": 0, "3": 0, "4": 1}),
        ("canbo2", "Trần Thị Bình", {"1": 1, "2": 1, "3": 0, "4": 0})]
    # who pressed finish / no-show: canbo1 served A001 (600 s) and marked A002 absent; canbo2 served
    # C001 (1200 s) and B001 (480 s; another officer had started it before its transfer)
    assert [(o["officer"], o["served"], o["no_show"], o["service_seconds"]) for o in got["by_officer"]] == [
        ("canbo1", 1, 1, times(1, 600.0, 600.0, 600.0)),
        ("canbo2", 2, 0, times(2, 840.0, 840.0, 1128.0))]
    assert got["by_officer"][1]["ratings"]["reasons"] == {**NO_REASONS, "waited_long": 1, "attitude": 1,
                                                          "extra_papers": 1}

    # all the day's tickets were issued between 08:00 and 08:40 local time
    assert got["by_hour"] == [{"hour": 8, "issued": 6, "served": 3, "waiting_mean_seconds": 465.0}]

    # the day before alone: one ticket nobody called, closed by the office at the day's end
    before = client.get("/api/reports/summary", params={"from": "2026-03-01", "to": "2026-03-01"},
                        headers=staff).json()
    assert before["tickets"] == {**counts(issued=1, unserved_at_close=1), "waiting_seconds": NO_TIMES,
                                 "service_seconds": NO_TIMES}
    assert before["ratings"] == ratings({}) and before["by_counter"] == [] and before["by_officer"] == []
    assert before["by_hour"] == [{"hour": 9, "issued": 1, "served": 0, "waiting_mean_seconds": None}]
    both = client.get("/api/reports/summary", params={"from": "2026-03-01", "to": DAY}, headers=staff).json()
    assert (both["days"], both["tickets"]["issued"], both["tickets"]["unserved_at_close"]) == (2, 7, 1)
    assert both["ratings"] == got["ratings"]
    assert kept_days(client) == ["2026-03-01"]  # over, its ticket closed; DAY is today, never kept yet

    # the counter console's own figures, for each officer (still on DAY)
    mine = client.get("/api/reports/my-day", headers=staff).json()
    assert mine == {"day": DAY, "officer": "canbo1", "served": 1, "no_show": 1, "service_mean_seconds": 600.0,
                    "service_median_seconds": 600.0, "service_p90_seconds": 600.0,
                    "ratings": {"count": 1, "by_score": {"1": 0, "2": 0, "3": 0, "4": 1}, "satisfied_share": 1.0,
                                "mean_score": 4.0}, "dossiers_due_today": 0, "dossiers_overdue": 0}
    mine = client.get("/api/reports/my-day", headers=day.staff[2]).json()
    assert (mine["officer"], mine["served"], mine["no_show"], mine["service_mean_seconds"],
            mine["service_median_seconds"], mine["service_p90_seconds"]) == ("canbo2", 2, 0, 840.0, 840.0, 1128.0)
    assert mine["ratings"] == {"count": 2, "by_score": {"1": 1, "2": 1, "3": 0, "4": 0}, "satisfied_share": 0.0,
                               "mean_score": 1.5}
    check_the_dossiers(client, day, got)
    check_the_exports(client, day._login("admin"))


STATUSES = ("declared", "received", "processing", "more_documents", "ready", "returned", "rejected", "cancelled")


def dossier_figures(declared, received=0, reached_province=0, on_time=0, late_done=0, late_open=0, not_due=0,
                    via_kiosk=0, with_volunteer=0, statuses=None):
    def share(part, whole):
        return round(part / whole, 4) if whole else None
    late = late_done + late_open
    return {"declared": declared, "received": received, "received_share": share(received, declared),
            "reached_province": reached_province, "reached_share": share(reached_province, received),
            "on_time": on_time, "late": late, "late_done": late_done, "late_open": late_open, "not_due": not_due,
            "on_time_share": share(on_time, on_time + late), "via_kiosk": via_kiosk,
            "kiosk_share": share(via_kiosk, declared), "with_volunteer": with_volunteer,
            "volunteer_share": share(with_volunteer, declared),
            "by_status": {s: (statuses or {}).get(s, 0) for s in STATUSES}}


def check_the_dossiers(client, day, on_the_day):
    # read on DAY itself: three received and being processed, none due yet
    assert on_the_day["dossiers"] == dossier_figures(
        7, received=3, reached_province=2, not_due=3, via_kiosk=5, with_volunteer=2,
        statuses={"declared": 2, "processing": 3, "more_documents": 1, "cancelled": 1})
    assert [x["procedure"] for x in on_the_day["by_procedure"]] == [BIRTH_CODE, MARITAL_CODE]

    day.play_dossier_results()
    client.app.state.office.close_previous_days()  # what the housekeeping does once the day is over
    got = client.get("/api/reports/summary", params={"from": DAY, "to": DAY}, headers=day.staff[1]).json()
    assert got["dossiers"] == dossier_figures(
        7, received=4, reached_province=2, on_time=1, late_done=1, late_open=1, not_due=1, via_kiosk=5,
        with_volunteer=2, statuses={"declared": 1, "received": 1, "processing": 1, "ready": 1, "returned": 1,
                                    "rejected": 1, "cancelled": 1})
    assert got["dossiers"]["on_time_share"] == 0.3333 and got["dossiers"]["received_share"] == 0.5714
    # DAY is over and closed now: kept, and what is kept is what the tables give
    assert kept_days(client) == ["2026-03-01", DAY]
    office = client.app.state.office
    with office.db.read() as s:
        ho_tich, dat_dai = (s.scalar(select(Service.id).where(Service.code == c)) for c in ("ho-tich", "dat-dai"))
        kept = report_rollup.load(s, dt.date(2026, 3, 1), dt.date(2026, 3, 2))
        fresh = report_rollup.compute(s, list(kept), office.settings.timezone)
    assert {d: json.loads(json.dumps(f)) for d, f in fresh.items()} == kept
    # (service, counter, officer, served, absent, service times in ms) of the groups with a served or absent ticket
    groups = kept[dt.date(2026, 3, 2)]["tickets"]
    assert sorted((g[0], g[1], g[2], g[4], g[5], sorted(g[-1])) for g in groups if g[4] or g[5]) == sorted([(ho_tich, 1, "canbo1", 1, 1, [600_000]), (dat_dai, 2, "canbo2", 2, 0, [480_000, 1_200_000])])
    birth, marital = got["by_procedure"]
    assert birth == {"procedure": BIRTH_CODE, "name_vi": "Đăng ký khai sinh", "name_en": birth["name_en"],
                     **dossier_figures(4, received=3, reached_province=1, on_time=1, late_done=1, not_due=1,
                                       via_kiosk=3, with_volunteer=2,
                                       statuses={"received": 1, "ready": 1, "returned": 1, "rejected": 1})}
    assert marital == {"procedure": MARITAL_CODE, "name_vi": "Cấp Giấy xác nhận tình trạng hôn nhân",
                       "name_en": marital["name_en"],
                       **dossier_figures(3, received=1, reached_province=1, late_open=1, via_kiosk=2,
                                         statuses={"declared": 1, "processing": 1, "cancelled": 1})}
    # on 3 March two results were due that day; on 9 March one is overdue (open_late, due on the 5th)
    assert day.my_day_on_the_3rd == {"day": "2026-03-03", "officer": "canbo1", "served": 0, "no_show": 0,
                                     "service_mean_seconds": None, "service_median_seconds": None,
                                     "service_p90_seconds": None,
                                     "ratings": {"count": 0, "by_score": {"1": 0, "2": 0, "3": 0, "4": 0},
                                                 "satisfied_share": None, "mean_score": None},
                                     "dossiers_due_today": 2, "dossiers_overdue": 0}
    mine = client.get("/api/reports/my-day", headers=day.staff[1]).json()
    assert (mine["day"], mine["dossiers_due_today"], mine["dossiers_overdue"]) == ("2026-03-09", 0, 1)
    before = client.get("/api/reports/summary", params={"from": "2026-03-01", "to": "2026-03-01"},
                        headers=day.staff[1]).json()
    assert before["dossiers"] == dossier_figures(1, statuses={"declared": 1})
    assert [x["procedure"] for x in before["by_procedure"]] == [MARITAL_CODE]


def kept_days(client):
    with client.app.state.office.db.read() as s:
        return [d.isoformat() for d in s.scalars(select(ReportDay.day).order_by(ReportDay.day))]


def csv_tables(text):
    """{title: [header, *rows]} from the export's CSV (tables under their titles, blank lines between)."""
    tables, current = {}, None
    for row in csv.reader(io.StringIO(text)):
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(row[0], [])
        else:
            current.append(row)
    return tables


def check_the_exports(client, admin):
    params = {"from": DAY, "to": DAY}
    r = client.get("/api/reports/export.csv", params=params, headers=admin)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="bao-cao-2026-03-02-2026-03-02.csv"' in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    tables = csv_tables(r.content.decode("utf-8-sig"))
    assert list(tables) == ["Tổng hợp", "Theo lĩnh vực", "Theo quầy", "Theo cán bộ", "Lý do chưa hài lòng",
                            "Theo giờ", "Hồ sơ theo thủ tục"]
    assert tables["Theo cán bộ"] == [
        ["Cán bộ", "Họ và tên", "Đã phục vụ", "Vắng mặt khi gọi", "Giải quyết trung bình (phút)",
         "Giải quyết trung vị (phút)", "Giải quyết P90 (phút)", "Lượt đánh giá", "Rất hài lòng", "Hài lòng",
         "Bình thường", "Không hài lòng", "Tỷ lệ hài lòng (%)"],
        ["canbo1", "Nguyễn Văn An", "1", "1", "10.0", "10.0", "10.0", "1", "1", "0", "0", "0", "100.0"],
        ["canbo2", "Trần Thị Bình", "2", "0", "14.0", "14.0", "18.8", "2", "0", "0", "1", "1", "0.0"]]
    assert tables["Theo giờ"][1:] == [["08:00", "6", "3", "7.8"]]
    overview = dict(tables["Tổng hợp"][1:])
    assert (overview["Số phiếu đã cấp"], overview["Đã phục vụ"], overview["Vắng mặt khi gọi"]) == ("6", "3", "1")
    assert (overview["Chờ trung vị (phút)"], overview["Chờ P90 (phút)"]) == ("5.0", "12.7")  # 300 s, 762 s
    assert (overview["Giải quyết trung vị (phút)"], overview["Giải quyết P90 (phút)"]) == ("10.0", "18.0")
    assert (overview["Lượt đánh giá"], overview["Rất hài lòng"], overview["Tỷ lệ hài lòng (%)"]) == ("3", "1", "33.3")
    assert [row[:3] for row in tables["Theo lĩnh vực"][1:]] == [["Hộ tịch", "3", "1"], ["Đất đai – Xây dựng", "2", "2"],
                                                                 ["Khác", "1", "0"]]
    assert [row[0] for row in tables["Theo quầy"][1:]] == ["Quầy 1", "Quầy 2"]
    assert ([overview[k] for k in ("Hồ sơ đã khai", "Đã tiếp nhận", "Tỷ lệ tiếp nhận (%)", "Đã chuyển lên tỉnh",
                                   "Đúng hẹn", "Trễ hẹn", "Tỷ lệ đúng hẹn (%)", "Nộp qua kiosk",
                                   "Có tình nguyện viên hỗ trợ", "Hiện ở trạng thái: Đã hủy")]
            == ["7", "4", "57.1", "2", "1", "2", "33.3", "5", "2", "1"])
    by_procedure = tables["Hồ sơ theo thủ tục"]
    assert by_procedure[0][:6] == ["Mã thủ tục", "Thủ tục", "Hồ sơ đã khai", "Đã tiếp nhận", "Tỷ lệ tiếp nhận (%)",
                                   "Đã chuyển lên tỉnh"]
    assert by_procedure[0][-8:] == ["Đã khai", "Đã tiếp nhận", "Đang giải quyết", "Yêu cầu bổ sung", "Có kết quả",
                                    "Đã trả kết quả", "Từ chối", "Đã hủy"]
    assert by_procedure[1:] == [
        ["1.001193", "Đăng ký khai sinh", "4", "3", "75.0", "1", "33.3", "1", "1", "1", "0", "1", "50.0", "3",
         "75.0", "2", "50.0", "0", "1", "0", "0", "1", "1", "1", "0"],
        ["1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "3", "1", "33.3", "1", "100.0", "0", "1", "0", "1",
         "0", "0.0", "2", "66.7", "0", "0.0", "1", "0", "1", "0", "0", "0", "0", "1"]]
    assert tables["Lý do chưa hài lòng"][1:] == [["Phải chờ quá lâu", "1"], ["Thái độ phục vụ chưa tốt", "1"],
                                                 ["Bị yêu cầu thêm giấy tờ", "1"], ["Hướng dẫn thủ tục chưa rõ", "0"]]

    openpyxl = pytest.importorskip("openpyxl")
    r = client.get("/api/reports/export.xlsx", params=params, headers=admin)
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == list(tables)
    def same(v):  # "5.0" in the CSV is the number 5 in the workbook
        try:
            return float(v)
        except (TypeError, ValueError):
            return "" if v is None else v

    for title, rows in tables.items():  # the workbook holds the same figures as the CSV, as numbers
        sheet = [[same(v) for v in row] for row in wb[title].iter_rows(values_only=True)]
        assert sheet == [[same(v) for v in row] for row in rows], title
    assert wb["Tổng hợp"]["B5"].value == 6 and wb["Theo cán bộ"]["B2"].value == "Nguyễn Văn An"
    assert [c.value for c in wb["Theo cán bộ"][3]][:7] == ["canbo2", "Trần Thị Bình", 2, 0, 14.0, 14.0, 18.8]


def test_the_scripted_days_figures_on_sqlite(client, clock):
    check_the_scripted_day(client, clock)


def test_the_scripted_days_figures_on_postgresql(pg_url, clock):
    with pg_schema(pg_url) as url, TestClient(create_app(OfficeSettings(database_url=url, demo=True),
                                                         clock=clock)) as c:
        check_the_scripted_day(c, clock)


def test_reports_are_for_staff(client):
    r = client.get("/api/reports/summary", params={"from": DAY, "to": DAY})
    assert r.status_code == 401 and r.json()["field"] == "authorization"
    assert client.get("/api/reports/my-day", headers=KIOSK).status_code == 401
    r = client.get("/api/reports/summary", params={"from": DAY, "to": DAY}, headers=KIOSK)
    assert r.status_code == 401


@pytest.mark.parametrize("params,field,code", [
    ({"to": DAY}, "from", "missing"),
    ({"from": DAY}, "to", "missing"),
    ({"from": "2026-3-2", "to": DAY}, "from", "bad_date"),
    ({"from": DAY, "to": "2026-02-30"}, "to", "bad_date"),
    ({"from": "20260302", "to": DAY}, "from", "bad_date"),
    ({"from": "2026-03-03", "to": DAY}, "to", "bad_range"),
    ({"from": "2025-01-01", "to": "2026-02-05"}, "to", "range_too_long"),
    ({"from": "x" * 500, "to": DAY}, "from", "bad_date"),
])
def test_bad_ranges_name_the_field(client, params, field, code):
    login = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()
    r = client.get("/api/reports/summary", params=params, headers={"Authorization": f"Bearer {login['token']}"})
    assert r.status_code == 422, r.text
    assert (r.json()["field"], r.json()["code"]) == (field, code)


def test_exports_are_for_admins_and_check_the_range(client):
    staff = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()["token"]
    admin = client.post("/api/auth/login", json={"username": "admin", "password": "admin-demo"}).json()["token"]
    for ext in ("csv", "xlsx"):
        r = client.get(f"/api/reports/export.{ext}", params={"from": DAY, "to": DAY},
                       headers={"Authorization": f"Bearer {staff}"})
        assert r.status_code == 403 and r.json()["code"] == "admin_only"
        r = client.get(f"/api/reports/export.{ext}", params={"from": DAY, "to": "2026-13-01"},
                       headers={"Authorization": f"Bearer {admin}"})
        assert r.status_code == 422 and r.json()["field"] == "to"


def test_a_400_day_range_is_allowed(client):
    login = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()
    r = client.get("/api/reports/summary", params={"from": "2025-01-31", "to": "2026-03-06"},
                   headers={"Authorization": f"Bearer {login['token']}"})
    assert r.status_code == 200 and r.json()["days"] == 400


def test_a_dossier_the_connector_delivered_counts_as_reached_the_province(tmp_path):
    """The other way to reach the province: the folder connector's delivery, with no official code."""
    drop = tmp_path / "drop"
    drop.mkdir()
    ht = handoff_testing
    with ht.office_client(ht.office_db(tmp_path), ht.connector("folder", folder=str(drop))) as c:
        code = ht.submit(c)  # declared at the kiosk and received
        h = ht.staff(c)
        assert ht.wait_state(c, h, code, "delivered")["official_code"] is None
        day = code.split("-")[1]
        day = f"{day[:4]}-{day[4:6]}-{day[6:]}"  # the code's day is the local day it was declared
        got = c.get("/api/reports/summary", params={"from": day, "to": day}, headers=h).json()["dossiers"]
        assert (got["declared"], got["received"], got["reached_province"], got["reached_share"]) == (1, 1, 1, 1.0)


def test_the_monthly_pdf_of_the_scripted_month(client, clock):
    """March 2026 holds the scripted day and the day before; the report is read on 9 March."""
    pypdf = pytest.importorskip("pypdf")
    day = Day(client, clock)
    day.play()
    day.play_dossier_results()
    client.app.state.office.close_previous_days()  # A003, left in line on the 2nd, is closed unserved
    client.cookies.clear()
    admin = day._login("admin")
    r = client.get("/api/reports/monthly.pdf", params={"month": "2026-03"}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'inline; filename="bao-cao-thang-2026-03.pdf"'
    reader = pypdf.PdfReader(io.BytesIO(r.content))
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages][0] == (595, 842)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THÁNG 03/2026" in text
    assert "(Từ ngày 01/03/2026 đến ngày 31/03/2026)" in text and "ngày 09 tháng 3 năm 2026" in text
    for figure in ("Số phiếu đã cấp: 7", "Đã phục vụ: 3", "Vắng mặt khi gọi: 1", "Chưa phục vụ khi hết ngày: 2",
                   "Thời gian chờ trung vị: 5,0 phút", "Thời gian chờ P90: 12,7 phút",   # 300 s, 762 s
                   "Thời gian giải quyết trung vị: 10,0 phút", "Thời gian giải quyết P90: 18,0 phút",
                   "Hồ sơ đã khai: 8", "Đã tiếp nhận: 4 (50,0%)", "Đã chuyển lên tỉnh: 2 (50,0%)",
                   "Trả kết quả đúng hẹn: 1 (33,3%)", "Trễ hẹn: 2", "Chưa đến hẹn: 1", "Nộp qua kiosk: 5 (62,5%)",
                   "Có tình nguyện viên hỗ trợ: 2 (25,0%)", "Lượt đánh giá: 3", "Tỷ lệ hài lòng: 1 (33,3%)"):
        assert figure in text, figure
    assert "Đăng ký khai sinh 4" in text and "Rất hài lòng 1" in text and "08:00–09:00" in text
    assert "Hộ tịch 3 1 1" in text and "Quầy 2 2 2 0" in text
    # by officer: served, absent, service median and P90 (840 s, 1128 s), ratings, share satisfied
    assert "Nguyễn Văn An 1 1 10,0 10,0 1 100,0%" in text and "Trần Thị Bình 2 0 14,0 18,8 2 0,0%" in text
    # February: nothing happened, the report still prints, its charts say so
    r = client.get("/api/reports/monthly.pdf", params={"month": "2026-02"}, headers=admin)
    text = " ".join(pypdf.PdfReader(io.BytesIO(r.content)).pages[0].extract_text().split())
    assert "THÁNG 02/2026" in text and "ngày 28/02/2026" in text and "Số phiếu đã cấp: 0" in text


@pytest.mark.parametrize("month,code", [(None, "missing"), ("", "missing"), ("2026-3", "bad_month"),
                                        ("2026-13", "bad_month"), ("2026-00", "bad_month"), ("03/2026", "bad_month"),
                                        ("2026-03-01", "bad_month")])
def test_the_monthly_pdf_is_for_admins_and_names_a_bad_month(client, month, code):
    staff = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()["token"]
    admin = client.post("/api/auth/login", json={"username": "admin", "password": "admin-demo"}).json()["token"]
    r = client.get("/api/reports/monthly.pdf", params={"month": "2026-03"},
                   headers={"Authorization": f"Bearer {staff}"})
    assert r.status_code == 403 and r.json()["code"] == "admin_only"
    params = {} if month is None else {"month": month}
    r = client.get("/api/reports/monthly.pdf", params=params, headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 422, r.text
    assert (r.json()["field"], r.json()["code"]) == ("month", code)


def test_a_day_is_kept_only_once_its_rating_window_has_passed(client, clock):
    """The report of a day read just after midnight computes it live (a ticket finished at the
    day's end may still be rated for rating_window_minutes); a quarter of an hour later it is kept."""
    def login():
        token = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()["token"]
        client.cookies.clear()
        return {"Authorization": f"Bearer {token}"}  # sessions last 12 hours

    clock.now = START
    staff = login()
    t = client.post("/api/tickets", headers=KIOSK, json={"service": "ho-tich", "idempotency_key": "w1"}).json()
    for action, body in (("call", {"counter_id": 1}), ("finish", None)):
        assert client.post(f"/api/tickets/{t['id']}/{action}", headers=staff, json=body).status_code == 200
    params = {"from": DAY, "to": "2026-03-03"}
    clock.now = dt.datetime.fromisoformat("2026-03-03T00:05:00+07:00")
    staff = login()
    assert client.get("/api/reports/summary", params=params, headers=staff).json()["tickets"]["served"] == 1
    assert kept_days(client) == []
    clock.now = dt.datetime.fromisoformat("2026-03-03T00:15:00+07:00")
    got = client.get("/api/reports/summary", params=params, headers=staff).json()
    assert kept_days(client) == [DAY]  # the 3rd is today
    assert [(o["officer"], o["served"]) for o in got["by_officer"]] == [("canbo1", 1)]
    again = client.get("/api/reports/summary", params=params, headers=staff).json()  # read from the kept row
    assert again == got
