"""Touch walks: a citizen takes a number in each field of the queue, and looks a dossier up by
scanning its receipt and by scanning their ID card, with real touches only.

A touch is a real touch event (through the window, as SDL delivers a finger) at the centre of a
widget that is on show: on the current screen or an open dialog, drawn (no transparent
ancestor), enabled and inside the window. Scans are written to the scanner's pseudo-terminal as a
serial scanner sends them. No test calls an app method to move between screens; each walk
starts and ends on the home screen. They run at 1024×600 (a 7-inch kiosk), 1920×1080 and 1080×1920
(portrait, its own arrangement).
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

from kiosk.link.client import OfficeClient

pytestmark = pytest.mark.ui

# the demo office's fields: code, ticket prefix, name
FIELDS = [("ho-tich", "A", "Hộ tịch"), ("chung-thuc", "B", "Chứng thực"), ("dat-dai", "C", "Đất đai – Xây dựng"),
          ("lao-dong-xa-hoi", "D", "Văn hóa – Xã hội"), ("khac", "E", "Khác"), ("ho-kinh-doanh", "F", "Hộ kinh doanh")]
SIZES = [(1024, 600), (1920, 1080), (1080, 1920)]
CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"
CARD_ID = "079190000001"


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def kiosk(request, kiosk_ui, office, tmp_path):
    """The session's app at the size asked for, pointed at the real office, a preview printer in
    tmp_path and a pty scanner (as `kiosk demo` has)."""
    from devices.printer import open_printer
    from devices.scanner import open_scanner

    app, window = kiosk_ui.app, kiosk_ui.window
    saved = app.client, app.printer, app.public_base_url, app.services, app.scanner
    size = window.size
    window.size = request.param
    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.printer = open_printer(f"preview:{tmp_path}")
    app.public_base_url = office.url
    app.services = []
    kiosk_ui.previews = tmp_path
    app.scanner = open_scanner("pty", on_frame=app.scanner_frame, on_state=app.scanner_state)
    app.scanner.start()
    kiosk_ui.wait_until(lambda: app.scanner_status == "connected")
    kiosk_ui.wait_until(lambda: tuple(window.size) == tuple(request.param))
    kiosk_ui.frames(3)
    try:
        yield kiosk_ui
    finally:
        app.scanner.stop()
        app.end_session()
        app.client, app.printer, app.public_base_url, app.services, app.scanner = saved
        window.size = size
        kiosk_ui.frames(3)


# ---- touching what is on show ----------------------------------------------------------------

def on_show(drv, widget) -> bool:
    """The widget is on the current screen or an open dialog, drawn, enabled, inside the window."""
    app = drv.app
    if widget.get_root_window() is None or widget.disabled:
        return False
    node = widget
    while node is not None and node is not drv.window:
        if getattr(node, "opacity", 1) == 0:
            return False
        parent = node.parent
        if parent is app.root:
            if node is not app.root.current_screen:
                return False
            break
        node = parent
    x, y = widget.to_window(*widget.center)
    return 0 <= x <= drv.window.width and 0 <= y <= drv.window.height


def touch(drv, name: str, timeout: float = 10.0) -> None:
    """Wait until the widget called name is on show, then tap its centre."""
    try:
        drv.wait_until(lambda: drv.has(name) and on_show(drv, drv.find(name)), timeout=timeout)
    except AssertionError:
        raise AssertionError(f"{name!r} is not on show on {drv.app.root.current!r}: {drv.texts()}") from None
    drv.tap(name)


def at_home(drv) -> None:
    drv.wait_until(lambda: drv.app.root.current == "home" and drv.has("take_number"))


def scan(drv, text: str) -> None:
    """Write a frame to the scanner's pty as a serial scanner sends it, in two USB packets."""
    data = (text + "\r\n").encode()
    fd = os.open(drv.app.scanner.path, os.O_WRONLY | os.O_NOCTTY)
    try:
        os.write(fd, data[: len(data) // 2])
        time.sleep(0.02)
        os.write(fd, data[len(data) // 2:])
    finally:
        os.close(fd)


def readable(drv, widget, lines: int = 2) -> bool:
    """A text a person can read: on show, and at least `lines` lines of it (or all of it, if
    shorter) inside the window and inside every scrolling view that clips it."""
    from kivy.uix.stencilview import StencilView

    if not on_show(drv, widget):
        return False
    bottom, top = widget.to_window(widget.x, widget.y)[1], widget.to_window(widget.x, widget.top)[1]
    bottom, top = max(bottom, 0), min(top, drv.window.height)
    node = widget.parent
    while node is not None and node is not drv.window:
        if isinstance(node, StencilView):  # draws only what is inside it
            bottom = max(bottom, node.to_window(node.x, node.y)[1])
            top = min(top, node.to_window(node.x, node.top)[1])
        node = node.parent
    line = getattr(widget, "font_size", 20) * 1.2
    return top - bottom >= min(widget.height, lines * line) - 1


# ---- taking a number in each field -----------------------------------------------------------

@pytest.mark.parametrize("code, prefix, name", FIELDS, ids=[f[0] for f in FIELDS])
def test_walk_take_a_number_in_each_field(kiosk, office, code, prefix, name):
    app = kiosk.app
    at_home(kiosk)
    touch(kiosk, "take_number")
    kiosk.wait_until(lambda: app.root.current == "service")
    button = f"service_{code}"
    touch(kiosk, button)
    kiosk.wait_until(lambda: app.root.current == "ticket", timeout=15)
    kiosk.wait_until(lambda: app.screen("ticket").print_state == "printed", timeout=15)
    ticket = app.session.data["ticket"]
    assert ticket["number"].startswith(prefix)
    number = kiosk.find("ticket_number")
    assert ticket["number"] in number.text and readable(kiosk, number)
    assert name in kiosk.all_text()
    assert list(kiosk.previews.glob("ticket-*.png"))  # it went to the printer
    touch(kiosk, "ticket_done")
    at_home(kiosk)
    assert "ticket" not in app.session.data and ticket["number"] not in kiosk.all_text()


# ---- look-up by receipt and by card ----------------------------------------------------------

SLIP_TOKENS: dict[str, str] = {}


def submit_dossier(office, id_number: str) -> str:
    """A dossier at the office, as the kiosk's outbox sends one; its code."""
    client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    applicant = {"id_number": id_number, "full_name": "Trần Thị Bích", "date_of_birth": "1990-03-05",
                 "sex": "Nữ", "address": "12 Lê Lợi, phường Bến Thành", "phone": "0903123456"}
    fields = {"document_name": "Giấy ủy quyền", "number_of_documents": 2, "signing_method": "Điểm chỉ"}
    answer = client.submit_dossier({"idempotency_key": uuid.uuid4().hex, "kiosk_id": "kiosk-1",
                                    "procedure_code": "2.000884", "applicant": applicant, "fields": fields})
    SLIP_TOKENS[answer["code"]] = answer["public_token"]  # what the slip's QR carries
    return answer["code"]


def known_lookup_faults(drv, results, scanned_code: str | None = None) -> list[str]:
    """Faults of the look-up screen that issue 13 lists and the layout work fixes (screens/**,
    not this branch): the walk goes on past them and the test ends as an expected failure naming
    them, so it passes by itself once they are fixed. Anything else fails the test."""
    known = []
    if not readable(drv, results):
        known.append("issue 13: the look-up result shows as a strip above the open keyboard at "
                     f"{drv.window.width}x{drv.window.height}")
    if scanned_code is not None and scanned_code not in drv.find("lookup_code").text:
        known.append("issue 13: the scanned code is not put in the look-up field")
    return known


def test_walk_look_up_by_scanning_the_receipt(kiosk, office):
    from kiosk.slips.receipt import tracking_qr

    app = kiosk.app
    code = submit_dossier(office, "001190000777")
    at_home(kiosk)
    touch(kiosk, "lookup")
    kiosk.wait_until(lambda: app.root.current == "lookup")
    scan(kiosk, tracking_qr(code, office.url, token=SLIP_TOKENS[code]))  # what the receipt's QR code holds
    results = kiosk.wait_until(lambda: code in kiosk.find("lookup_results").text and kiosk.find("lookup_results"),
                               timeout=15)
    assert "Đã khai, chưa nộp bản chính" in results.text
    known = known_lookup_faults(kiosk, results, code)
    touch(kiosk, "back")
    at_home(kiosk)
    assert code not in kiosk.all_text()
    if known:
        pytest.xfail("; ".join(known))


def test_walk_a_receipt_scanned_on_the_home_screen_opens_the_look_up(kiosk, office):
    from kiosk.slips.receipt import tracking_qr

    app = kiosk.app
    code = submit_dossier(office, "001190000778")
    at_home(kiosk)
    scan(kiosk, tracking_qr(code, office.url, token=SLIP_TOKENS[code]))  # …/d/<token>
    kiosk.wait_until(lambda: app.root.current == "lookup")
    kiosk.wait_until(lambda: code in kiosk.find("lookup_results").text, timeout=15)
    known = known_lookup_faults(kiosk, kiosk.find("lookup_results"), code)
    touch(kiosk, "back")
    at_home(kiosk)
    if known:
        pytest.xfail("; ".join(known))


def test_walk_look_up_by_scanning_the_id_card(kiosk, office):
    app = kiosk.app
    code = submit_dossier(office, CARD_ID)
    at_home(kiosk)
    touch(kiosk, "lookup")
    kiosk.wait_until(lambda: app.root.current == "lookup")
    scan(kiosk, CARD)
    touch(kiosk, "card_confirm")  # "Đúng, là tôi"
    # a photo of the card scans as well as the card: the list waits for what the card does not give
    kiosk.wait_until(lambda: app.t("lookup.confirm_hint") == kiosk.find("lookup_hint").text)
    hint = kiosk.find("lookup_hint")
    assert readable(kiosk, hint, lines=3) and "chỉ xem được bằng mã trên phiếu" in hint.text
    assert code not in kiosk.all_text()
    type_on_keyboard(kiosk, "9999")  # wrong: not the last 4 digits of the dossier's phone
    touch(kiosk, "key-ok")
    kiosk.wait_until(lambda: kiosk.find("lookup_hint").text == app.t("lookup.confirm_none"), timeout=15)
    kiosk.frames(3)
    assert readable(kiosk, kiosk.find("lookup_hint"), lines=3)
    assert code not in kiosk.all_text() and kiosk.find("lookup_code").text == ""
    type_on_keyboard(kiosk, "3456")  # the phone on the dossier is 0903123456
    assert kiosk.find("lookup_code").text == "3456"
    touch(kiosk, "key-ok")
    results = kiosk.wait_until(lambda: code in kiosk.find("lookup_results").text and kiosk.find("lookup_results"),
                               timeout=15)
    assert app.session.citizen is not None and app.session.citizen.id_number == CARD_ID
    known = known_lookup_faults(kiosk, results)
    touch(kiosk, "back")
    at_home(kiosk)
    assert app.session.citizen is None and code not in kiosk.all_text()
    if known:
        pytest.xfail("; ".join(known))


def type_on_keyboard(drv, text: str) -> None:
    """Type text key by key on the on-screen keyboard, switching between its letters and its
    digits as a person does."""
    for ch in text:
        name = f"key-{ch.lower()}"
        if not drv.has(name):
            touch(drv, "key-layout-letters" if ch.isalpha() else "key-layout-digits")
        touch(drv, name)


def test_walk_look_up_by_typing_the_code(kiosk, office):
    app = kiosk.app
    code = submit_dossier(office, "001190000779")
    at_home(kiosk)
    touch(kiosk, "lookup")
    kiosk.wait_until(lambda: app.root.current == "lookup")
    type_on_keyboard(kiosk, code.lower())  # small letters: the look-up reads them as capitals
    assert kiosk.find("lookup_code").text.upper() == code
    touch(kiosk, "key-ok")  # "Tra cứu"
    results = kiosk.wait_until(lambda: code in kiosk.find("lookup_results").text and kiosk.find("lookup_results"),
                               timeout=15)
    assert "Đã khai, chưa nộp bản chính" in results.text
    known = known_lookup_faults(kiosk, results)
    touch(kiosk, "back")
    at_home(kiosk)
    assert code not in kiosk.all_text()
    if known:
        pytest.xfail("; ".join(known))
