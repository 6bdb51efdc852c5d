"""Looking a dossier up through LookupFlow: this kiosk's outbox first, then a real office. The
outbox is SQLite behind a lock the sender holds across fsyncs: it is read on a worker only."""

import threading
import time

import pytest

from kiosk.domain import cccd
from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.submission import Submission
from kiosk.flows.lookup import LookupFlow
from kiosk.link.outbox import Outbox

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"


class ThreadRecordingOutbox(Outbox):
    """The real outbox, noting which thread reads it; `busy` holds readers back, as the sender's
    fsync under the outbox lock would."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.readers: list[threading.Thread] = []
        self.free = threading.Event()
        self.free.set()

    def _read(self) -> None:
        self.readers.append(threading.current_thread())
        self.free.wait(5)

    def by_ref(self, local_ref):
        self._read()
        return super().by_ref(local_ref)

    def resolve(self, local_ref):
        self._read()
        return super().resolve(local_ref)


@pytest.fixture
def outbox(kiosk, tmp_path):
    kiosk.outbox = ThreadRecordingOutbox(tmp_path / "outbox.db", kiosk_id="kiosk-1")
    yield kiosk.outbox
    kiosk.outbox.close()


def a_dossier():
    sub = Submission(load_catalogue().by_code("2.000815"), citizen=cccd.parse(CARD))
    sub.consent = True
    assert sub.choose_address("card")  # the card's address page: "Đúng, dùng địa chỉ này"
    for value in ("0901234567", "Giấy khai sinh", "1", "1"):
        sub.answer(sub.current.path, value)
        sub.next()
    assert sub.ready()
    return sub.payload(kiosk_id="kiosk-1", volunteer_code=None)


def test_a_dossier_waiting_in_the_outbox_is_shown_pending_read_off_the_ui_thread(kiosk, shell, ui, outbox):
    entry = outbox.put("dossier", a_dossier())
    flow = LookupFlow(kiosk, shell)
    outbox.free.clear()  # the sender is committing: a read would wait
    started = time.monotonic()
    flow.find(f"  {entry.local_ref.lower()} ")  # typed carelessly
    assert time.monotonic() - started < 0.5  # the UI thread did not wait for the outbox
    assert shell.screen("lookup").results is None
    outbox.free.set()
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert entry.local_ref in results[0] and shell.t("status.pending") in results[0]
    assert outbox.readers and threading.current_thread() not in outbox.readers


def test_the_local_reference_of_a_sent_dossier_shows_the_office_status(kiosk, shell, ui, outbox):
    entry = outbox.put("dossier", a_dossier())
    answer = kiosk.client.submit_dossier(entry.request())
    outbox.mark_sent(entry.id, answer)
    flow = LookupFlow(kiosk, shell)
    flow.find(entry.local_ref)
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert answer["code"] in results[0]
    assert "Trạng thái: Đã khai, chưa nộp bản chính" in results[0]  # declared: nothing received yet
    assert shell.t("next.declared") in results[0] and "Ngày hẹn" not in results[0]
    assert threading.current_thread() not in outbox.readers


def test_the_lookup_follows_the_officer_reception_and_a_cancellation(kiosk, shell, ui, outbox, flow_office):
    from kiosk.office.operations import dossiers

    office = flow_office.office
    received = kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())["code"]
    cancelled = kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())["code"]
    papers = [d["vi"] for d in load_catalogue().by_code("2.000815").raw["documents"]]
    office.run("user:canbo1", dossiers.accept, office.settings, received, papers, 1, None, "Nguyễn Văn An")
    office.run("user:canbo1", dossiers.change_status, cancelled, "cancelled", "Quá hạn")
    flow = LookupFlow(kiosk, shell)
    flow.find(received)
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert "Trạng thái: Đã tiếp nhận" in results[0] and "Ngày hẹn trả kết quả: " in results[0]
    assert shell.t("next.received") in results[0]
    shell.screen("lookup").results = None
    flow.find(cancelled)
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert "Trạng thái: Đã hủy (không nộp bản chính)" in results[0] and shell.t("next.cancelled") in results[0]


def test_an_unknown_code_says_none_found(kiosk, shell, ui, outbox):
    flow = LookupFlow(kiosk, shell)
    flow.find("XX-20250101-9999")
    assert ui.run_until(lambda: shell.screen("lookup").results) == [shell.t("lookup.none")]
    assert not shell.notices  # not an "office unreachable" note


def test_a_card_on_the_lookup_screen_lists_its_dossiers(kiosk, shell, ui, outbox):
    kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())
    flow = LookupFlow(kiosk, shell)
    flow.card_scanned(cccd.parse(CARD))  # not on the look-up screen: nothing happens
    ui.settle(0.3)
    assert shell.screen("lookup").results is None
    shell.go("lookup")
    kiosk.session.set_citizen(cccd.parse(CARD))  # as the App does with a scanned card
    flow.card_scanned(cccd.parse(CARD))
    screen = shell.screen("lookup")
    assert screen.confirming and screen.results == []  # a photo of the card is not enough
    flow.find("9999")  # not the last 4 digits of the dossier's phone (0901234567)
    ui.run_until(lambda: screen.confirm_failed)  # the hint says nothing matched and what to type
    assert screen.results == [] and screen.confirming and not shell.notices
    flow.find("4567")
    results = ui.run_until(lambda: screen.results)
    assert len(results) == len(kiosk.client.dossiers_for("079190000001", "4567")) >= 1
    assert not screen.confirming


def test_a_receipt_scanned_at_home_opens_the_lookup(kiosk, shell, ui, outbox):
    from kiosk.domain.scan import classify

    code = kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())["code"]
    flow = LookupFlow(kiosk, shell)
    flow.scanned_receipt(classify(f"MCHS:{code}"))
    assert shell.current() == "lookup"
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert code in results[0]


def test_a_slip_qr_holding_the_token_url_finds_the_dossier_and_its_citizen_note(kiosk, shell, ui, outbox,
                                                                                 flow_office):
    """The slip's QR is …/d/<public_token> (case-sensitive, never upper-cased); the kiosk shows the
    note written for the citizen and never staff's internal note."""
    from kiosk.domain.scan import classify
    from kiosk.office.operations import dossiers

    receipt = kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())
    token = receipt["public_token"]
    assert token != token.upper()  # (22 random characters: mixed case)
    office = flow_office.office
    office.run("user:canbo1", dossiers.change_status, receipt["code"], "more_documents",
               "Chị Bích nhờ gọi 0901234567", "Xin mang bản chính giấy khai sinh.")
    flow = LookupFlow(kiosk, shell)
    flow.scanned_receipt(classify(f"http://192.168.1.10:8080/d/{token}"))
    assert shell.current() == "lookup"
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert receipt["code"] in results[0] and "Xin mang bản chính giấy khai sinh." in results[0]
    assert "0901234567" not in results[0]
    assert shell.screen("lookup").code == receipt["code"]  # the field shows the code, not the token


def test_a_card_lists_codes_and_statuses_without_notes(kiosk, shell, ui, outbox, flow_office):
    from kiosk.office.operations import dossiers

    code = kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())["code"]
    flow_office.office.run("user:canbo1", dossiers.change_status, code, "more_documents", "nội bộ",
                           "Xin mang bản chính giấy khai sinh.")
    shell.go("lookup")
    kiosk.session.set_citizen(cccd.parse(CARD))
    flow = LookupFlow(kiosk, shell)
    flow.card_scanned(cccd.parse(CARD))
    flow.find(code)  # the slip's code confirms the card: that dossier
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert len(results) == 1
    mine = next(r for r in results if code in r)
    assert "Cần bổ sung" in mine or shell.t("status.more_documents") in mine
    assert "Xin mang bản chính" not in mine and "nội bộ" not in mine


def test_a_slip_scanned_while_a_card_waits_for_its_confirmation_is_looked_up(kiosk, shell, ui, outbox):
    from kiosk.domain.scan import classify

    code = kiosk.client.submit_dossier(outbox.put("dossier", a_dossier()).request())["code"]
    shell.go("lookup")
    kiosk.session.set_citizen(cccd.parse(CARD))
    flow = LookupFlow(kiosk, shell)
    flow.card_scanned(cccd.parse(CARD))
    assert shell.screen("lookup").confirming
    flow.scanned_receipt(classify(f"MCHS:{code}"))  # the slip itself: no confirmation needed
    results = ui.run_until(lambda: shell.screen("lookup").results)
    assert code in results[0] and not shell.screen("lookup").confirming
