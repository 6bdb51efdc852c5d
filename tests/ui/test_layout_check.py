"""Layout check: every screen and dialog, at every supported window size, is readable and
touchable. It fails, naming the screen and the texts, when

- two visible texts overlap,
- a text is cut by its widget (the text needs more room than the widget has), by the window or
  by its dialog (a dialog's content taller than the dialog spills over its edge),
- a scrolling area is too small to read (under 100 dp high),
- a touch target is smaller than 60 dp (60 px at 1024×600, about 9 mm on a 7-inch panel),
- a tap at the centre of a visible, enabled button does not reach it (something in front, even
  hidden, takes it),
- a citizen-facing text is smaller than 24 sp.

Screens are reached through the flows (this checks the layout, not the path: the touch tests
walk the paths); the app is built once per size (Driver.resize), against a real office.
With LAYOUT_SHOTS=<folder>, a screenshot of each state is saved there as <W>x<H>-<state>.png.
The offscreen SDL driver draws nothing beyond the session's first window (1024×600), so larger
sizes are shot only on a real display driver: scripts/screenshots.sh runs this under Xvfb.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_take_number_ui import kiosk  # noqa: F401  (fixture: the app with a real office and printer)

pytestmark = pytest.mark.ui

SIZES = [(1024, 600), (800, 480), (1280, 800), (1920, 1080), (1080, 1920)]
CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"
OLD_ADDRESS_CARD = ("079190000003||Lê Văn Tám|01021960|Nam|Số 45/7 đường Bùi Viện, Phường Phạm Ngũ Lão, Quận 1, "
                    "Thành phố Hồ Chí Minh|10052022")
SPLIT_ADDRESS_CARD = ("079190000004||Lê Văn Tám|01021960|Nam|Số 3 đường Calmette, Phường Nguyễn Thái Bình, Quận 1, "
                      "Thành phố Hồ Chí Minh|10052022")
OTHER_CARD = "001189012345||Lê Hoàng Phương Thảo|12081989|Nữ|Số 7 ngõ 15 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội|20042021"
COPY_CERTIFICATION = "2.000815"
MARITAL_STATUS = "1.004873"
BIRTH = "1.001193"
TOUCH_MIN, TEXT_MIN, SCROLL_MIN = 60, 24, 100  # dp, sp, dp
SLACK = 2  # px of rounding


# ---- geometry --------------------------------------------------------------------------------
def _rect(widget, x, y, w, h):
    x0, y0 = widget.to_window(x, y)
    return (x0, y0, x0 + w, y0 + h)


def _intersect(a, b):
    r = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return r if r[2] - r[0] > SLACK and r[3] - r[1] > SLACK else None


def _clip(widget):
    """The part of the window where the widget can be seen (ScrollViews clip), or None when
    the widget or an ancestor is transparent or has no size."""
    from kivy.uix.stencilview import StencilView

    clip = (0, 0, 10 ** 6, 10 ** 6)
    node = widget
    while node is not None and node.parent is not node:
        if node.opacity <= 0 or node.width <= 0 or node.height <= 0:
            return None
        if isinstance(node, StencilView) and node is not widget:
            clip = _intersect(clip, _rect(node, node.x, node.y, node.width, node.height))
            if clip is None:
                return None
        node = node.parent
    return clip


def _in_scroll(widget):
    from kivy.uix.scrollview import ScrollView

    node = widget.parent
    while node is not None and node.parent is not node:
        if isinstance(node, ScrollView):
            return node
        node = node.parent
    return None


def _natural_height(label):
    """How tall the label's text is when nothing stops it (for labels given a fixed text_size)."""
    from kivy.uix.label import Label

    probe = Label(text=label.text, font_size=label.font_size, font_name=label.font_name, bold=label.bold,
                  markup=label.markup, halign=label.halign, line_height=label.line_height,
                  text_size=(label.text_size[0], None), padding=label.padding)
    probe.texture_update()
    return probe.texture_size[1]


def _natural_width(label):
    from kivy.uix.label import Label

    probe = Label(text=label.text, font_size=label.font_size, font_name=label.font_name, bold=label.bold,
                  markup=label.markup, padding=label.padding)
    probe.texture_update()
    return probe.texture_size[0]


def _under_the_bar(label, scroll, text_box):
    """How far the label's longest line reaches under its ScrollView's bar (0 when clear or when
    there is no bar: the content fits)."""
    if not scroll.do_scroll_y or scroll.vbar[1] >= 1 or label.halign not in ("left", "justify", "auto"):
        return 0
    lines = getattr(label._label, "_cached_lines", None) or []
    right = text_box[0] + label.padding[0] + max((line.w for line in lines), default=0)
    bar = scroll.to_window(scroll.right - scroll.bar_width - scroll.bar_margin, scroll.y)[0]
    return max(0, right - bar - SLACK)


def _short(text):
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "…"


def _reaches(drv, widget):
    """Whether a tap at the widget's centre gets to it: a probe bound first in its on_touch_down
    takes the touch (so nothing fires), unless something in front took it already."""
    from kivy.tests.common import UnitTestTouch

    reached = []

    def probe(w, touch):
        if w.collide_point(*touch.pos):
            reached.append(w)
            return True
        return False

    while drv.app.tap_guard_active():
        drv.frames(1)
    widget.fbind("on_touch_down", probe)
    try:
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.scale_for_screen(drv.window.width, drv.window.height, rotation=drv.window.rotation)
        drv.window.dispatch("on_touch_down", touch)
    finally:
        widget.funbind("on_touch_down", probe)
    return bool(reached)


def check_layout(drv, state):
    """Problems of what is on the window now (the top dialog, else the current screen)."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label
    from kivy.uix.modalview import ModalView
    from kivy.uix.scrollview import ScrollView

    from screens.widgets.theme import scale_for

    drv.frames(3)
    win_w, win_h = drv.window.size
    scale = scale_for(win_w, win_h)
    window = (0, 0, win_w, win_h)
    top = drv.window.children[0]
    frame = window
    if isinstance(top, ModalView) and top.children:  # a dialog: its texts stay inside its frame
        content = top.children[0]
        frame = _rect(content, content.x, content.y, content.width, content.height)
    problems = []
    texts = []
    for w in top.walk(restrict=True):
        clip = _clip(w)
        if clip is None:
            continue
        box = _rect(w, w.x, w.y, w.width, w.height)
        if isinstance(w, ButtonBehavior) and not w.disabled and _in_scroll(w) is None and not _reaches(drv, w):
            problems.append(f"a tap does not reach {_short(getattr(w, 'text', '') or type(w).__name__)!r}: "
                            "something in front takes it")
        if isinstance(w, ButtonBehavior) and min(w.width, w.height) < TOUCH_MIN * scale - SLACK:
            problems.append(f"touch target {w.width:.0f}×{w.height:.0f} px < {TOUCH_MIN * scale:.0f}: "
                            f"{_short(getattr(w, 'text', '') or type(w).__name__)!r}")
        if isinstance(w, ScrollView) and _intersect(box, window) != box:
            problems.append(f"scrolling area cut by the window at {box[0]:.0f},{box[1]:.0f}")
        if isinstance(w, ScrollView) and w.children and w.height < SCROLL_MIN * scale - SLACK:
            inner = " ".join(c.text for c in w.walk(restrict=True) if isinstance(c, Label) and c.text)
            if inner.strip():
                problems.append(f"scrolling area only {w.height:.0f} px high: {_short(inner)!r}")
        if not isinstance(w, Label) or not w.text.strip():
            continue
        name = _short(w.text)
        if w.font_size < TEXT_MIN * scale - 0.5:
            problems.append(f"text {w.font_size:.0f} px < {TEXT_MIN * scale:.0f}: {name!r}")
        tw, th = w.texture_size
        text_box = _rect(w, w.center_x - tw / 2, w.center_y - th / 2, tw, th)
        scroll = _in_scroll(w)
        if scroll is None:
            if tw > w.width + SLACK or th > w.height + SLACK:
                problems.append(f"text cut by its widget ({tw:.0f}×{th:.0f} in {w.width:.0f}×{w.height:.0f}): {name!r}")
            elif w.text_size[0] and w.text_size[1] and _natural_height(w) > w.text_size[1] + SLACK:
                problems.append(f"text cut by its widget ({_natural_height(w):.0f} px high in "
                                f"{w.text_size[1]:.0f}): {name!r}")
            elif w.shorten and _natural_width(w) > (w.text_size[0] or w.width) + SLACK:
                problems.append(f"text shortened by its widget: {name!r}")
            outside = _intersect(text_box, window) != text_box
        else:
            outside = False  # scrolled out of sight is fine: the ScrollView itself is checked
            under = _under_the_bar(w, scroll, text_box)
            if under:
                problems.append(f"text runs under the scroll bar by {under:.0f} px: {name!r}")
        if outside:
            problems.append(f"text cut by the window at {text_box[0]:.0f},{text_box[1]:.0f}: {name!r}")
        elif scroll is None and frame is not window and _intersect(text_box, frame) != text_box:
            problems.append(f"text spills out of its dialog at {text_box[0]:.0f},{text_box[1]:.0f}: {name!r}")
        visible = _intersect(text_box, clip)
        if visible is not None:
            texts.append((w, name, visible))
    for i, (a, name_a, ra) in enumerate(texts):
        for b, name_b, rb in texts[i + 1:]:
            if a in b.walk(restrict=True) or b in a.walk(restrict=True):
                continue
            if _intersect(ra, rb) is not None:
                problems.append(f"texts overlap: {name_a!r} and {name_b!r}")
    shots = os.environ.get("LAYOUT_SHOTS")
    drawn = os.environ.get("SDL_VIDEODRIVER") != "offscreen" or (win_w <= 1024 and win_h <= 600)
    if shots and drawn:
        Path(shots).mkdir(parents=True, exist_ok=True)
        name = Path(shots) / f"{win_w}x{win_h}-{state.replace(' ', '_').replace(',', '')}.png"
        drv.screenshot(name).replace(name)  # Kivy adds a counter to the name: keep the plain one
    return [f"[{win_w}×{win_h}] {state}: {p}" for p in problems]


# ---- the states ----------------------------------------------------------------------------
def states(drv, large=False):
    """Bring up each screen and dialog in turn; yield its name when it is on show. large: with
    "Chữ to" on throughout (each citizen's session turns it off: it is turned on again)."""
    app = drv.app
    t = app.t

    def end_session():
        app.end_session()
        app.large_text = large

    app.large_text = large
    yield "home"
    app.show_notice(t("notice.help_sent"))
    yield "home with a notice"
    app.set_volunteer_band(t("volunteer.band", name="Nguyễn Thị Thanh Hương"))
    yield "home in assisted mode"
    app.start_flow("take_number")
    drv.wait_until(lambda: app.screen("service").services, timeout=10)
    yield "service, assisted"
    app.set_volunteer_band("")
    app.ticket.open_priority()
    drv.wait_until(lambda: drv.has("priority_elderly"))
    yield "priority dialog"
    app.ticket.choose_priority("disability")
    yield "service with a priority"
    app.procedures.open_search(app.ticket.take_for_procedure)
    for ch in "chung thuc":
        drv.find("keyboard").key("key-space" if ch == " " else f"key-{ch}").dispatch("on_release")
    drv.wait_until(lambda: drv.has(f"match_{COPY_CERTIFICATION}"), timeout=10)
    yield "search dialog with matches"
    app.procedures.close_search()
    app.ticket.take("ho-tich")
    drv.wait_until(lambda: app.screen("ticket").print_state == "printed", timeout=15)
    yield "ticket with a priority line"
    end_session()
    (drv.previews / "simulate-fault").write_text("paper_out")
    app.start_flow("take_number")
    drv.wait_until(lambda: app.screen("service").services, timeout=10)
    app.ticket.choose_priority("elderly")
    app.ticket.take("chung-thuc")
    drv.wait_until(lambda: app.screen("ticket").print_state == "failed", timeout=15)
    yield "ticket, paper out"
    (drv.previews / "simulate-fault").unlink()
    end_session()
    app.start_flow("submit_dossier")
    drv.wait_until(lambda: app.screen("procedures").procedures, timeout=10)
    yield "procedures"
    app.procedures.open(COPY_CERTIFICATION)
    yield "procedure"
    app.screen("procedure").ids.details_scroll.scroll_y = 0  # scrolled to the end...
    app.procedures.open(BIRTH)  # ...the next procedure opens at its top
    yield "procedure (another)"
    app.dossier.start()
    yield "consent"
    app.dossier.set_consent(True)
    yield "consent, agreed"
    app.dossier.consent_next()
    yield "form, text with keyboard"
    app.dossier.form_input("Nguyễn Văn An")
    app.dossier.form_next()
    yield "form, digits"
    app.dossier.form_next()  # empty: a plain error sentence
    assert app.screen("form").error
    yield "form, error"
    app.dossier.form_input("079190000001")
    app.dossier.form_next()
    app.dossier.form_input("05/03/1990")
    app.dossier.form_next()
    yield "form with choice buttons"
    app.scanner_frame(OTHER_CARD + "\r")  # the form already has another applicant: replace or keep?
    drv.wait_until(lambda: drv.has("card_confirm") and drv.find("card_confirm").text == t("card.replace_confirm"))
    yield "card dialog, replacing an applicant"
    drv.find("card_not_me").dispatch("on_release")
    end_session()
    app.scanner_frame(CARD + "\r")
    drv.wait_until(lambda: drv.has("card_confirm"))
    yield "card dialog"
    drv.find("card_confirm").dispatch("on_release")
    app.start_flow("submit_dossier")
    drv.wait_until(lambda: app.screen("procedures").procedures, timeout=10)
    app.procedures.open(COPY_CERTIFICATION)
    yield "procedure, card scanned"  # done at the counter: its papers and "Chuẩn bị hồ sơ và lấy số"
    app.procedures.open(MARITAL_STATUS)  # one declared here
    app.dossier.start()
    app.dossier.set_consent(True)
    app.dossier.consent_next()
    yield "form, the card's address to confirm"
    app.dossier.address_choose("card")
    for value in ("0901234567", "Chưa từng kết hôn", "", "Kết hôn để đăng ký tại nước ngoài", "2"):
        app.dossier.form_input(value)
        app.dossier.form_next()
    drv.wait_until(lambda: app.root.current == "review")
    yield "review"
    screen = app.screen("dossier_result")
    screen.title, screen.code = t("dossier.sent_title"), "CT-20261202-0001"
    from kiosk.domain.catalogue import load_catalogue
    from kiosk.slips.receipt import next_steps

    birth = load_catalogue().by_code("1.001193").raw  # the longest list of papers to bring
    screen.detail = "\n".join(next_steps({"expected_date": "2026-12-04", "fee_vnd": 0}, birth, app.lang,
                                          counters=[1, 3]))
    screen.print_note = t("dossier.receipt_printed")
    app.go("dossier_result")
    yield "dossier result"
    for card, lang, state in ((OLD_ADDRESS_CARD, "vi", "form, an old address with its new name"),
                              (OLD_ADDRESS_CARD, "en", "form, an old address with its new name in English"),
                              (SPLIT_ADDRESS_CARD, "vi", "form, an old address of a divided ward")):
        end_session()
        app.lang = lang
        app.scanner_frame(card + "\r")
        drv.wait_until(lambda: drv.has("card_confirm"))
        drv.find("card_confirm").dispatch("on_release")
        app.start_flow("submit_dossier")
        drv.wait_until(lambda: app.screen("procedures").procedures, timeout=10)
        app.procedures.open(MARITAL_STATUS)  # declared at the kiosk (certification is done at the counter)
        app.dossier.start()
        app.dossier.set_consent(True)
        app.dossier.consent_next()
        assert app.screen("form").widget == "address" and app.screen("form").note
        yield state
    end_session()
    app.start_flow("lookup")
    yield "lookup"
    app.lookup.ask_confirmation()  # a card scanned here: the phone's last 4 digits or the slip's code
    app.screen("lookup").code = "3456"
    yield "lookup asking a card's confirmation"
    app.screen("lookup").code = ""
    app.screen("lookup").confirm_failed = True
    yield "lookup after a wrong confirmation"
    app.lookup._show([{"code": "HT-20261202-0003", "status": "declared", "procedure_name_vi": "Đăng ký khai sinh"},
                      {"code": "CT-20261202-0001", "status": "more_documents",
                       "procedure_name_vi": "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
                       "appointment_date": "2026-12-04", "note": "Bổ sung bản chính văn bằng."},
                      {"code": "HT-20261130-0007", "status": "ready",
                       "procedure_name_vi": "Đăng ký khai sinh", "appointment_date": "2026-12-01"}])
    yield "lookup with results"
    end_session()
    app.assist.open_pin()
    drv.wait_until(lambda: drv.has("pin_cancel"))
    yield "pin dialog"
    drv.find("pin_cancel").dispatch("on_release")
    app.start_flow("take_number")
    idle = app._ask_still_there(15, lambda: None, lambda: None)
    yield "idle dialog"
    idle.close()
    end_session()
    app.switch_language()
    yield "home in English"
    app.start_flow("take_number")
    drv.wait_until(lambda: app.screen("service").services, timeout=10)
    yield "service in English"
    app.ticket.choose_priority("elderly")
    app.ticket.take("ho-tich")
    drv.wait_until(lambda: app.screen("ticket").print_state == "printed", timeout=15)
    yield "ticket in English"
    end_session()
    app.lang = "en"
    app.start_flow("submit_dossier")
    drv.wait_until(lambda: app.screen("procedures").procedures, timeout=10)
    yield "procedures in English"
    app.procedures.open(BIRTH)
    yield "procedure in English"
    app.dossier.start()
    yield "consent in English"
    app.dossier.set_consent(True)
    app.dossier.consent_next()
    for value in ("Nguyễn Văn An", "079190000001", "05/03/1990"):
        app.dossier.form_input(value)
        app.dossier.form_next()
    yield "form with choice buttons in English"
    end_session()
    app.lang = "en"
    app.start_flow("lookup")
    app.lookup._show([{"code": "HT-20261202-0003", "status": "declared", "procedure_name_en": "Birth registration"},
                      {"code": "CT-20261202-0001", "status": "more_documents",
                       "procedure_name_en": "Certified copy from the original", "appointment_date": "2026-12-04"}])
    yield "lookup with results in English"
    end_session()
    app.lang = "en"
    app.start_flow("lookup")
    app.lookup.ask_confirmation()
    yield "lookup asking a card's confirmation in English"
    app.screen("lookup").confirm_failed = True
    yield "lookup after a wrong confirmation in English"
    end_session()
    app.lang = app.settings.display.language


@pytest.fixture
def sized(kiosk, request):  # noqa: F811
    width, height = request.param
    kiosk.app.voice_on = True  # a kiosk that speaks shows "Nghe hướng dẫn" in its top bar: check with it
    kiosk.resize(width, height)
    yield kiosk
    kiosk.app.voice_on = kiosk.app.voice.available
    kiosk.resize(1024, 600)  # as the other tests expect it


def _check_every_state(drv, large=False):
    problems = []
    seen = []
    try:
        for state in states(drv, large):
            seen.append(state)
            problems += check_layout(drv, state + (", large text" if large else ""))
    finally:
        drv.app.end_session()
    assert len(seen) >= 30
    assert not problems, f"{len(problems)} layout problem(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("sized", SIZES, ids=[f"{w}x{h}" for w, h in SIZES], indirect=True)
def test_every_screen_fits_and_reads(sized):
    _check_every_state(sized)


# "Chữ to" (text 1.5×, higher contrast): the landscape sizes a ward office has (portrait
# floor-standing kiosks are checked with the usual text only, to bound the run time)
LARGE_SIZES = [(1024, 600), (800, 480), (1920, 1080)]


@pytest.mark.parametrize("sized", LARGE_SIZES, ids=[f"{w}x{h}" for w, h in LARGE_SIZES], indirect=True)
def test_every_screen_fits_and_reads_with_large_text(sized):
    _check_every_state(sized, large=True)
