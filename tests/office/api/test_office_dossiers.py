"""Dossiers over HTTP as kiosks and staff see them (SQLite, fixed clock): validation answers naming
the field, idempotency, codes, appointment dates, statuses and history, what kiosks may see, the
catalogue API and its admin edits, and the purge."""

import copy
import json
import shutil
import sqlite3
from contextlib import closing
import unicodedata
import uuid
import datetime as dt
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.domain.catalogue import catalogue_from_dict, load_catalogue
from kiosk.cli import main as cli_main
from kiosk.office.operations import dossiers
from kiosk.office.app import create_app
from kiosk.office.storage.models import AuditEntry
from kiosk.office.storage.models import Dossier
from kiosk.office.settings import OfficeSettings, sqlite_url
from office_testing import Clock, demo_sqlite, office_clients

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
VN = dt.timezone(dt.timedelta(hours=7))
ID_NUMBER = "079190001234"
APPLICANT = {"full_name": "Nguyễn Thị Hòa", "id_number": ID_NUMBER, "date_of_birth": "1990-05-17",
             "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", "phone": "0903123456"}
BIRTH = {"child_full_name": "Trần Minh Khuê", "child_date_of_birth": "2024-02-20", "child_sex": "Nữ",
         "child_place_of_birth": "Bệnh viện Từ Dũ",
         "child_ethnicity": "Kinh", "child_nationality": "Việt Nam", "child_hometown": "Phường Bến Thành, TP. Hồ Chí Minh",
         "mother_birth_year": 1990, "mother_ethnicity": "Kinh", "mother_nationality": "Việt Nam",
         "mother_residence": "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
         "mother_full_name": "Nguyễn Thị Hòa",
         "mother_id_number": ID_NUMBER, "relationship": "Mẹ"}
SIGNATURE = {"document_name": "Giấy ủy quyền", "number_of_documents": 1, "signing_method": "Ký"}
MARITAL = {"marital_status": "Chưa từng kết hôn", "purpose": "Kết hôn", "number_of_copies": 1}
PERSONAL = ("Nguyễn Thị Hòa", ID_NUMBER, "Lê Lợi", "0903123456", "1990-05-17", "Trần Minh Khuê")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


START = local(2026, 3, 2, 9, 0)  # a Monday morning
TOKENS: dict[str, str] = {}  # staff sessions made once in the template (argon2 logins are slow)


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A demo office database with the catalogue seeded and staff logged in, built once."""
    base = tmp_path_factory.mktemp("dossier-template")
    url = demo_sqlite(tmp_path_factory.getbasetemp(), base / "office.db")
    app = create_app(OfficeSettings(database_url=url, demo=True), clock=Clock(START))
    with TestClient(app) as c:
        for user in ("canbo1", "admin"):
            TOKENS[user] = real_login(c, user)
    app.state.office.db.dispose()
    with closing(sqlite3.connect(base / "office.db")) as db:  # fold the WAL in before copying
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return base / "office.db"


@pytest.fixture
def make_client(tmp_path, template, clock):
    def copy_of_template(n: int) -> str:
        path = tmp_path / f"office{n}.db"
        shutil.copyfile(template, path)
        return sqlite_url(path)

    yield from office_clients(copy_of_template, clock, migrate=False)


@pytest.fixture
def client(make_client):
    return make_client()


def real_login(client, user="canbo1") -> str:
    r = client.post("/api/auth/login", json={"username": user, "password": f"{user}-demo"})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # each request says who it is by its header
    return r.json()["token"]


def login(client, user="canbo1"):
    """Headers of a session made at START (12 hours long); tests that jump further use real_login."""
    return {"Authorization": f"Bearer {TOKENS[user]}"}


def body(key="k1", procedure="1.001193", fields=None, applicant=None, **extra):
    return {"idempotency_key": key, "procedure_code": procedure,
            "applicant": copy.deepcopy(APPLICANT if applicant is None else applicant),
            "fields": copy.deepcopy(BIRTH if fields is None and procedure == "1.001193" else fields or {}),
            **extra}


def submit(client, key="k1", **kw):
    return client.post("/api/dossiers", headers=KIOSK, json=body(key, **kw))


def new_code(client, key="k1", **kw) -> str:
    r = submit(client, key, **kw)
    assert r.status_code == 201, r.text
    return r.json()["code"]


def assert_error(r, status, field, code=None):
    assert r.status_code == status, r.text
    got = r.json()
    assert got["field"] == field and isinstance(got["detail"], str) and got["detail"], got
    if code:
        assert got["code"] == code
    assert "Traceback" not in r.text
    return got


# ---- submitting -----------------------------------------------------------------------------------

def test_a_kiosk_submits_a_birth_registration_and_gets_a_receipt(client):
    r = submit(client, local_ref="KS1-20260302-0001", kiosk_id="KS1")
    assert r.status_code == 201, r.text
    got = r.json()
    assert len(got.pop("public_token")) == 22  # the slip's unguessable reference (its QR)
    assert got == {  # declared: nothing received yet, so no appointment either
        "code": "BT-20260302-0001", "status": "declared", "declared_at": "2026-03-02T02:00:00+00:00",
        "received_at": None, "appointment_date": None, "appointment_at": None, "procedure_code": "1.001193",
        "procedure_name_vi": "Đăng ký khai sinh", "procedure_name_en": "Birth registration",
        "local_ref": "KS1-20260302-0001"}
    staff = client.get("/api/dossiers/BT-20260302-0001", headers=login(client)).json()
    assert staff["applicant"]["full_name"] == "Nguyễn Thị Hòa" and staff["fields"]["child_sex"] == "Nữ"
    assert staff["kiosk_id"] == "kiosk-1"  # the key's kiosk, not what the body claims
    assert staff["history"] == [{"status": "declared", "at": "2026-03-02T02:00:00+00:00", "note": None,
                                 "actor": "kiosk:kiosk-1"}]
    assert (staff["received_by"], staff["documents_received"], staff["sets"]) == (None, [], None)


def test_the_same_key_gives_the_same_dossier_and_new_keys_number_on(client):
    first = submit(client, "tap-1")
    again = submit(client, "tap-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert submit(client, "tap-2").json()["code"] == "BT-20260302-0002"
    staff = client.get("/api/dossiers", headers=login(client)).json()["dossiers"]
    assert [d["code"] for d in staff] == ["BT-20260302-0002", "BT-20260302-0001"]  # newest first


def test_form_data_is_stored_cleaned(client):
    fields = {**BIRTH, "child_full_name": unicodedata.normalize("NFD", "  Trần   Minh Khuê "), "child_date_of_birth": "20/02/2026"}
    code = submit(client, fields=fields).json()["code"]
    with client.app.state.office.db.read() as s:
        d = s.scalar(select(Dossier).where(Dossier.code == code))
        assert d.fields["child_full_name"] == "Trần Minh Khuê" and d.fields["child_date_of_birth"] == "2026-02-20"
        assert d.masked_id == "079******234"


@pytest.mark.parametrize("change,field,vi", [
    (lambda b: b["applicant"].pop("full_name"), "applicant.full_name", "Vui lòng nhập họ, chữ đệm và tên."),
    (lambda b: b["fields"].pop("child_full_name"), "fields.child_full_name", "Vui lòng nhập"),
    (lambda b: b["applicant"].update(id_number="07919000123"), "applicant.id_number", "12 chữ số"),
    (lambda b: b["applicant"].update(id_number="07919000123a"), "applicant.id_number", "12 chữ số"),
    (lambda b: b["fields"].update(child_date_of_birth="31/02/2026"), "fields.child_date_of_birth", "ngày không hợp lệ"),
    (lambda b: b["applicant"].update(date_of_birth="1990-13-01"), "applicant.date_of_birth", "ngày không hợp lệ"),
    (lambda b: b["fields"].update(child_date_of_birth="2027-01-01"), "fields.child_date_of_birth", "chưa tới"),
    (lambda b: b["fields"].update(child_sex="X"), "fields.child_sex", "vui lòng chọn"),
    (lambda b: b["fields"].update(favourite_colour="xanh"), "fields.favourite_colour", "không có mục này"),
    (lambda b: b["fields"].update(applicant={"full_name": "Ai đó"}), "fields.applicant", "không có mục này"),
    (lambda b: b["applicant"].update(nickname="Hòa"), "applicant.nickname", "không có mục này"),
    (lambda b: b["applicant"].update(phone="12345"), "applicant.phone", "bắt đầu bằng số 0"),
])
def test_a_form_mistake_is_a_422_naming_the_field_in_vietnamese_and_english(client, change, field, vi):
    b = body()
    change(b)
    r = client.post("/api/dossiers", headers=KIOSK, json=b)
    got = assert_error(r, 422, field, "invalid_form")
    assert vi in got["detail"] and got["detail_en"] and got["detail_en"] != got["detail"]
    assert got["errors"][0]["field"] == field
    assert client.get("/api/dossiers", headers=login(client)).json()["dossiers"] == []  # nothing stored


def test_every_mistake_is_listed_in_form_order(client):
    b = body()
    b["applicant"]["id_number"] = "1"
    b["fields"].pop("mother_full_name")
    b["fields"]["child_sex"] = "?"
    got = client.post("/api/dossiers", headers=KIOSK, json=b).json()
    assert [e["field"] for e in got["errors"]] == ["applicant.id_number", "fields.child_sex",
                                                   "fields.mother_full_name"]


@pytest.mark.parametrize("b,field,code", [
    (body(procedure="9.999999"), "procedure_code", "unknown_procedure"),
    ({k: v for k, v in body().items() if k != "procedure_code"}, "procedure_code", "invalid"),
    ({k: v for k, v in body().items() if k != "idempotency_key"}, "idempotency_key", "invalid"),
    ({k: v for k, v in body().items() if k != "applicant"}, "applicant", "invalid"),
    (body(key="has space"), "idempotency_key", "invalid"),
    ({**body(), "applicant": "Nguyễn Thị Hòa"}, "applicant", "invalid"),
    ({**body(), "fields": ["x"]}, "fields", "invalid"),
    ({**body(), "local_ref": "x" * 81}, "local_ref", "invalid"),
])
def test_bad_requests_name_the_field(client, b, field, code):
    assert_error(client.post("/api/dossiers", headers=KIOSK, json=b), 422, field, code)


def test_submitting_needs_a_kiosk_key(client):
    assert_error(client.post("/api/dossiers", json=body()), 401, "authorization")
    assert_error(client.post("/api/dossiers", json=body(), headers={"Authorization": "Bearer nope"}),
                 401, "authorization")


# ---- codes and appointment dates -----------------------------------------------------------------

def test_codes_restart_each_local_day(client, clock):
    clock.now = local(2026, 3, 2, 23, 59)
    assert submit(client, "a").json()["code"] == "BT-20260302-0001"
    clock.now = local(2026, 3, 3, 0, 1)  # still 2 March in UTC
    assert submit(client, "b").json()["code"] == "BT-20260303-0001"
    assert submit(client, "c").json()["code"] == "BT-20260303-0002"


def test_the_office_code_comes_from_the_settings(make_client):
    c = make_client(office_code="PBT")
    assert submit(c).json()["code"] == "PBT-20260302-0001"


@pytest.mark.parametrize("received,procedure,appointment", [
    (local(2026, 3, 6, 10, 0), "1.001193", "2026-03-09"),    # Friday + 1 working day → Monday
    (local(2026, 3, 6, 15, 0), "1.001193", "2026-03-09"),    # 15:00 sharp is still that day
    (local(2026, 3, 6, 15, 0, 1), "1.001193", "2026-03-10"),  # after 15:00: counts from Monday
    (local(2026, 3, 7, 9, 0), "1.001193", "2026-03-10"),     # Saturday: counts from Monday
    (local(2026, 3, 6, 16, 0), "2.000884", "2026-03-09"),    # same-day procedure after 15:00 → Monday
    (local(2026, 3, 6, 10, 0), "2.000884", "2026-03-06"),    # same-day procedure in the morning
    (local(2027, 2, 3, 10, 0), "1.004873", "2027-02-15"),    # Tết 2027 (4–10 Feb off): 11, 12, 15
    (local(2027, 2, 3, 15, 30), "1.004873", "2027-02-16"),   # … received after 15:00: 12, 15, 16
    (local(2027, 2, 5, 10, 0), "1.001193", "2027-02-12"),    # received on a Tết day: counts from 11 Feb
])
def test_appointment_dates_count_working_days(client, clock, received, procedure, appointment):
    clock.now = received
    fields = {"1.001193": None, "2.000884": SIGNATURE, "1.004873": MARITAL}[procedure]
    if procedure == "1.001193":
        fields = {**BIRTH, "child_date_of_birth": "2026-03-01"}
    r = submit(client, procedure=procedure, fields=fields)
    assert r.status_code == 201, r.text
    docs = [d["vi"] for d in client.get(f"/api/procedures/{procedure}").json()["documents"]][:2]
    r = accept(client, real_staff(client), r.json()["code"], documents=docs)  # received at that time
    assert r.status_code == 200, r.text
    assert r.json()["appointment_date"] == appointment


def test_extra_holidays_and_workdays_from_the_settings(make_client, clock):
    c = make_client(extra_holidays=["2026-03-09"], extra_workdays=["2026-03-07"])
    clock.now = local(2026, 3, 6, 10, 0)  # Friday; Saturday 7 is a make-up day, Monday 9 a local holiday
    code = submit(c, procedure="1.004873", fields=MARITAL).json()["code"]
    docs = [d["vi"] for d in c.get("/api/procedures/1.004873").json()["documents"]][:1]
    r = accept(c, real_staff(c), code, documents=docs)
    assert r.json()["appointment_date"] == "2026-03-11"  # 7, 10, 11


# ---- statuses ----------------------------------------------------------------------------------------

BIRTH_DOCS = [d["vi"] for d in load_catalogue().to_dict()["procedures"][0]["documents"]]  # 1.001193
ALWAYS = BIRTH_DOCS[:3]  # the declaration, the birth notice, the ID card


def real_staff(client, user="canbo1"):
    return {"Authorization": f"Bearer {real_login(client, user)}"}


def move(client, staff, code, status, note=None):
    return client.post(f"/api/dossiers/{code}/status", headers=staff, json={"status": status, "note": note})


def accept(client, staff, code, documents=None, sets=1, note=None):
    return client.post(f"/api/dossiers/{code}/accept", headers=staff,
                       json={"documents_received": ALWAYS if documents is None else documents, "sets": sets,
                             "note": note})


def more_documents(client, staff, code, missing=None, note=None):
    return client.post(f"/api/dossiers/{code}/more-documents", headers=staff,
                       json={"missing_documents": [BIRTH_DOCS[1]] if missing is None else missing, "note": note})


def reject(client, staff, code, reason="Không thuộc thẩm quyền của phường."):
    return client.post(f"/api/dossiers/{code}/reject", headers=staff, json={"reason": reason})


def go(client, staff, code, status):
    """Any move, by the endpoint staff use for it."""
    if status == "received":
        return accept(client, staff, code)
    if status == "more_documents":
        return more_documents(client, staff, code)
    if status == "rejected":
        return reject(client, staff, code)
    return move(client, staff, code, status)


PATH_TO = {"declared": [], "received": ["received"], "processing": ["received", "processing"],
           "more_documents": ["more_documents"], "ready": ["received", "processing", "ready"],
           "returned": ["received", "processing", "ready", "returned"], "rejected": ["rejected"],
           "cancelled": ["cancelled"]}
ALLOWED = {("declared", "received"), ("declared", "more_documents"), ("declared", "rejected"),
           ("declared", "cancelled"), ("received", "processing"), ("received", "more_documents"),
           ("received", "rejected"), ("processing", "ready"), ("processing", "more_documents"),
           ("processing", "rejected"), ("more_documents", "received"), ("more_documents", "processing"),
           ("more_documents", "rejected"), ("ready", "returned")}
EVERY_MOVE = [(a, b) for a in PATH_TO for b in PATH_TO]


def test_the_status_table_is_the_one_staff_were_promised():
    assert {(a, b) for a, nexts in dossiers.TRANSITIONS.items() for b in nexts} == ALLOWED
    assert set(dossiers.STATUSES) == set(PATH_TO)


@pytest.mark.parametrize("start,target", EVERY_MOVE, ids=[f"{a}->{b}" for a, b in EVERY_MOVE])
def test_every_move_is_allowed_or_refused_with_a_409_naming_the_status(client, start, target):
    staff = login(client)
    code = new_code(client)
    for step in PATH_TO[start]:
        assert go(client, staff, code, step).status_code == 200
    before = client.get(f"/api/dossiers/{code}", headers=staff).json()
    r = go(client, staff, code, target)
    if (start, target) == ("received", "received"):  # the same "Tiếp nhận" again: the same dossier, unchanged
        assert r.status_code == 200 and r.json()["history"] == before["history"]
        assert r.json()["received_at"] == before["received_at"]
    elif (start, target) in ALLOWED:
        assert r.status_code == 200, r.text
        assert r.json()["status"] == target
        assert r.json()["history"][-1]["status"] == target
    else:
        got = assert_error(r, 409, "status", "bad_status")
        assert got["status"] == start and start in got["detail"]
        assert client.get(f"/api/dossiers/{code}", headers=staff).json()["status"] == start


def test_a_second_identical_reception_gives_the_same_dossier_and_a_different_one_is_refused(client, clock):
    code = new_code(client)
    staff = login(client)
    first = accept(client, staff, code, sets=2).json()
    clock.now = clock.now + dt.timedelta(minutes=3)  # a retried request, minutes later
    again = accept(client, staff, code, sets=2)
    assert again.status_code == 200 and again.json()["received_at"] == first["received_at"]
    assert again.json()["appointment_at"] == first["appointment_at"] and len(again.json()["history"]) == 2
    assert_error(accept(client, staff, code, sets=3), 409, "status", "bad_status")  # not the same reception


def test_an_officer_receives_a_declared_dossier(client, clock):
    code = new_code(client)
    clock.now = local(2026, 3, 2, 10, 10)  # Monday; birth registration takes 1 working day
    r = accept(client, login(client), code, documents=ALWAYS + [BIRTH_DOCS[3]], sets=2, note="Đủ giấy tờ.")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["status"] == "received" and d["note"] == "Đủ giấy tờ."
    assert d["declared_at"] == "2026-03-02T02:00:00+00:00" and d["received_at"] == "2026-03-02T03:10:00+00:00"
    assert (d["received_by"], d["received_by_user"]) == ("Nguyễn Văn An", "canbo1")  # name and username
    assert d["documents_received"] == ALWAYS + [BIRTH_DOCS[3]] and d["sets"] == 2
    assert d["appointment_date"] == "2026-03-03"
    assert d["appointment_at"] == "2026-03-03T10:30:00+07:00"  # the reception's hour, rounded up
    assert [h["status"] for h in d["history"]] == ["declared", "received"]
    public = client.get(f"/api/dossiers/{d['public_token']}").json()
    assert public["appointment_at"] == "2026-03-03T10:30:00+07:00" and "received_by" not in public
    with client.app.state.office.db.read() as s:
        actions = [a.action for a in s.scalars(select(AuditEntry).where(AuditEntry.entity == "dossier"))]
    assert actions == ["dossier_declare", "dossier_accept"]


def test_the_staff_view_keeps_the_keys_the_forms_and_the_connector_read(client):
    code = new_code(client)
    d = accept(client, login(client), code).json()
    for key in ("code", "status", "procedure_code", "procedure_name", "applicant", "fields", "declared_at",
                "received_at", "received_by", "documents_received", "sets", "appointment_at",
                "appointment_date", "missing_documents", "note", "history"):
        assert key in d, key
    assert d["procedure_name"] == "Đăng ký khai sinh" and d["applicant"]["full_name"] == "Nguyễn Thị Hòa"


@pytest.mark.parametrize("received,procedure,at", [
    (local(2026, 3, 6, 7, 15), "1.001193", "2026-03-09T08:00:00+07:00"),   # before office hours → 08:00
    (local(2026, 3, 6, 14, 0), "1.001193", "2026-03-09T14:00:00+07:00"),   # on the half hour stays
    (local(2026, 3, 6, 16, 45), "1.001193", "2026-03-10T16:30:00+07:00"),  # after the cut-off, late → 16:30
    (local(2026, 3, 6, 10, 0), "2.000884", "2026-03-06T16:30:00+07:00"),   # same day: by the day's end
])
def test_the_appointment_hour_follows_the_reception(client, clock, received, procedure, at):
    fields = {"1.001193": {**BIRTH, "child_date_of_birth": "2026-03-01"}, "2.000884": SIGNATURE}[procedure]
    clock.now = received
    code = new_code(client, procedure=procedure, fields=fields)
    docs = ALWAYS if procedure == "1.001193" else [d["vi"] for d in client.get(
        f"/api/procedures/{procedure}").json()["documents"]]
    r = accept(client, real_staff(client), code, documents=docs)
    assert r.status_code == 200, r.text
    assert r.json()["appointment_at"] == at and r.json()["appointment_date"] == at[:10]


@pytest.mark.parametrize("payload,field,code", [
    ({"documents_received": ["Giấy tờ không có trong danh mục"], "sets": 1}, "documents_received.0",
     "unknown_document"),
    ({"documents_received": [], "sets": 1}, "documents_received", "documents_required"),
    ({"documents_received": "Tờ khai", "sets": 1}, "documents_received", "invalid"),
    ({"documents_received": ALWAYS, "sets": 0}, "sets", "invalid"),
    ({"documents_received": ALWAYS, "sets": 21}, "sets", "invalid"),
    ({"documents_received": ALWAYS, "sets": "2"}, "sets", "invalid"),
    ({"documents_received": ALWAYS, "sets": True}, "sets", "invalid"),
    ({"documents_received": ALWAYS}, "sets", "invalid"),
    ({"sets": 1}, "documents_received", "invalid"),
])
def test_a_bad_reception_is_a_422_naming_the_field_and_changes_nothing(client, payload, field, code):
    staff = login(client)
    dossier = new_code(client)
    assert_error(client.post(f"/api/dossiers/{dossier}/accept", headers=staff, json=payload), 422, field, code)
    d = client.get(f"/api/dossiers/{dossier}", headers=staff).json()
    assert d["status"] == "declared" and d["received_at"] is None and len(d["history"]) == 1


def test_more_documents_names_the_papers_and_the_citizen_sees_them(client):
    staff = login(client)
    code = new_code(client)
    assert_error(more_documents(client, staff, code, missing=[]), 422, "missing_documents", "documents_required")
    assert_error(more_documents(client, staff, code, missing=["x"]), 422, "missing_documents.0",
                 "unknown_document")
    r = more_documents(client, staff, code, missing=[BIRTH_DOCS[1]], note="Mang bản chính.")
    assert r.status_code == 200, r.text
    assert r.json()["missing_documents"] == [BIRTH_DOCS[1]]
    public = client.get(f"/api/dossiers/{r.json()['public_token']}").json()
    assert public["status"] == "more_documents" and public["missing_documents"] == [BIRTH_DOCS[1]]
    r = accept(client, staff, code)  # the papers were completed
    assert r.json()["status"] == "received" and r.json()["missing_documents"] == []


def test_rejection_needs_a_reason_and_the_generic_move_cannot_receive(client):
    code = new_code(client)
    staff = login(client)
    assert_error(reject(client, staff, code, "   "), 422, "reason", "reason_required")
    assert_error(move(client, staff, code, "received"), 422, "status", "use_accept")
    assert_error(move(client, staff, code, "rejected", "  "), 422, "note", "note_required")
    assert_error(move(client, staff, code, "done"), 422, "status", "unknown_status")
    assert_error(move(client, staff, "BT-20990101-0001", "processing"), 404, None, "dossier_not_found")
    assert_error(move(client, KIOSK, code, "processing"), 401, "authorization")
    for path in ("accept", "more-documents", "reject"):
        assert_error(client.post(f"/api/dossiers/{code}/{path}", headers=KIOSK, json={}), 401, "authorization")
    assert client.get(f"/api/dossiers/{code}", headers=staff).json()["status"] == "declared"


def test_staff_move_a_dossier_through_its_statuses_with_history(client, clock):
    code = new_code(client)
    staff = login(client)
    for step in ("received", "processing", "more_documents", "processing", "ready", "returned"):
        clock.advance(minutes=10)
        r = go(client, staff, code, step)
        assert r.status_code == 200, r.text
    d = r.json()
    assert [h["status"] for h in d["history"]] == ["declared", "received", "processing", "more_documents",
                                                   "processing", "ready", "returned"]
    assert {h["actor"] for h in d["history"][1:]} == {"user:canbo1"}
    assert d["next_statuses"] == []
    with client.app.state.office.db.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.entity == "dossier")).all()
    assert [a.action for a in audits] == ["dossier_declare", "dossier_accept", "dossier_status",
                                          "dossier_more_documents", "dossier_status", "dossier_status",
                                          "dossier_status"]
    assert all(a.entity_id == code for a in audits)


def test_staff_file_a_counter_dossier_and_receive_it_on_the_same_form(client):
    staff = login(client)
    r = client.post("/api/dossiers", headers=staff, json=body("counter-1"))
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    assert r.json()["status"] == "declared"
    d = accept(client, staff, code, sets=1).json()
    assert d["status"] == "received" and d["kiosk_id"] is None
    assert [h["actor"] for h in d["history"]] == ["user:canbo1", "user:canbo1"]
    assert client.post("/api/dossiers", headers=staff, json=body("counter-1")).status_code == 200  # same key


def test_staff_list_declared_dossiers_older_than_the_configured_days(make_client, clock):
    c = make_client(dossier_stale_days=3)
    old = new_code(c, "a")
    cancelled_one = new_code(c, "b")
    clock.advance(days=2)
    received = new_code(c, "c")
    fresh = new_code(c, "d")
    clock.advance(days=2)  # old ones now 4 days declared, the others 2
    staff = real_staff(c)
    accept(c, staff, received)

    def codes(**params):
        r = c.get("/api/dossiers", params=params, headers=staff)
        assert r.status_code == 200, r.text
        return [d["code"] for d in r.json()["dossiers"]], r.json()["stale_days"]

    assert codes(stale="true") == ([old, cancelled_one], 3)  # oldest first
    assert codes(stale_days=1) == ([old, cancelled_one, fresh], 3)
    assert move(c, staff, cancelled_one, "cancelled", "Quá hạn, công dân không đến nộp.").status_code == 200
    assert codes(stale="true")[0] == [old]
    assert_error(c.get("/api/dossiers", params={"stale_days": -1}, headers=staff), 422, "stale_days")


def test_the_share_of_declared_dossiers_received_is_countable(client, clock):
    staff = login(client)
    codes = [new_code(client, f"k{i}") for i in range(4)]
    accept(client, staff, codes[0])
    accept(client, staff, codes[1])
    move(client, staff, codes[1], "processing")
    move(client, staff, codes[2], "cancelled")
    r = client.get("/api/dossiers/stats", headers=staff)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["declared"], got["received"], got["received_share"]) == (4, 2, 0.5)
    assert got["by_status"]["declared"] == 1 and got["by_status"]["cancelled"] == 1
    assert got["by_status"]["received"] == 1 and got["by_status"]["processing"] == 1
    assert client.get("/api/dossiers/stats", params={"from": "2026-03-03"}, headers=staff).json()[
        "received_share"] is None
    assert_error(client.get("/api/dossiers/stats", params={"from": "2026-03-03", "to": "2026-03-01"},
                            headers=staff), 422, "from")
    assert_error(client.get("/api/dossiers/stats", headers=KIOSK), 401, "authorization")


def test_dossier_events_name_the_dossier_not_the_person(client):
    code = submit(client).json()["code"]
    accept(client, login(client), code)
    office = client.app.state.office
    events = [(kind, data) for _, kind, data in office.hub.fetch_since(0) if kind == "dossier"]
    assert events == [("dossier", {"action": "declared", "code": code, "status": "declared",
                                   "procedure_code": "1.001193"}),
                      ("dossier", {"action": "status", "code": code, "status": "received",
                                   "procedure_code": "1.001193"})]


# ---- what kiosks and the public see ------------------------------------------------------------------

def assert_no_personal_data(view, *, staff_names_too=True):
    text = str(view)
    for value in PERSONAL:
        assert value not in text, value
    if staff_names_too:
        assert "canbo1" not in text and "actor" not in text


def test_kiosk_and_public_views_hold_no_personal_data(client):
    receipt = submit(client).json()
    code = receipt["code"]
    staff = login(client)
    accept(client, staff, code)
    r = client.post(f"/api/dossiers/{code}/status", headers=staff, json={
        "status": "more_documents", "note": "Mẹ Trần Thị Bích Ngọc gọi 0912345678",
        "citizen_note": "Mang bản chính giấy chứng sinh."})
    assert r.json()["note"] == "Mẹ Trần Thị Bích Ngọc gọi 0912345678"  # staff see both notes
    assert r.json()["citizen_note"] == "Mang bản chính giấy chứng sinh."
    kiosk = client.get(f"/api/dossiers/{code}", headers=KIOSK).json()
    public = client.get(f"/api/dossiers/{receipt['public_token']}").json()
    for view in (kiosk, public):
        assert_no_personal_data(view)
        assert "0912345678" not in str(view) and "note" not in view
        assert view["status"] == "more_documents" and view["citizen_note"] == "Mang bản chính giấy chứng sinh."
        assert [h["status"] for h in view["history"]] == ["declared", "received", "more_documents"]
        assert view["appointment_date"] == "2026-03-03" and view["procedure_name_vi"] == "Đăng ký khai sinh"
    assert kiosk["masked_id"] == "079******234" and "masked_id" not in public


def test_a_kiosk_lists_only_the_scanned_citizens_dossiers(client):
    mine = submit(client, "a").json()["code"]
    other = dict(APPLICANT, id_number="001200009999", full_name="Lê Văn Tám")
    submit(client, "b", applicant=other, fields={**BIRTH, "mother_id_number": "001200009999"})
    listed = client.get("/api/dossiers", params={"id_number": ID_NUMBER, "confirm": "3456"},
                        headers=KIOSK).json()["dossiers"]
    assert [d["code"] for d in listed] == [mine]
    assert_no_personal_data(listed)
    assert client.get("/api/dossiers", params={"id_number": "079190009999", "confirm": "3456"},
                      headers=KIOSK).json() == {"dossiers": []}
    assert_error(client.get("/api/dossiers", headers=KIOSK), 422, "id_number", "id_number_required")
    assert_error(client.get("/api/dossiers", params={"id_number": "12"}, headers=KIOSK), 422, "id_number")
    assert_error(client.get("/api/dossiers", params={"id_number": ID_NUMBER}), 401, "authorization")


def test_staff_filter_by_status_and_day(client, clock):
    first = submit(client, "a").json()["code"]
    clock.now = local(2026, 3, 3, 9, 0)
    second = submit(client, "b").json()["code"]
    staff = {"Authorization": f"Bearer {real_login(client)}"}  # the next day
    accept(client, staff, second)

    def codes(**params):
        return [d["code"] for d in client.get("/api/dossiers", params=params, headers=staff).json()["dossiers"]]

    assert codes() == [second, first]
    assert codes(status="declared") == [first]
    assert codes(day="2026-03-03") == [second]
    assert codes(day="2026-03-03", status="declared") == []
    assert_error(client.get("/api/dossiers", params={"status": "lost"}, headers=staff), 422, "status")
    assert_error(client.get("/api/dossiers", params={"day": "03/03/2026"}, headers=staff), 422, "day")


# ---- catalogue ------------------------------------------------------------------------------------

def test_the_catalogue_is_served_as_the_bundled_file(client):
    served = client.get("/api/procedures").json()
    assert served == load_catalogue().to_dict()
    assert len(catalogue_from_dict(served)) == len(load_catalogue())
    one = client.get("/api/procedures/1.001193").json()
    assert one["name_vi"] == "Đăng ký khai sinh" and "child_full_name" in one["form_schema"]["properties"]
    assert_error(client.get("/api/procedures/0.000000"), 404, None, "procedure_not_found")


def test_an_admin_edits_a_procedure_and_kiosks_see_it(client):
    admin = login(client, "admin")
    r = client.put("/api/admin/procedures/2.000884", headers=admin,
                   json={"fee_vnd": 12000, "fee_text_vi": "12.000 đồng/trường hợp", "processing_days": 1})
    assert r.status_code == 200, r.text
    served = catalogue_from_dict(client.get("/api/procedures").json()).by_code("2.000884")
    assert (served.fee_vnd, served.fee_text_vi, served.processing_days) == (12000, "12.000 đồng/trường hợp", 1)
    code = submit(client, procedure="2.000884", fields=SIGNATURE).json()["code"]
    docs = [d["vi"] for d in client.get("/api/procedures/2.000884").json()["documents"]]
    r = accept(client, login(client), code, documents=docs)
    assert r.json()["appointment_date"] == "2026-03-03"  # the new processing time counts


@pytest.mark.parametrize("changes,field", [
    ({"fee_vnd": -5}, "fee_vnd"),
    ({"fee_vnd": "free"}, "fee_vnd"),
    ({"processing_days": "3"}, "processing_days"),
    ({"documents": [{"vi": "Tờ khai"}]}, None),  # the message names the document, not one key
    ({"documents": "Tờ khai"}, "documents"),
    ({"name_vi": "Ca\u0300"}, None),  # not NFC
    ({"field_code": "Z"}, "field_code"),
    ({"form_schema": {"type": "object", "properties": {}}}, "form_schema"),
    ({"code": "2.000885"}, "code"),
])
def test_a_broken_admin_edit_is_a_422_and_nothing_is_stored(client, changes, field):
    admin = login(client, "admin")
    before = client.get("/api/procedures").json()
    r = client.put("/api/admin/procedures/2.000884", headers=admin, json=changes)
    assert r.status_code == 422, r.text
    if field:
        assert r.json()["field"] == field
    assert r.json()["detail"]
    assert client.get("/api/procedures").json() == before


def test_a_new_procedure_needs_a_complete_entry(client):
    admin = login(client, "admin")
    assert client.put("/api/admin/procedures/9.000001", headers=admin,
                      json={"name_vi": "Thủ tục mới"}).status_code == 422
    entry = {**client.get("/api/procedures/2.000884").json(), "code": "9.000001", "name_vi": "Thủ tục thử"}
    assert client.put("/api/admin/procedures/9.000001", headers=admin, json=entry).status_code == 200
    assert client.get("/api/procedures").json()["procedures"][-1]["name_vi"] == "Thủ tục thử"


def test_only_admins_edit_the_catalogue(client):
    assert_error(client.put("/api/admin/procedures/2.000884", json={"fee_vnd": 1}), 401, "authorization")
    assert_error(client.put("/api/admin/procedures/2.000884", headers=login(client), json={"fee_vnd": 1}),
                 403, "authorization", "admin_only")
    assert_error(client.put("/api/admin/procedures/2.000884", headers=KIOSK, json={"fee_vnd": 1}),
                 401, "authorization")


# ---- purge ----------------------------------------------------------------------------------------

def test_purge_removes_personal_data_of_long_closed_dossiers_only(client, clock, capsys):
    """`kiosk office purge` runs on the real clock: the dossiers are made 400 and 10 days ago."""
    real_now = dt.datetime.now(dt.timezone.utc)
    clock.now = real_now - dt.timedelta(days=400)
    staff = {"Authorization": f"Bearer {real_login(client)}"}
    old_returned = new_code(client, "a")
    old_rejected = new_code(client, "b")
    old_open = new_code(client, "c")
    for status in ("received", "processing", "ready", "returned"):
        go(client, staff, old_returned, status)
    move(client, staff, old_rejected, "rejected", "Thiếu giấy tờ của Nguyễn Thị Hòa.")
    go(client, staff, old_open, "received")
    clock.now = real_now - dt.timedelta(days=10)
    staff = {"Authorization": f"Bearer {real_login(client)}"}
    recent = new_code(client, "d")
    for status in ("received", "processing", "ready", "returned"):
        go(client, staff, recent, status)
    before = {c: client.get(f"/api/dossiers/{c}", headers=staff).json() for c in (old_returned, old_rejected)}

    url = client.app.state.office.settings.database_url
    assert cli_main(["office", "purge", "--database", url]) == 0
    assert "2 dossier(s)" in capsys.readouterr().out
    for code in (old_returned, old_rejected):
        d = client.get(f"/api/dossiers/{code}", headers=staff).json()
        assert set(d["applicant"]) == {"purged_at"} and set(d["fields"]) == {"purged_at"}
        assert d["purged_at"] and d["masked_id"] == "" and d["note"] is None
        assert_no_personal_data(d, staff_names_too=False)
        kept = ("code", "status", "declared_at", "received_at", "appointment_date", "procedure_code", "updated_at")
        assert {k: d[k] for k in kept} == {k: before[code][k] for k in kept}
        assert [h["status"] for h in d["history"]] == [h["status"] for h in before[code]["history"]]
        assert all(h["note"] is None for h in d["history"])
    for code in (old_open, recent):
        assert client.get(f"/api/dossiers/{code}", headers=staff).json()["applicant"] == APPLICANT
    listed = client.get("/api/dossiers", params={"id_number": ID_NUMBER, "confirm": "3456"},
                        headers=KIOSK).json()["dossiers"]
    assert {d["code"] for d in listed} == {old_open, recent}
    with client.app.state.office.db.read() as s:
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "dossier_purge"))
    assert audit.actor == "cli" and audit.details["count"] == 2
    assert set(audit.details["codes"]) == {old_returned, old_rejected}

    assert cli_main(["office", "purge", "--database", url]) == 0  # nothing left to purge
    assert "0 dossier(s)" in capsys.readouterr().out


def test_purge_keeps_what_closed_within_the_retention_period(client, clock):
    office = client.app.state.office
    staff = login(client)
    code = submit(client).json()["code"]
    move(client, staff, code, "rejected", "Sai thẩm quyền.")
    clock.advance(days=30)
    assert office.run("cli", dossiers.purge, 31) == []
    clock.advance(days=1, seconds=1)
    assert office.run("cli", dossiers.purge, 31) == [code]


# ---- schema ---------------------------------------------------------------------------------------

MY_TABLES = {"dossiers", "dossier_history", "dossier_counters", "procedures", "catalogue_meta"}


def _table_of(diff) -> str | None:
    for item in (diff if isinstance(diff, list) else [diff]):
        for part in item:
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if name in MY_TABLES:
                return name
            if getattr(table, "name", None) in MY_TABLES:
                return table.name
            if isinstance(part, str) and part in MY_TABLES:
                return part
    return None


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def test_migrations_build_the_tables_the_models_describe(backend, tmp_path, request):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlalchemy import inspect as sa_inspect

    from kiosk.office.storage.migrate import upgrade
    from kiosk.office.storage.models import Base
    from office_testing import pg_schema

    def check(url):
        upgrade(url)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
                tables = set(sa_inspect(conn).get_table_names())
        finally:
            engine.dispose()
        assert MY_TABLES <= tables
        assert [d for d in diffs if _table_of(d)] == []

    if backend == "sqlite":
        check(sqlite_url(tmp_path / "m.db"))
    else:
        with pg_schema(request.getfixturevalue("pg_url")) as url:
            check(url)


# ---- any input gets an answer, never a crash ---------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=8)
names = st.sampled_from(["full_name", "id_number", "date_of_birth", "sex", "address", "phone", "child_sex",
                         "child_full_name", "child_date_of_birth", "relationship", "x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(applicant=st.dictionaries(names, json_values, max_size=6), fields=st.dictionaries(names, json_values, max_size=6))
def test_any_applicant_and_fields_get_201_or_a_422_naming_a_field(client, applicant, fields):
    b = body(applicant=applicant, fields=fields)
    b["idempotency_key"] = "fuzz-" + uuid.uuid4().hex
    r = client.post("/api/dossiers", headers=KIOSK, json=b)
    assert r.status_code in (201, 422), r.text
    if r.status_code == 422:
        got = r.json()
        assert got["field"] and got["field"].split(".")[0] in ("applicant", "fields") and got["detail"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.sampled_from(["documents_received", "sets", "note", "x"]), json_values, max_size=4),
       path=st.sampled_from(["accept", "more-documents", "reject"]))
def test_any_reception_body_gets_an_answer_never_a_crash(client, payload, path):
    code = new_code(client, "fuzz-" + uuid.uuid4().hex)
    r = client.post(f"/api/dossiers/{code}/{path}", headers=login(client), json=payload)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        assert r.json()["field"] and r.json()["detail"]


def test_the_dossier_console_is_served_and_linked_from_the_index_and_the_counter_page(client):
    page = client.get("/dossiers")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/web/dossiers.js"' in page.text and "<script>" not in page.text
    for path in ("/", "/counter"):
        assert 'href="/dossiers"' in client.get(path).text
    assert client.get("/web/dossiers.js").status_code == 200
    assert 'src="/web/admin_procedures.js"' in client.get("/admin").text


@pytest.mark.parametrize("raw", ['{"number_of_documents": Infinity}', '{"number_of_documents": NaN}',
                                 '{"document_name": 1e400}'])
def test_non_json_numbers_are_refused_not_crashed_on(client, raw):
    text = ('{"idempotency_key": "inf", "procedure_code": "2.000884", "applicant": %s, "fields": %s}'
            % (json.dumps(APPLICANT, ensure_ascii=False), raw))
    r = client.post("/api/dossiers", headers={**KIOSK, "Content-Type": "application/json"},
                    content=text.encode())
    assert r.status_code == 422, r.text
    assert r.json()["field"].startswith("fields.")
