"""Submitting a dossier through DossierFlow: a real office, the durable outbox and its sender,
the preview printer for the slip."""

import threading

import pytest

from kiosk.domain import cccd
from kiosk.domain.catalogue import load_catalogue
from kiosk.flows.dossier import RESULT_SCREEN_SECONDS, DossierFlow
from kiosk.link.client import OfficeClient
from kiosk.link.outbox import Outbox, Sender

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"

MARITAL_STATUS = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: declared here, field A
COPY_CERTIFICATION = "2.000815"  # Chứng thực bản sao từ bản chính: done at the counter only


class ThreadCheckedData(dict):
    """Session data that records which thread wrote each key."""

    def __init__(self) -> None:
        super().__init__()
        self.writers: list[tuple[str, threading.Thread]] = []

    def __setitem__(self, key, value) -> None:
        self.writers.append((key, threading.current_thread()))
        super().__setitem__(key, value)


@pytest.fixture
def outbox(kiosk, tmp_path):
    kiosk.outbox = Outbox(tmp_path / "outbox.db", kiosk_id="kiosk-1")
    # through kiosk.client, so a test can cut the office off and bring it back
    kiosk.sender = Sender(kiosk.outbox, lambda request: kiosk.client.submit_dossier(request),
                          backoff=(0.2, 0.5)).start()
    yield kiosk.outbox
    kiosk.sender.stop()
    kiosk.outbox.close()


def to_review(kiosk, shell, taken):
    kiosk.catalogue = load_catalogue()
    kiosk.session.set_citizen(cccd.parse(CARD))
    kiosk.session.data = ThreadCheckedData()
    kiosk.session.data["procedure"] = MARITAL_STATUS
    flow = DossierFlow(kiosk, shell, volunteer_code=lambda: None, take_number_in_field=taken.append)
    flow.start()
    assert shell.current() == "consent" and shell.screen("consent").agreed is False
    flow.consent_next()  # not agreed yet: stays and says what to do
    assert shell.current() == "consent" and shell.notice == shell.t("dossier.consent_needed")
    flow.set_consent(True)
    flow.consent_next()
    assert shell.current() == "form"
    assert shell.screen("form").kind == "address"  # the card's address, shown to confirm
    flow.address_choose("card")
    for value in ("0901234567", "Chưa từng kết hôn", "", "Kết hôn", "2"):  # the spouse's name left empty
        flow.form_input(value)
        flow.form_next()
    assert shell.current() == "review"
    rows = shell.screen("review").rows
    assert any(value == "Trần Thị Bích" for _path, _label, value, _note in rows)
    return flow


def test_a_double_tap_submits_one_dossier_and_prints_its_slip(kiosk, shell, ui, outbox, paper):
    taken = []
    kiosk.services = kiosk.client.services()  # the queue's configuration: demo counters 1 and 3 serve field A
    flow = to_review(kiosk, shell, taken)
    flow.submit()
    flow.submit()  # the second tap while it is stored and sent does nothing
    assert shell.current() == "dossier_result"
    ui.run_until(lambda: shell.screen("dossier_result").code)
    code = shell.screen("dossier_result").code
    result = shell.screen("dossier_result")
    assert result.title == "Đã khai hồ sơ"
    # the screen says what the slip says: next step at the queue's counters, papers, fee, expected date
    assert "Hồ sơ chưa được tiếp nhận: cán bộ sẽ kiểm tra bản chính tại quầy." in result.detail
    assert "Bước tiếp theo: Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại quầy số 1 hoặc 3." in result.detail
    assert "Bắt buộc:" in result.detail and "Lệ phí: " in result.detail
    assert "Ngày hẹn dự kiến nếu hồ sơ đầy đủ: " in result.detail
    assert "dichvucong" not in result.detail
    listed = kiosk.client.dossiers_for("079190000001", "4567")  # the phone typed on the form
    assert [d["code"] for d in listed].count(code) == 1
    assert {d["status"] for d in listed if d["code"] == code} == {"declared"}
    assert len(outbox.pending()) == 0
    ui.run_until(lambda: shell.screen("dossier_result").print_note == shell.t("dossier.receipt_printed"))
    assert list(paper.glob(f"receipt-{code}.png"))
    assert shell.screen("dossier_result").print_note == "Mời ông/bà nhận phiếu xác nhận khai hồ sơ ở khe bên dưới và mang theo khi nộp bản chính."
    assert shell.end_after == RESULT_SCREEN_SECONDS
    # the worker stored the entry; the session learnt its id on the UI thread
    assert kiosk.session.data["dossier_entry"] is not None
    assert {who for key, who in kiosk.session.data.writers} == {threading.current_thread()}
    flow.take_number()  # "Lấy số để nộp bản chính": a number in the procedure's field
    assert taken == ["A"]


def test_office_down_keeps_the_dossier_and_says_it_will_be_sent(kiosk, shell, ui, outbox):
    kiosk.client = OfficeClient("http://127.0.0.1:9", "demo-kiosk-key", "kiosk-1", 0.5, retries=0)
    flow = to_review(kiosk, shell, [])
    flow.submit()
    ui.run_until(lambda: shell.screen("dossier_result").code, timeout=30)
    ref = shell.screen("dossier_result").code
    assert shell.screen("dossier_result").title == shell.t("dossier.saved_title")
    assert outbox.by_ref(ref).state == "pending"
    assert {who for key, who in kiosk.session.data.writers} == {threading.current_thread()}


def test_a_card_scanned_mid_form_fills_the_applicant(kiosk, shell, ui):
    kiosk.catalogue = load_catalogue()
    kiosk.session.data["procedure"] = MARITAL_STATUS
    flow = DossierFlow(kiosk, shell, volunteer_code=lambda: None, take_number_in_field=lambda _f: None)
    flow.start()
    flow.set_consent(True)
    flow.consent_next()
    first = shell.screen("form").label
    shell.go("form")
    flow.card_scanned(cccd.parse(CARD))
    assert shell.screen("form").label != first  # the card's fields are no longer asked
    assert kiosk.session.data["submission"].answers["applicant.full_name"] == "Trần Thị Bích"


def test_a_procedure_done_at_the_counter_is_never_declared(kiosk, shell):
    """Even if something starts a dossier for it, a procedure done only at the counter (copy
    certification: originals compared by the officer) leads to a number in its field."""
    taken = []
    kiosk.catalogue = load_catalogue()
    kiosk.session.data["procedure"] = COPY_CERTIFICATION
    flow = DossierFlow(kiosk, shell, volunteer_code=lambda: None, take_number_in_field=taken.append)
    flow.start()
    assert taken == ["B"] and "submission" not in kiosk.session.data and shell.current() != "consent"
