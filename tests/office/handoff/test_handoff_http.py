"""Hand-off over HTTP to a stand-in provincial system (a real local HTTP server): the body and
headers it gets, success with 201 and with 409, retries with backoff after 500s and timeouts, a
400 refusal shown to staff until "Gửi lại", the official code in the staff, kiosk and public views,
and the code typed by hand. SQLite, the office's own delivery worker, real clock."""

import time

import pytest

from handoff_testing import (ACCEPT, APPLICANT, BIRTH, DOCUMENTS, KIOSK, connector, dossier_body, office_client, office_db,
                             staff, submit, wait_state)
from province_standin import REFUSAL, Province


@pytest.fixture
def province():
    p = Province()
    yield p
    p.stop()


def test_a_declared_dossier_waits_for_the_officer_before_it_is_handed_off(tmp_path, province):
    with office_client(office_db(tmp_path), connector(url=province.url)) as c:
        r = c.post("/api/dossiers", headers=KIOSK, json=dossier_body("only-declared"))
        code = r.json()["code"]
        h = staff(c)
        time.sleep(0.5)  # several worker passes
        assert province.requests == [] and c.get(f"/api/dossiers/{code}", headers=h).json()["delivery"] is None
        assert c.post(f"/api/dossiers/{code}/delivery/retry", headers=h).status_code == 409  # not received yet
        assert c.post(f"/api/dossiers/{code}/accept", headers=h, json=ACCEPT).status_code == 200
        assert wait_state(c, h, code, "delivered")["official_code"] == province.created[code]


def test_a_received_dossier_reaches_the_province_once_with_its_key_and_token(tmp_path, province):
    with office_client(office_db(tmp_path), connector(url=province.url, token="tinh-HCM.2026")) as c:
        code = submit(c)
        h = staff(c)
        view = wait_state(c, h, code, "delivered")
        assert len(province.requests) == 1
        req = province.requests[0]
        assert req["headers"]["Idempotency-Key"] == code
        assert req["headers"]["Authorization"] == "Bearer tinh-HCM.2026"
        body = req["body"]
        assert body["schema"] == "motcua-kiosk/dossier-v1"
        assert body["office_code"] == "BT" and body["local_code"] == code
        assert body["procedure_code"] == "1.001193" and body["procedure_name"]
        assert body["applicant"] == APPLICANT and body["fields"] == BIRTH  # Vietnamese as sent, NFC
        assert body["received_at"].endswith("+07:00")
        assert body["received_by"] == "Nguyễn Văn An" and body["documents_received"] == DOCUMENTS
        assert body["sets"] == 1 and body["appointment_at"].endswith("+07:00")
        official = province.created[code]
        assert view["official_code"] == official and view["delivery"]["attempts"] == 1
        assert view["delivery"]["delivered_by"] == "connector:http" and view["delivery"]["last_error"] is None
        # beside the local code for staff, on the kiosk's look-up and on the public page
        assert c.get(f"/api/dossiers/{code}", headers=h).json()["official_code"] == official
        assert c.get(f"/api/dossiers/{code}", headers=KIOSK).json()["official_code"] == official
        token = c.get(f"/api/dossiers/{code}", headers=h).json()["public_token"]  # the slip's
        public = c.get(f"/api/dossiers/{token}").json()
        assert public["official_code"] == official and "delivery" not in public and "applicant" not in public
        listed = c.get("/api/dossiers", headers=h).json()["dossiers"]
        assert [(d["official_code"], d["delivery"]["state"]) for d in listed] == [(official, "delivered")]
        time.sleep(0.3)
        assert len(province.requests) == 1  # nothing sent again


def test_a_wrong_token_is_a_refusal_staff_see(tmp_path):
    province = Province(token="tok-123")
    try:
        with office_client(office_db(tmp_path), connector(url=province.url, token="tok-old")) as c:
            code = submit(c)
            d = wait_state(c, staff(c), code, "failed")["delivery"]
            assert d["last_status"] == 401 and "sai mã xác thực" in d["last_error"]
            assert not province.created
    finally:
        province.stop()


def test_five_hundreds_are_retried_with_growing_waits_until_the_province_takes_it(tmp_path, province):
    province.set("fail", 4)
    with office_client(office_db(tmp_path), connector(url=province.url, retry_first_seconds=0.1,
                                                      retry_max_seconds=0.5)) as c:
        code = submit(c)
        h = staff(c)  # (the pending state between tries: test_while_retrying_staff_see_the_last_answer)
        view = wait_state(c, h, code, "delivered")
    times = [r["at"] for r in province.requests]
    assert len(times) == 5 and view["delivery"]["attempts"] == 5
    gaps = [b - a for a, b in zip(times, times[1:])]
    # 0.1, 0.2, 0.4, then capped at 0.5; each scaled by a jitter of 0.5–1 (late by up to a second
    # on a loaded 2-core machine, never early). The waits grow: the third is at least 0.2 s, more than
    # the first is ever scheduled for (0.1 s); comparing two measured gaps instead would fail whenever
    # the first try happens to be late (a CI run saw 1.02 s against 0.37 s).
    for gap, base in zip(gaps, (0.1, 0.2, 0.4, 0.5)):
        assert base * 0.5 - 0.02 <= gap <= base + 1.0, gaps
    assert gaps[2] >= 0.4 * 0.5 - 0.02 > 0.1, gaps
    assert list(province.created) == [code] and view["official_code"] == province.created[code]


def test_while_retrying_staff_see_the_last_answer(tmp_path, province):
    province.set("fail", 1000)
    with office_client(office_db(tmp_path), connector(url=province.url, retry_first_seconds=0.05,
                                                      retry_max_seconds=0.1)) as c:
        code = submit(c)
        h = staff(c)
        assert province.wait_for(lambda p: len(p.requests) >= 3)
        d = c.get(f"/api/dossiers/{code}/delivery", headers=h).json()["delivery"]
        assert d["state"] == "pending" and d["last_status"] == 500 and "Lỗi hệ thống" in d["last_error"]
        assert d["next_attempt_at"] and d["can_retry"]
        health = c.get("/api/connector", headers=h).json()
        assert health["kind"] == "http" and health["url"] == province.url and health["pending"] == 1
        assert (health["received"], health["reached"]) == (1, 0)
        assert "Lỗi hệ thống" in health["last_error"] and "token" not in health
        province.set("ok")
        assert wait_state(c, h, code, "delivered")["official_code"] == province.created[code]


def test_a_409_with_the_code_means_the_province_already_had_it(tmp_path, province):
    province.set("conflict")
    with office_client(office_db(tmp_path), connector(url=province.url)) as c:
        code = submit(c)
        view = wait_state(c, staff(c), code, "delivered")
    assert view["official_code"] == province.created[code] and province.created[code].endswith("TYPED")
    assert view["delivery"]["last_status"] == 409 and len(province.requests) == 1


def test_a_400_is_a_refusal_shown_to_staff_and_sent_again_only_by_gui_lai(tmp_path, province):
    province.set("refuse")
    with office_client(office_db(tmp_path), connector(url=province.url)) as c:
        code = submit(c)
        h = staff(c)
        view = wait_state(c, h, code, "failed")
        d = view["delivery"]
        assert d["last_status"] == 400 and REFUSAL in d["last_error"] and d["can_retry"]
        assert view["official_code"] is None
        time.sleep(0.5)
        assert len(province.requests) == 1  # a refusal is not retried by itself
        assert c.get("/api/connector", headers=h).json()["failed"] == 1
        failed = c.get("/api/connector/deliveries?state=failed", headers=h).json()["deliveries"]
        assert [x["code"] for x in failed] == [code]
        bad = c.get("/api/connector/deliveries?state=lost", headers=h)
        assert bad.status_code == 422 and bad.json()["field"] == "state"
        province.set("ok")  # the province fixed its side (or staff fixed the dossier)
        r = c.post(f"/api/dossiers/{code}/delivery/retry", headers=h)
        assert r.status_code == 200, r.text
        view = wait_state(c, h, code, "delivered")
        assert view["official_code"] == province.created[code] and len(province.requests) == 2
        again = c.post(f"/api/dossiers/{code}/delivery/retry", headers=h)
        assert again.status_code == 409 and again.json()["code"] == "already_delivered"
        assert c.post(f"/api/dossiers/{code}/delivery/retry").status_code == 401


def test_a_province_slower_than_the_timeout_gets_the_same_key_again_and_nothing_is_doubled(tmp_path, province):
    """The first request times out at the office but the province did create the dossier; the retry
    carries the same Idempotency-Key, the province answers 409 with its code: one dossier there."""
    province.set("late", 1.0)  # creates it, answers after the office stopped waiting
    with office_client(office_db(tmp_path), connector(url=province.url, timeout=0.4, retry_first_seconds=0.05)) as c:
        code = submit(c)
        h = staff(c)
        assert province.wait_for(lambda p: len(p.requests) >= 1)
        province.set("ok")
        view = wait_state(c, h, code, "delivered")
    assert list(province.created) == [code]
    assert view["official_code"] == province.created[code]
    assert set(province.keys()) == {code} and len(province.requests) >= 2
    assert view["delivery"]["last_status"] == 409


def test_a_province_that_is_down_is_retried_until_it_is_back(tmp_path, province):
    province.stop()
    with office_client(office_db(tmp_path), connector(url=province.url)) as c:
        code = submit(c)
        h = staff(c)
        time.sleep(0.4)
        d = c.get(f"/api/dossiers/{code}/delivery", headers=h).json()["delivery"]
        assert d["state"] == "pending" and "connection refused" in d["last_error"] and d["attempts"] >= 2
        province.start()
        assert wait_state(c, h, code, "delivered")["official_code"] == province.created[code]


def test_with_kind_none_staff_type_the_official_code(tmp_path):
    with office_client(office_db(tmp_path), connector("none")) as c:
        code = submit(c)
        h = staff(c)
        view = c.get(f"/api/dossiers/{code}/delivery", headers=h).json()
        assert view["delivery"] is None and view["connector"] == "none"
        r = c.put(f"/api/dossiers/{code}/official-code", headers=h, json={"official_code": "  "})
        assert r.status_code == 422 and r.json()["field"] == "official_code"
        r = c.put(f"/api/dossiers/{code}/official-code", headers=h,
                  json={"official_code": " 000.00.31.H29-261202-0001 "})
        assert r.status_code == 200, r.text
        token = c.get(f"/api/dossiers/{code}", headers=h).json()["public_token"]
        assert c.get(f"/api/dossiers/{token}").json()["official_code"] == "000.00.31.H29-261202-0001"
        submit(c, "k2")  # a second one, not yet typed in: half of the received dossiers reached the province
        health = c.get("/api/connector", headers=h).json()
        assert (health["kind"], health["received"], health["reached"], health["pending"]) == ("none", 2, 1, 0)
        r = c.post(f"/api/dossiers/{code}/delivery/retry", headers=h)
        assert r.status_code == 409 and r.json()["field"] == "kind"
        assert c.put(f"/api/dossiers/{code}/official-code", json={"official_code": "x"}).status_code == 401
        assert c.put("/api/dossiers/BT-20000101-0001/official-code", headers=h,
                     json={"official_code": "x"}).status_code == 404


def test_a_code_typed_by_hand_stops_a_failed_delivery(tmp_path, province):
    province.set("refuse")
    with office_client(office_db(tmp_path), connector(url=province.url)) as c:
        code = submit(c)
        h = staff(c)
        wait_state(c, h, code, "failed")
        r = c.put(f"/api/dossiers/{code}/official-code", headers=h, json={"official_code": "H29-TAY-1"})
        assert r.status_code == 200
        d = r.json()["delivery"]
        assert d["state"] == "delivered" and d["delivered_by"] == "user:canbo1" and not d["can_retry"]
        province.set("ok")
        time.sleep(0.3)
        assert len(province.requests) == 1


def test_the_province_reports_a_status_with_the_shared_secret(tmp_path, province):
    with office_client(office_db(tmp_path), connector(url=province.url, secret="chung-bi-mat-42")) as c:
        code = submit(c)
        h = staff(c)
        official = wait_state(c, h, code, "delivered")["official_code"]
        report = {"official_code": official, "status": "processing"}
        assert c.post("/api/connector/status", json=report).status_code == 401
        r = c.post("/api/connector/status", json=report, headers={"Authorization": "Bearer sai"})
        assert r.status_code == 401 and r.json()["field"] == "authorization"
        ok = {"Authorization": "Bearer chung-bi-mat-42"}
        r = c.post("/api/connector/status", json=report, headers=ok)
        assert r.status_code == 200, r.text
        staff_view = c.get(f"/api/dossiers/{code}", headers=h).json()
        assert staff_view["status"] == "processing" and staff_view["history"][-1]["actor"] == "connector:province"
        r = c.post("/api/connector/status", json={"local_code": code, "status": "returned"}, headers=ok)
        assert r.status_code == 409 and r.json()["field"] == "status"  # processing cannot jump to returned
        r = c.post("/api/connector/status", json={"local_code": code, "status": "lost"}, headers=ok)
        assert r.status_code == 422 and r.json()["field"] == "status"
        r = c.post("/api/connector/status", json={"status": "ready"}, headers=ok)
        assert r.status_code == 422 and r.json()["field"] == "local_code"
        r = c.post("/api/connector/status", json={"official_code": "nope", "status": "ready"}, headers=ok)
        assert r.status_code == 404


def test_status_reports_are_refused_without_a_configured_secret(tmp_path):
    with office_client(office_db(tmp_path), connector("none")) as c:
        code = submit(c)
        r = c.post("/api/connector/status", json={"local_code": code, "status": "processing"},
                   headers={"Authorization": "Bearer "})
        assert r.status_code == 403 and r.json()["code"] == "status_disabled"


def test_a_slow_province_within_the_timeout_is_waited_for_not_retried(tmp_path, province):
    province.set("slow", 0.6)
    with office_client(office_db(tmp_path), connector(url=province.url, timeout=3.0)) as c:
        h = staff(c)
        code = submit(c)
        assert province.wait_for(lambda p: len(p.requests) == 1)
        asked = time.monotonic()  # the worker is waiting for the province now; the API is not
        assert c.get(f"/api/dossiers/{code}/delivery", headers=h).json()["delivery"]["state"] == "pending"
        assert time.monotonic() - asked < 0.4
        view = wait_state(c, h, code, "delivered")
    assert len(province.requests) == 1 and view["delivery"]["attempts"] == 1
    assert view["delivery"]["last_status"] == 201
