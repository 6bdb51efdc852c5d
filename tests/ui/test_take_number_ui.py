"""Taking a number at the kiosk, end to end offscreen: real touches, a real office service
(embedded, SQLite), the preview printer's PNG and raw bytes, the QR read back from the paper."""

from pathlib import Path

import pytest

from kiosk.link.client import OfficeClient

pytestmark = pytest.mark.ui

ELDER = "001150012345||Nguyễn Văn An|01011950|Nam|Phường Bến Thành, TP. Hồ Chí Minh|15082021"


@pytest.fixture
def kiosk(kiosk_ui, office, tmp_path):
    """The session's app, pointed at the real office and a preview printer in tmp_path."""
    from devices.printer import open_printer

    app = kiosk_ui.app
    saved = app.client, app.printer, app.public_base_url, app.services
    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.printer = open_printer(f"preview:{tmp_path}")
    app.public_base_url = office.url
    app.services = []
    kiosk_ui.previews = tmp_path
    yield kiosk_ui
    app.end_session()
    app.client, app.printer, app.public_base_url, app.services = saved


def waiting(office, code):
    c = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    return next(s["waiting"] for s in c.queue()["services"] if s["code"] == code)


def decode_qr(png: Path) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(png).convert("L"))
    assert found, f"no QR code on {png}"
    return found[0].text


def test_two_taps_issue_one_ticket_and_print_it(kiosk, office):
    before = waiting(office, "ho-tich")
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    assert "Hộ tịch" in kiosk.all_text()
    kiosk.double_tap("service_ho-tich")  # an impatient second tap must not make a second ticket
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "printed", timeout=15)
    ticket = kiosk.app.session.data["ticket"]
    assert ticket["number"].startswith("A")
    text = kiosk.all_text()
    assert ticket["number"] in text and "Mời ông/bà nhận phiếu" in text
    assert "Mời ông/bà đến quầy số 1 hoặc 3 khi được gọi" in text  # demo counters 1 and 3 serve Hộ tịch
    assert waiting(office, "ho-tich") == before + 1
    pngs = list(kiosk.previews.glob("ticket-*.png"))
    assert len(pngs) == 1 and pngs[0].with_suffix(".bin").stat().st_size > 1000
    assert decode_qr(pngs[0]) == f"{office.url}/t/{ticket['public_token']}"
    assert kiosk.app.client.ticket(ticket["id"])["printed"] is True


def test_done_returns_home_and_forgets_the_ticket(kiosk):
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_chung-thuc"))
    kiosk.tap("service_chung-thuc")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    number = kiosk.app.session.data["ticket"]["number"]
    kiosk.tap("ticket_done")
    assert kiosk.app.root.current == "home"
    assert "ticket" not in kiosk.app.session.data and number not in kiosk.all_text()


def test_a_card_of_someone_over_60_gets_the_elderly_priority(kiosk):
    kiosk.app.scanner_frame(ELDER + "\r")
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    kiosk.tap("card_confirm")
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_dat-dai"))
    assert "Người cao tuổi" in kiosk.all_text()
    kiosk.tap("service_dat-dai")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    ticket = kiosk.app.session.data["ticket"]
    assert ticket["priority"] == "elderly"
    assert "Ưu tiên" in kiosk.all_text() or "Số ưu tiên" in kiosk.all_text()
    # the ticket itself never carries the citizen's name or number
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "printed", timeout=15)
    raw = b"".join(p.read_bytes() for p in kiosk.previews.glob("*.bin"))
    assert "Nguyễn".encode() not in raw and b"001150012345" not in raw


def test_other_priority_is_chosen_in_the_dialog(kiosk):
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_khac"))
    kiosk.tap("priority_button")
    kiosk.tap("priority_pregnant")
    assert "Phụ nữ mang thai" in kiosk.all_text()
    kiosk.tap("service_khac")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    assert kiosk.app.session.data["ticket"]["priority"] == "pregnant"


def test_printer_out_of_paper_keeps_the_number_and_allows_reprint(kiosk):
    (kiosk.previews / "simulate-fault").write_text("paper_out")
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    kiosk.tap("service_ho-tich")
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "failed", timeout=15)
    ticket = kiosk.app.session.data["ticket"]
    text = kiosk.all_text()
    assert "Xin ông/bà ghi nhớ hoặc chụp ảnh số thứ tự này" in text and ticket["number"] in text
    assert kiosk.app.client.ticket(ticket["id"])["printed"] is False  # flagged for staff
    (kiosk.previews / "simulate-fault").unlink()
    kiosk.tap("reprint")
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "printed", timeout=15)
    assert kiosk.app.client.ticket(ticket["id"])["printed"] is True


def test_office_unreachable_says_so_and_stays(kiosk, office):
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))  # services cached from the office
    kiosk.app.client = OfficeClient("http://127.0.0.1:9", "demo-kiosk-key", "kiosk-1", 1.0, retries=1)
    kiosk.tap("service_ho-tich")
    kiosk.wait_until(lambda: kiosk.app.notice, timeout=15)
    assert "không kết nối được" in kiosk.all_text()
    assert kiosk.app.root.current == "service" and not kiosk.app.screen("service").busy


def test_search_a_procedure_by_name_leads_to_its_field(kiosk):
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    kiosk.tap("search_for_ticket")
    for key in "khai sinh":
        kiosk.tap("key-space" if key == " " else f"key-{key}")
    kiosk.wait_until(lambda: kiosk.has("match_1.001193"))
    assert "Đăng ký khai sinh" in kiosk.all_text()
    kiosk.tap("match_1.001193")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    assert kiosk.app.session.data["ticket"]["service"] == "ho-tich"  # birth registration is Hộ tịch
