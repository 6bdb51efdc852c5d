"""No personal data without the right to see it (issue 19, item 3), through the real app on SQLite:
the public look-up answers only for the slip's unguessable token, the citizen's note is apart from
staff's internal note, a kiosk's list by ID card holds no notes and is rate-limited and audited,
and a kiosk sees only the tickets it issued."""

import copy
import datetime as dt
import warnings

import pytest
from sqlalchemy import select

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.operations.dossiers import ID_LOOKUPS_PER_MINUTE
from kiosk.office.settings import OfficeSettings
from kiosk.office.storage.models import AuditEntry
from office_testing import Clock, demo_sqlite

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}
KIOSK2_KEY = "second-kiosk-key-for-the-privacy-tests"
KIOSK2 = {"Authorization": f"Bearer {KIOSK2_KEY}"}
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
# the example of a staff note that must never leave staff views
STAFF_NOTE = "Thiếu giấy chứng sinh của bé Lê Minh Khôi, mẹ Trần Thị Bích Ngọc gọi 0912345678"
CITIZEN_NOTE = "Xin mang bản chính Giấy chứng sinh khi đến quầy."
MISSING = "Giấy chứng sinh (bản chính)"


@pytest.fixture
def clock():
    return Clock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc))  # Monday 09:00 in Hồ Chí Minh City


@pytest.fixture
def client(tmp_path, tmp_path_factory, clock):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    app = create_app(OfficeSettings(database_url=url, demo=True, kiosk_keys={"kiosk-2": KIOSK2_KEY}), clock=clock)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def staff(client):
    r = client.post("/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def submit(client, key="k1", headers=KIOSK, **applicant):
    r = client.post("/api/dossiers", headers=headers, json={
        "idempotency_key": key, "procedure_code": "1.001193", "applicant": {k: v for k, v in {**copy.deepcopy(APPLICANT), **applicant}.items() if v is not None},
        "fields": copy.deepcopy(BIRTH)})
    assert r.status_code == 201, r.text
    return r.json()


def missing_document(client) -> str:
    docs = client.get("/api/procedures/1.001193").json()["documents"]
    return next(d["vi"] for d in docs if "chứng sinh" in d["vi"].lower())


# ---- the public look-up: the token only ----------------------------------------------------------

def test_the_public_look_up_answers_for_the_token_never_for_the_sequential_code(client, staff):
    first, second = submit(client, "a"), submit(client, "b")
    assert first["code"].endswith("-0001") and second["code"].endswith("-0002")  # codes are countable
    assert len({first["public_token"], second["public_token"]}) == 2 and len(first["public_token"]) == 22

    for code in (first["code"], second["code"], "BT-20260302-0003"):
        r = client.get(f"/api/dossiers/{code}")
        assert r.status_code == 404 and r.json()["code"] == "dossier_not_found", r.text
        assert client.get(f"/d/{code}").status_code == 404  # the page too
    public = client.get(f"/api/dossiers/{first['public_token']}")
    assert public.status_code == 200 and public.json()["code"] == first["code"]
    page = client.get(f"/d/{first['public_token']}")
    assert page.status_code == 200 and f'data-token="{first["public_token"]}"' in page.text
    assert first["code"] not in page.text  # the page fetches the dossier; it does not print the code

    # staff (the /dossiers console pasting the slip's URL) and kiosks find it by code or by token
    by_token = client.get(f"/api/dossiers/{first['public_token']}", headers=staff).json()
    assert by_token["code"] == first["code"] and by_token["applicant"]["full_name"] == "Nguyễn Thị Hòa"
    assert client.get(f"/api/dossiers/{first['code']}", headers=staff).json()["id"] == by_token["id"]
    kiosk = client.get(f"/api/dossiers/{first['public_token']}", headers=KIOSK).json()
    assert kiosk["code"] == first["code"] and kiosk["masked_id"] == "079******234"
    assert client.get(f"/api/dossiers/{first['code']}", headers=KIOSK).status_code == 200


def test_the_citizen_sees_only_the_note_written_for_them(client, staff):
    d = submit(client)
    code, token = d["code"], d["public_token"]
    doc = missing_document(client)
    r = client.post(f"/api/dossiers/{code}/more-documents", headers=staff,
                    json={"missing_documents": [doc], "note": STAFF_NOTE, "citizen_note": CITIZEN_NOTE})
    assert r.status_code == 200, r.text
    assert (r.json()["note"], r.json()["citizen_note"]) == (STAFF_NOTE, CITIZEN_NOTE)  # staff see both
    assert r.json()["history"][-1]["note"] == STAFF_NOTE

    for view in (client.get(f"/api/dossiers/{token}").json(),
                 client.get(f"/api/dossiers/{code}", headers=KIOSK).json()):
        assert "0912345678" not in str(view) and "Bích Ngọc" not in str(view)
        assert view["citizen_note"] == CITIZEN_NOTE and view["missing_documents"] == [doc]
        assert "note" not in view and all("note" not in h for h in view["history"])

    # a refusal: the reason is staff's record; the citizen reads only what was written for them
    r = client.post(f"/api/dossiers/{code}/reject", headers=staff, json={"reason": STAFF_NOTE})
    assert r.status_code == 200 and r.json()["citizen_note"] is None
    public = client.get(f"/api/dossiers/{token}").json()
    assert public["status"] == "rejected" and public["citizen_note"] is None and "0912345678" not in str(public)


def test_a_citizen_note_alone_is_enough_to_ask_for_papers_and_its_length_is_bounded(client, staff):
    code = submit(client)["code"]
    r = client.post(f"/api/dossiers/{code}/status", headers=staff,
                    json={"status": "more_documents", "citizen_note": CITIZEN_NOTE})
    assert r.status_code == 200 and r.json()["note"] is None and r.json()["citizen_note"] == CITIZEN_NOTE
    r = client.post(f"/api/dossiers/{code}/status", headers=staff,
                    json={"status": "rejected", "note": "x", "citizen_note": "a" * 1001})
    assert r.status_code == 422 and r.json()["field"] == "citizen_note", r.text


# ---- a kiosk's list by ID card --------------------------------------------------------------------

def test_the_kiosk_list_by_id_card_shows_codes_procedures_and_statuses_only(client, staff):
    d = submit(client)
    client.post(f"/api/dossiers/{d['code']}/more-documents", headers=staff,
                json={"missing_documents": [missing_document(client)], "note": STAFF_NOTE,
                      "citizen_note": CITIZEN_NOTE})
    (listed,) = card_lookup(client, ID_NUMBER, "3456").json()["dossiers"]
    assert (listed["code"], listed["status"], listed["procedure_name_vi"]) == (
        d["code"], "more_documents", "Đăng ký khai sinh")
    text = str(listed)
    assert STAFF_NOTE not in text and CITIZEN_NOTE not in text and d["public_token"] not in text
    assert "Nguyễn Thị Hòa" not in text and ID_NUMBER not in text
    assert listed["history"] == [] and not listed.get("public_token")


def card_lookup(client, id_number, confirm, headers=KIOSK):
    return client.get("/api/dossiers", params={"id_number": id_number, "confirm": confirm}, headers=headers)


def codes(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [d["code"] for d in r.json()["dossiers"]]


def test_a_card_alone_lists_nothing_its_confirmation_is_required(client):
    submit(client)
    for params in ({"id_number": ID_NUMBER}, {"id_number": ID_NUMBER, "confirm": "  "}):
        r = client.get("/api/dossiers", params=params, headers=KIOSK)
        assert r.status_code == 422 and r.json()["field"] == "confirm", r.text
        assert r.json()["code"] == "confirmation_required"


def test_a_card_lists_only_the_dossiers_its_phone_digits_or_slip_code_confirm(client):
    a = submit(client, "a")  # phone 0903123456
    b = submit(client, "b", phone="0987650001")  # another phone
    c = submit(client, "c", phone=None)  # no phone: only its slip opens them
    d = submit(client, "d", phone=None)
    assert codes(card_lookup(client, ID_NUMBER, "9999")) == []  # wrong digits: nothing at all
    assert codes(card_lookup(client, ID_NUMBER, "3456")) == [a["code"]]  # right digits: that phone's
    assert codes(card_lookup(client, ID_NUMBER, "0001")) == [b["code"]]
    assert codes(card_lookup(client, "001200009999", "3456")) == []  # the digits of another card's dossier
    # the slip's code, typed in any case, or the token of its QR: that one dossier
    assert codes(card_lookup(client, ID_NUMBER, c["code"].lower())) == [c["code"]]
    assert codes(card_lookup(client, ID_NUMBER, d["public_token"])) == [d["code"]]
    assert codes(card_lookup(client, ID_NUMBER, d["public_token"].swapcase())) == []
    assert codes(card_lookup(client, ID_NUMBER, "BT-20260302-9999")) == []
    assert codes(card_lookup(client, "001200009999", a["code"])) == []  # a slip of another card


def test_wrong_confirmations_count_toward_the_kiosks_limit_and_are_audited(client, clock):
    submit(client)
    for i in range(ID_LOOKUPS_PER_MINUTE - 1):
        assert codes(card_lookup(client, ID_NUMBER, f"{i:04d}")) == [], i
    assert len(codes(card_lookup(client, ID_NUMBER, "3456"))) == 1  # the 20th, right: still answered
    r = card_lookup(client, ID_NUMBER, "3456")
    assert r.status_code == 429 and r.json()["field"] == "id_number" and r.json()["code"] == "too_many_lookups"
    assert r.headers["retry-after"] == "60"
    assert "Traceback" not in r.text
    # another kiosk is not held up by this one
    assert len(codes(card_lookup(client, ID_NUMBER, "3456", headers=KIOSK2))) == 1
    clock.now += dt.timedelta(seconds=61)  # a minute later, the kiosk may look up again
    assert len(codes(card_lookup(client, ID_NUMBER, "3456"))) == 1

    with client.app.state.office.db.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "dossier_lookup_id")).all()
        audited = [(a.actor, a.details) for a in rows]
    assert len(audited) == ID_LOOKUPS_PER_MINUTE + 2  # the refused one is not counted
    assert {actor for actor, _ in audited} == {"kiosk:kiosk-2", "kiosk:kiosk-1"}
    wrong = [d for _, d in audited if not d["confirmed"]]
    assert len(wrong) == ID_LOOKUPS_PER_MINUTE - 1 and {d["found"] for d in wrong} == {0}
    assert audited[-1][1] == {"masked_id": "079******234", "confirmed_by": "phone", "confirmed": True, "found": 1}
    assert not any(ID_NUMBER in str(a) or "3456" in str(a) for a in audited)  # neither the number nor digits


# ---- tickets: a kiosk sees its own ---------------------------------------------------------------

def test_a_kiosk_sees_and_reprints_only_the_tickets_it_issued(client, staff):
    r = client.post("/api/tickets", headers=KIOSK, json={"service": "ho-tich", "idempotency_key": "t1"})
    assert r.status_code == 201, r.text
    ticket = r.json()["id"]
    for method, path, body in (("GET", f"/api/tickets/{ticket}", None),
                               ("POST", f"/api/tickets/{ticket}/reprint", None),
                               ("POST", f"/api/tickets/{ticket}/print-result", {"printed": True})):
        other = client.request(method, path, headers=KIOSK2, json=body)
        assert other.status_code == 404 and other.json()["code"] == "ticket_not_found", other.text
        own = client.request(method, path, headers=KIOSK, json=body)
        assert own.status_code == 200 and own.json()["id"] == ticket, own.text
        assert client.request(method, path, headers=staff, json=body).status_code == 200
    assert client.get(f"/api/tickets/{ticket}", headers=staff).json()["status"] == "waiting"


def test_the_access_log_holds_neither_the_card_number_nor_its_confirmation():
    import logging

    from kiosk.office.api.dossiers import MaskIdNumbers

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/api/dossiers?id_number={ID_NUMBER}&confirm=3456",
                                "1.1", 200), None)
    assert MaskIdNumbers().filter(record)
    line = record.getMessage()
    assert ID_NUMBER not in line and "3456" not in line and "confirm=***" in line and "079******234" in line
