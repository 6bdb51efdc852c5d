"""What a citizen sees after each tap fits the screen and can be read (issue 13): the home screen
with a notice, look-up results, the procedure search, the ticket with a priority line or with no
paper, a procedure page opened after another. Real touches at the centre of visible widgets,
against a real office; no app method moves between screens. Each is checked at 1024×600, at
800×480 (the Raspberry Pi 7-inch display) and at 1080×1920 (portrait, its own arrangement) with the
layout check of test_layout_check."""

import uuid

import pytest

from kiosk.domain import cccd
from kiosk.domain.submission import Submission
from kiosk.link.client import OfficeClient
from screens.widgets.theme import scale_for
from test_layout_check import check_layout
from test_take_number_ui import kiosk  # noqa: F401  (fixture: the app with a real office and printer)

pytestmark = pytest.mark.ui

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"
COPY_CERTIFICATION = "2.000815"
BIRTH = "1.001193"
SIZES = [(1024, 600), (800, 480), (1080, 1920)]


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def drv(kiosk, request):  # noqa: F811
    width, height = request.param
    if (width, height) != (1024, 600):
        kiosk.resize(width, height)
    yield kiosk
    if (width, height) != (1024, 600):
        kiosk.resize(1024, 600)


def on_window(drv, widget):
    """The widget's box in window coordinates."""
    x0, y0 = widget.to_window(widget.x, widget.y)
    return x0, y0, x0 + widget.width, y0 + widget.height


def fits(drv, state):
    problems = check_layout(drv, state)
    assert not problems, "\n".join(problems)


def test_help_notice_on_the_home_screen_can_be_read(drv):
    drv.tap("help_button")
    drv.wait_until(lambda: "Đã gửi yêu cầu hỗ trợ" in drv.app.notice, timeout=10)
    notice = drv.find("notice")
    bar = next(w for w in drv.app.root.current_screen.walk() if type(w).__name__ == "TopBar")
    assert on_window(drv, notice)[3] <= on_window(drv, bar)[1] + 1, "the notice sits under the top bar"
    fits(drv, "home after 'Cần hỗ trợ'")
    drv.tap("take_number")  # the page still works
    assert drv.app.root.current == "service"


def _dossier_in_office(office):
    """A dossier stored at the office, as a receipt's QR would name it."""
    from kiosk.domain.catalogue import load_catalogue

    sub = Submission(load_catalogue().by_code(COPY_CERTIFICATION), citizen=cccd.parse(CARD), consent=True)
    for path, value in (("document_name", "Bằng tốt nghiệp"), ("number_of_pages", "2"), ("number_of_copies", "1")):
        sub.answer(path, value)
    request = sub.payload(kiosk_id="kiosk-1")
    request.update(idempotency_key=str(uuid.uuid4()), local_ref=f"K1-{uuid.uuid4().hex[:6]}")
    return OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0).submit_dossier(request)["code"]


def test_scanned_receipt_puts_its_code_in_the_field_and_the_result_in_view(drv, office):
    code = _dossier_in_office(office)
    drv.tap("lookup")
    assert drv.has("key-a")  # the keyboard is open for typing a code
    drv.app.scanner_frame(f"MCHS:{code}\r")
    drv.wait_until(lambda: code in drv.find("lookup_results").text, timeout=15)
    assert drv.find("lookup_code").text == code, "the scanned code is in the field"
    assert not drv.has("key-a") and not drv.has("keyboard"), "the keyboard made way for the result"
    scroll = drv.find("results_scroll")
    assert scroll.height >= 250 * scale_for(*drv.window.size), f"result area only {scroll.height:.0f} px high"
    # the result takes the room the keyboard left (in portrait the code row moves back up to it)
    assert scroll.height >= drv.window.height / 2, f"result area only {scroll.height:.0f} px high"
    result = drv.find("lookup_results")
    assert result.texture_size[1] <= scroll.height, "the whole result shows without scrolling"
    fits(drv, "look-up with a scanned receipt")
    # another code, typed: the keyboard comes back
    drv.tap("type_again")
    assert drv.has("key-a") and drv.find("lookup_code").text == ""
    if drv.app.portrait:  # the code field comes back down to its keyboard
        gap = on_window(drv, drv.find("lookup_code"))[1] - on_window(drv, drv.find("keyboard"))[3]
        assert gap < 40 * scale_for(*drv.window.size), f"{gap:.0f} px between the code and its keyboard"
    drv.type_keys(code)
    assert drv.find("lookup_code").text == code
    drv.tap("key-ok")
    drv.wait_until(lambda: "Trạng thái" in drv.find("lookup_results").text, timeout=15)
    assert not drv.has("key-a")
    fits(drv, "look-up with a typed code")


def test_search_matches_show_between_the_query_and_the_keyboard(drv):
    drv.tap("take_number")
    drv.wait_until(lambda: drv.has("service_ho-tich"), timeout=10)
    drv.tap("search_for_ticket")
    drv.type_keys("chung thuc ban")  # two matches (plain "chung thuc" finds all five authentications)
    drv.wait_until(lambda: drv.has(f"match_{COPY_CERTIFICATION}"), timeout=10)
    query = on_window(drv, drv.find("search_query"))
    keyboard = on_window(drv, drv.find("keyboard"))
    for kid in (f"match_{COPY_CERTIFICATION}", "match_2.000884"):  # Chứng thực chữ ký
        match = on_window(drv, drv.find(kid))
        assert match[3] <= query[1] + 1, f"{kid} covers the query"
        assert match[1] >= keyboard[3] - 1, f"{kid} is under the keyboard"
    if drv.app.portrait:  # the query and the way back come down, within reach
        assert query[1] < drv.window.height / 2, "the query row is in the upper half"
    fits(drv, "search dialog with matches")
    drv.tap(f"match_{COPY_CERTIFICATION}")
    drv.wait_until(lambda: drv.app.root.current == "ticket", timeout=15)
    assert drv.app.session.data["ticket"]["service"] == "chung-thuc"


def test_ticket_with_a_priority_line_fits(drv):
    drv.tap("take_number")
    drv.wait_until(lambda: drv.has("service_ho-tich"), timeout=10)
    drv.tap("priority_button")
    drv.tap("priority_elderly")
    drv.tap("service_ho-tich")
    drv.wait_until(lambda: drv.app.screen("ticket").print_state == "printed", timeout=15)
    assert "Số ưu tiên" in drv.all_text()
    fits(drv, "ticket with a priority line")
    drv.tap("ticket_done")
    assert drv.app.root.current == "home"


def test_paper_out_screen_fits_and_reprints(drv):
    (drv.previews / "simulate-fault").write_text("paper_out")
    drv.tap("take_number")
    drv.wait_until(lambda: drv.has("service_chung-thuc"), timeout=10)
    drv.tap("priority_button")
    drv.tap("priority_disability")
    drv.tap("service_chung-thuc")
    drv.wait_until(lambda: drv.app.screen("ticket").print_state == "failed", timeout=15)
    fits(drv, "ticket, paper out")
    (drv.previews / "simulate-fault").unlink()
    drv.tap("reprint")
    drv.wait_until(lambda: drv.app.screen("ticket").print_state == "printed", timeout=15)


def test_a_procedure_page_opens_at_its_top(drv):
    drv.tap("submit_dossier")
    drv.wait_until(lambda: drv.has(f"procedure_{BIRTH}"), timeout=10)
    drv.tap(f"procedure_{BIRTH}")
    scroll = drv.find("details_scroll")
    scroll.scroll_y = 0  # read to the end, as a finger would scroll
    drv.frames(2)
    drv.tap("back")
    drv.tap(f"procedure_{COPY_CERTIFICATION}")
    assert drv.find("details_scroll").scroll_y == 1
    heading = next(w for w in drv.find("details").children if "làm trực tiếp tại quầy" in w.text)  # its first line
    top = on_window(drv, drv.find("details_scroll"))
    assert on_window(drv, heading)[3] <= top[3] + 1, "the first heading is cut at the top"
    fits(drv, "procedure after another")


@pytest.fixture
def portrait(kiosk):  # noqa: F811
    kiosk.resize(1080, 1920)
    yield kiosk
    kiosk.resize(1024, 600)


def test_in_portrait_the_buttons_sit_in_the_lower_half_and_answer_taps(portrait):
    """A floor-standing portrait screen is not the landscape layout scaled: what sits side by side
    is stacked, and what a citizen taps is in the lower half, within reach."""
    drv = portrait
    assert drv.app.portrait
    half = drv.window.height / 2
    home = {kid: on_window(drv, drv.find(kid)) for kid in ("take_number", "submit_dossier", "lookup")}
    for kid, box in home.items():
        assert box[3] <= half, f"{kid} is in the upper half"
    assert home["submit_dossier"][1] >= home["lookup"][3] - 1, "the two buttons are not stacked"
    assert home["take_number"][2] - home["take_number"][0] > drv.window.width * 0.8, "the main button is not wide"
    drv.tap("take_number")
    drv.wait_until(lambda: drv.has("service_ho-tich"), timeout=10)
    services = [w for w in drv.widgets() if getattr(w, "kid", "").startswith("service_")]
    assert len(services) >= 5 and len({round(on_window(drv, w)[0]) for w in services}) == 1, "not one column"
    for w in services + [drv.find("priority_button"), drv.find("search_for_ticket")]:
        assert on_window(drv, w)[3] <= half * 1.2, f"{w.text!r} is high up"
    drv.tap("service_ho-tich")
    drv.wait_until(lambda: drv.app.screen("ticket").print_state == "printed", timeout=15)
    assert on_window(drv, drv.find("ticket_done"))[3] <= half
    fits(drv, "ticket in portrait")
    drv.tap("ticket_done")
    assert drv.app.root.current == "home"
