"""What a citizen reads after a scan, end to end offscreen: frames go in as a scanner hands them
over (App.scanner_frame, from the reader thread's side), the texts are read off the window."""

import uuid

import pytest

from kiosk import i18n
from kiosk.link.client import OfficeClient

pytestmark = pytest.mark.ui

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"
OTHER = "001089012345||Nguyễn Văn An|15031989|Nam|Số 12 ngõ 5, phường Láng, Hà Nội|01052021"
MARITAL_STATUS = "1.004873"  # a procedure declared at the kiosk


@pytest.fixture
def kiosk(kiosk_ui, office):
    app = kiosk_ui.app
    saved = app.client, app.public_base_url
    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.public_base_url = office.url
    yield kiosk_ui
    app.end_session()
    app.client, app.public_base_url = saved


def scan(drv, frame):
    drv.app.notice = ""
    drv.app.scanner_frame(frame + "\r")


def notice(drv):
    return drv.wait_until(lambda: drv.app.notice, timeout=10)


def test_home_hint_says_where_the_qr_is_on_both_card_generations(kiosk_ui):
    hint = kiosk_ui.find("scan_hint").text
    assert "thẻ gắn chíp: mã QR ở mặt trước" in hint and "thẻ cấp từ 1/7/2024: mã QR ở mặt sau" in hint


@pytest.mark.parametrize("frame", [
    CARD[:45],  # the scanner stopped half-way through the address
    "079190000001||Trần Thị Bích|05031990",  # too few fields
    "ị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022",  # the rest of a split read
])
def test_a_partly_read_card_says_hold_it_still_and_scan_again(kiosk_ui, frame):
    scan(kiosk_ui, frame)
    text = notice(kiosk_ui)
    assert text == i18n.tr("scan.partial", "vi")
    assert "giữ thẻ yên" in text and "quét lại" in text and "không phải" not in text
    assert text in kiosk_ui.all_text()
    assert kiosk_ui.app.session.citizen is None and kiosk_ui.app.root.current == "home"


def test_a_qr_that_is_no_card_says_where_to_find_the_cards_qr(kiosk_ui):
    scan(kiosk_ui, "WIFI:S:phuong;T:WPA;P:matkhau;;")
    text = notice(kiosk_ui)
    assert text.startswith("Mã vừa quét không phải mã QR trên thẻ căn cước.")
    assert "gắn chíp có mã QR ở mặt trước" in text and "cấp từ 1/7/2024 có mã QR ở mặt sau" in text
    assert text in kiosk_ui.all_text()


def test_in_english_too(kiosk_ui):
    kiosk_ui.app.lang = "en"
    scan(kiosk_ui, CARD[:45])
    assert notice(kiosk_ui) == i18n.tr("scan.partial", "en")
    scan(kiosk_ui, "WIFI:S:phuong;T:WPA;P:matkhau;;")
    assert "front" in notice(kiosk_ui) and "back" in kiosk_ui.app.notice


def test_a_scanned_ticket_shows_its_place_in_the_queue(kiosk, office):
    client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    first = client.issue_ticket("dat-dai", None, uuid.uuid4().hex)
    second = client.issue_ticket("dat-dai", None, uuid.uuid4().hex)
    live = client.public_ticket(second["public_token"])
    assert live["ahead"] >= 1
    scan(kiosk, f"{office.url}/t/{second['public_token']}")
    text = notice(kiosk)
    assert text == (f"Phiếu {second['number']} (Đất đai – Xây dựng): trước ông/bà còn {live['ahead']} người, "
                    f"chờ khoảng {live['estimated_wait_minutes']} phút.")
    assert text in kiosk.all_text() and kiosk.app.root.current == "home"
    assert "Chức năng này chưa có" not in kiosk.all_text()
    head = client.public_ticket(first["public_token"])
    if head["ahead"] == 0:
        scan(kiosk, f"{office.url}/t/{first['public_token']}")
        assert notice(kiosk) == f"Phiếu {first['number']} (Đất đai – Xây dựng): ông/bà là người tiếp theo. Xin chú ý màn hình gọi số."


def test_a_ticket_of_no_one_here_is_not_found(kiosk, office):
    scan(kiosk, f"{office.url}/t/AAAAAAAAAAAAAAAAAAAA")
    assert notice(kiosk) == "Không tìm thấy phiếu này. Xin ông/bà hỏi cán bộ tại quầy tiếp nhận."


def to_form(drv):
    drv.tap("submit_dossier")
    drv.wait_until(lambda: drv.has(f"procedure_{MARITAL_STATUS}"))
    drv.tap(f"procedure_{MARITAL_STATUS}")
    drv.tap("start_dossier")
    drv.tap("consent_agree")
    drv.tap("consent_next")
    assert drv.app.root.current == "form"


def test_a_card_scanned_during_a_form_fills_its_applicant(kiosk):
    app = kiosk.app
    to_form(kiosk)
    sub = app.session.data["submission"]
    assert not sub.answers.get("applicant.full_name")
    scan(kiosk, CARD)
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    assert "Tờ khai đang điền đã có thông tin" not in kiosk.all_text()  # nothing to replace
    assert kiosk.find("card_confirm").text == "Đúng, đây là tôi"  # so the plain question
    kiosk.tap("card_confirm")
    assert app.root.current == "form" and app.session.data["submission"] is sub
    assert sub.answers["applicant.full_name"] == "Trần Thị Bích"
    assert app.screen("form").widget == "address"  # the card's address, shown to confirm
    kiosk.tap("address_card")
    assert "Số điện thoại" in kiosk.find("field_label").text  # the card's fields are no longer asked


def test_a_second_card_during_a_form_asks_before_replacing_the_applicant(kiosk):
    app = kiosk.app
    scan(kiosk, CARD)
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    kiosk.tap("card_confirm")
    to_form(kiosk)
    sub = app.session.data["submission"]
    assert sub.answers["applicant.full_name"] == "Trần Thị Bích"
    scan(kiosk, OTHER)
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    text = kiosk.all_text()
    assert "Nguyễn Văn An" in text and i18n.tr("card.replace", "vi") in text
    # the buttons say what they do to the form, not "this is (not) me"
    assert kiosk.find("card_confirm").text == "Thay bằng thẻ này"
    assert kiosk.find("card_not_me").text == "Giữ tờ khai"
    assert "Đúng, đây là tôi" not in text and "Không phải tôi" not in text
    kiosk.tap("card_not_me")  # "Giữ tờ khai": the form as it is
    assert app.root.current == "form" and app.session.data["submission"] is sub
    assert sub.answers["applicant.full_name"] == "Trần Thị Bích"
    assert app.session.citizen.id_number == "079190000001"
    app.switch_language()  # the same question in English
    scan(kiosk, OTHER)
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    assert kiosk.find("card_confirm").text == "Use this card instead"
    assert kiosk.find("card_not_me").text == "Keep the form"
    assert i18n.tr("card.replace", "en") in kiosk.all_text()
    kiosk.tap("card_confirm")  # "Use this card instead": the same form goes on with the other applicant
    assert app.root.current == "form" and app.session.data["submission"] is sub
    assert sub.answers["applicant.full_name"] == "Nguyễn Văn An"
    assert sub.answers["applicant.id_number"] == "001089012345"
    assert app.session.citizen.id_number == "001089012345"


def test_a_scanned_ticket_follows_the_call_to_its_counter(kiosk, office):
    import requests

    client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    t = client.issue_ticket("khac", None, uuid.uuid4().hex)
    token = requests.post(f"{office.url}/api/auth/login", json={"username": "canbo2", "password": "canbo2-demo"},
                          timeout=5).json()["token"]
    staff = {"Authorization": f"Bearer {token}"}
    frame = f"{office.url}/t/{t['public_token']}"
    r = requests.post(f"{office.url}/api/tickets/{t['id']}/call", headers=staff, json={"counter_id": 3}, timeout=5)
    assert r.status_code == 200, r.text
    counter = r.json()["counter"]
    scan(kiosk, frame)
    assert notice(kiosk) == f"Phiếu {t['number']}: đã đến lượt ông/bà. Mời ông/bà đến quầy số {counter}."
    assert requests.post(f"{office.url}/api/tickets/{t['id']}/start", headers=staff, timeout=5).ok
    scan(kiosk, frame)
    assert notice(kiosk) == f"Phiếu {t['number']} đang được giải quyết tại quầy số {counter}."
    assert requests.post(f"{office.url}/api/tickets/{t['id']}/finish", headers=staff, timeout=5).ok
    scan(kiosk, frame)
    assert notice(kiosk) == f"Phiếu {t['number']} đã được giải quyết xong. Cảm ơn ông/bà!"


def test_a_typed_applicant_is_not_overwritten_without_asking(kiosk):
    app = kiosk.app
    to_form(kiosk)
    sub = app.session.data["submission"]
    assert sub.current.path == "applicant.full_name"
    app.dossier.form_input("Lê Văn Tám")
    app.dossier.form_next()
    scan(kiosk, CARD)
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    assert i18n.tr("card.replace", "vi") in kiosk.all_text()
    kiosk.tap("card_not_me")
    assert sub.answers["applicant.full_name"] == "Lê Văn Tám" and app.session.citizen is None
    scan(kiosk, CARD)
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    kiosk.tap("card_confirm")
    assert sub.answers["applicant.full_name"] == "Trần Thị Bích" and app.root.current == "form"


class TicketsOnly:
    """An office that knows a few public tickets by token (the rest of its API is not needed)."""

    def __init__(self, tickets):
        self.tickets = tickets

    def public_ticket(self, token):
        from kiosk.link.errors import OfficeError

        if token not in self.tickets:
            raise OfficeError(404, "no ticket with this code", "public_token", "ticket_not_found")
        return self.tickets[token]


def public(number, status, **extra):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    return {"number": number, "service": "khac", "service_name_vi": "Khác", "service_name_en": "Other",
            "status": status, "day": today, "ahead": 0, "position": None, "estimated_wait_minutes": 0,
            "counter": None, "issued_at": f"{today}T01:00:00+00:00", "called_at": None, **extra}


@pytest.mark.parametrize("ticket,vi", [
    (public("E004", "no_show"),
     "Phiếu E004 đã được gọi nhưng ông/bà không có mặt. Xin ông/bà báo cán bộ tại quầy để được xếp lại."),
    (public("E005", "cancelled"), "Phiếu E005 đã bị hủy. Mời ông/bà lấy số mới."),
    (public("E006", "transferred"), "Phiếu E006 đã được chuyển sang lĩnh vực khác. Xin ông/bà hỏi cán bộ tại quầy."),
    (public("E007", "waiting", day="2026-11-30", ahead=4),
     "Phiếu E007 là phiếu của ngày 30/11/2026. Mời ông/bà lấy số mới cho hôm nay."),
])
def test_every_state_of_a_scanned_ticket_reads_plainly(kiosk_ui, ticket, vi):
    app = kiosk_ui.app
    saved = app.client
    app.client = TicketsOnly({"tok-12345678": ticket})
    try:
        scan(kiosk_ui, "https://motcua.example.vn/t/tok-12345678")
        assert notice(kiosk_ui) == vi
        assert vi in kiosk_ui.all_text()
    finally:
        app.client = saved
