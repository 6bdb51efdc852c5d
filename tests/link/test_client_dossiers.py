"""The kiosk client's dossier calls against a real embedded office service, lost answers included."""

import logging
import socket

import pytest
from sqlalchemy import func, select

from kiosk.domain.catalogue import catalogue_from_dict
from kiosk.link.client import MissingIdempotencyKey, OfficeClient, OfficeError, OfficeUnavailable
from kiosk.config import Kiosk, Settings
from kiosk.office.embedded import start_embedded
from kiosk.office.storage.models import Dossier
from test_client import FlakyProxy

ID_NUMBER = "079186001234"
APPLICANT = {"id_number": ID_NUMBER, "full_name": "Võ Thị Sáu", "date_of_birth": "1986-04-12", "sex": "Nữ",
             "address": "12 Lê Lợi, phường Bến Thành", "phone": "0903123456"}
FIELDS = {"document_name": "Giấy ủy quyền", "number_of_documents": 1, "signing_method": "Ký"}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = start_embedded(Settings(kiosk=Kiosk(state_dir=str(tmp_path_factory.mktemp("state")))))
    yield o
    o.stop()


def client_for(url, **kw):
    return OfficeClient(url, "demo-kiosk-key", "kiosk-1", timeout=5, backoff=0.05, **kw)


def request(key, **changes):
    return {"idempotency_key": key, "procedure_code": "2.000884", "applicant": dict(APPLICANT),
            "fields": dict(FIELDS), "local_ref": f"KS1-{key}", "kiosk_id": "kiosk-1", **changes}


def dossier_count(office) -> int:
    with office.office.db.read() as s:
        return s.scalar(select(func.count()).select_from(Dossier))


def test_submit_then_look_up_by_code_and_by_card(office):
    c = client_for(office.url)
    receipt = c.submit_dossier(request("c-1"))
    assert receipt["status"] == "declared" and receipt["local_ref"] == "KS1-c-1"
    assert receipt["procedure_name_vi"] == "Chứng thực chữ ký" and receipt["declared_at"]
    assert receipt["appointment_date"] is None  # set when an officer receives the papers
    assert c.submit_dossier(request("c-1"))["code"] == receipt["code"]  # replay: the same dossier
    status = c.dossier(receipt["code"])
    assert status["code"] == receipt["code"] and status["masked_id"] == "079******234"
    assert [h["status"] for h in status["history"]] == ["declared"]
    assert "Võ Thị Sáu" not in str(status) and ID_NUMBER not in str(status)
    assert c.dossiers_for(ID_NUMBER, "9999") == []  # wrong phone digits: nothing shown
    mine = c.dossiers_for(ID_NUMBER, "3456")  # the last 4 digits of the dossier's phone
    assert receipt["code"] in [d["code"] for d in mine]
    assert [d["code"] for d in c.dossiers_for(ID_NUMBER, receipt["code"])] == [receipt["code"]]  # the slip's code
    assert c.dossiers_for("079186009999", "3456") == []


def test_the_catalogue_from_the_office_loads_as_a_catalogue(office):
    cat = catalogue_from_dict(client_for(office.url).procedures())
    assert cat.by_code("1.001193").name_vi == "Đăng ký khai sinh"


def test_a_lost_answer_is_retried_with_the_same_key_and_stores_one_dossier(office):
    proxy = FlakyProxy(office.url, drop=1)
    before = dossier_count(office)
    receipt = client_for(proxy.url).submit_dossier(request("lost-answer"))
    assert proxy.requests == 2  # the first answer was dropped, the retry got the same dossier
    assert dossier_count(office) == before + 1
    assert client_for(office.url).submit_dossier(request("lost-answer"))["code"] == receipt["code"]
    proxy.close()


def test_a_request_without_a_key_is_refused_and_nothing_is_sent(office):
    # A key made up here would let a later retry from the outbox store the dossier twice.
    proxy = FlakyProxy(office.url)
    before = dossier_count(office)
    for missing in ({}, {"idempotency_key": None}, {"idempotency_key": ""}):
        body = {**request("x"), **missing}
        if not missing:
            del body["idempotency_key"]
        with pytest.raises(MissingIdempotencyKey, match="idempotency_key"):
            client_for(proxy.url).submit_dossier(body)
    assert proxy.requests == 0  # not one byte reached the office
    assert dossier_count(office) == before
    proxy.close()


def test_a_refused_form_raises_office_error_naming_the_field(office):
    c = client_for(office.url)
    with pytest.raises(OfficeError) as e:
        c.submit_dossier(request("bad", fields={**FIELDS, "signing_method": "Không rõ"}))
    assert (e.value.status, e.value.field, e.value.code) == (422, "fields.signing_method", "invalid_form")
    assert "vui lòng chọn" in e.value.detail  # the Vietnamese sentence for the citizen
    with pytest.raises(OfficeError) as e:
        c.dossier("BT-20990101-0001")
    assert (e.value.status, e.value.code) == (404, "dossier_not_found")
    with pytest.raises(OfficeError) as e:
        c.dossiers_for("12", "3456")
    assert (e.value.status, e.value.field) == (422, "id_number")


def test_an_unreachable_office_raises_office_unavailable_and_logs_no_id_number(caplog):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once closed
    c = client_for(f"http://127.0.0.1:{port}", retries=1)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(OfficeUnavailable):
            c.submit_dossier(request("nowhere"))
        with pytest.raises(OfficeUnavailable):
            c.dossiers_for(ID_NUMBER, "3456")
    assert "/api/dossiers" in caplog.text and ID_NUMBER not in caplog.text and "3456" not in caplog.text
