"""The counters a citizen is sent to, end to end offscreen against a real office (embedded, SQLite,
demo data: counters 1 (A, B), 2 (C, D, F), 3 (all)): the ticket, the procedure page, the number
taken from an in-person procedure's page and the declaration slip name the same counters, the
queue's, in the same words."""

import pytest

from kiosk.domain.counters import counters_text, place_without_counters
from kiosk.domain.ward import fill_ward
from kiosk.link.client import OfficeClient
from kiosk.link.outbox import Outbox, Sender
from test_dossier_ui import scan_card  # the same card, confirmed by a tap

pytestmark = pytest.mark.ui

COPY_CERTIFICATION = "2.000815"  # Chứng thực bản sao từ bản chính: field B, service chung-thuc, at the counter
MARITAL_STATUS = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân: field A, service ho-tich (counters 1, 3 too)


class RecordingPrinter:
    """The preview printer, keeping the blocks of every job: what the paper says, as text."""

    def __init__(self, inner):
        self.inner, self.jobs = inner, []

    def print_blocks(self, blocks, job):
        self.jobs.append((job, blocks))
        return self.inner.print_blocks(blocks, job)

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def lines(self, prefix):
        return [b.text for job, blocks in self.jobs if job.startswith(prefix) for b in blocks if hasattr(b, "text")]


@pytest.fixture
def kiosk(kiosk_ui, office, tmp_path):
    from devices.printer import open_printer

    app = kiosk_ui.app
    saved = app.client, app.printer, app.public_base_url, app.outbox, app.sender, app.services
    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.printer = RecordingPrinter(open_printer(f"preview:{tmp_path}"))
    app.public_base_url = office.url
    app.outbox = Outbox(tmp_path / "outbox.db", kiosk_id="kiosk-1")
    app.sender = Sender(app.outbox, lambda request: app.client.submit_dossier(request), backoff=(0.2, 0.5)).start()
    app.services = []
    yield kiosk_ui
    app.end_session()
    app.sender.stop()
    app.outbox.close()
    app.client, app.printer, app.public_base_url, app.outbox, app.sender, app.services = saved


def test_ticket_procedure_page_and_slip_name_the_queues_counters(kiosk, office):
    app = kiosk.app
    configured = next(s["counters"] for s in OfficeClient(office.url, "demo-kiosk-key", "kiosk-1").services()
                      if s["code"] == "chung-thuc")
    assert sorted(configured) == [1, 3]  # the office's configuration, not the catalogue's "Quầy số 2"
    words = counters_text(configured, "vi")
    assert words == "quầy số 1 hoặc 3"

    # 1. the ticket: on screen and on paper
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_chung-thuc"))
    kiosk.tap("service_chung-thuc")
    kiosk.wait_until(lambda: app.root.current == "ticket")
    assert sorted(app.session.data["ticket"]["counters"]) == sorted(configured)
    assert f"Mời ông/bà đến {words} khi được gọi" in kiosk.all_text()
    kiosk.wait_until(lambda: app.printer.lines("ticket-"), timeout=15)
    assert f"Mời ông/bà đến {words}" in app.printer.lines("ticket-")
    kiosk.tap("ticket_done")

    # 2. the procedure page of the same field, with no services list known beforehand
    app.services = []
    scan_card(kiosk)
    kiosk.tap("submit_dossier")
    kiosk.wait_until(lambda: kiosk.has(f"procedure_{COPY_CERTIFICATION}"))
    kiosk.tap(f"procedure_{COPY_CERTIFICATION}")
    kiosk.wait_until(lambda: "Quầy số 1 hoặc 3" in kiosk.all_text(), timeout=10)
    page = kiosk.all_text()
    # the catalogue's place, its {department} filled with the ward's identity (issue 15)
    place = place_without_counters(fill_ward(app.catalogue.by_code(COPY_CERTIFICATION).handover_vi, app.kiosk.ward))
    assert "{" not in place
    assert f"Nơi nộp bản chính và nhận kết quả:[/b] Quầy số 1 hoặc 3 – {place}" in page
    assert "Quầy số 2" not in page

    # 3. done at the counter only: the page's button takes a number in its field, with the same counters
    app.printer.jobs.clear()
    kiosk.tap("prepare_papers")
    kiosk.wait_until(lambda: app.root.current == "ticket", timeout=15)
    assert app.session.data["ticket"]["service"] == "chung-thuc"
    assert f"Mời ông/bà đến {words} khi được gọi" in kiosk.all_text()
    kiosk.wait_until(lambda: app.printer.lines("ticket-"), timeout=15)
    kiosk.tap("ticket_done")

    # 4. the declaration slip of a procedure of field A, which counters 1 and 3 serve as well
    scan_card(kiosk)
    kiosk.tap("submit_dossier")
    kiosk.wait_until(lambda: kiosk.has(f"procedure_{MARITAL_STATUS}"))
    kiosk.tap(f"procedure_{MARITAL_STATUS}")
    kiosk.wait_until(lambda: "Quầy số 1 hoặc 3" in kiosk.all_text(), timeout=10)
    kiosk.tap("start_dossier")
    kiosk.tap("consent_agree")
    kiosk.tap("consent_next")
    app.dossier.address_choose("card")
    for path, value in (("applicant.phone", "0901234567"), ("marital_status", "Chưa từng kết hôn"),
                        ("spouse_full_name", ""), ("purpose", "Kết hôn"), ("number_of_copies", "1")):
        assert app.session.data["submission"].current.path == path
        if path == "marital_status":
            app.dossier.form_choose(value)
        elif value:
            app.dossier.form_input(value)
        app.dossier.form_next()
    assert app.root.current == "review"
    kiosk.tap("submit_dossier_now")
    kiosk.wait_until(lambda: app.printer.lines("receipt-"), timeout=30)
    slip = app.printer.lines("receipt-")
    assert "Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại quầy số 1 hoặc 3." in slip
    assert not any("Quầy số 2" in line for line in slip)
