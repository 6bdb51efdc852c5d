"""Each citizen starts fresh: whatever the last one chose (English, a typed code, the keyboard's
digits, a scrolled list) is gone when the session ends by "Xong", by "Quay lại" or by the idle
wipe. Driven by real touches at the centre of widgets on show; no app method moves between screens.
"""

from __future__ import annotations

import pytest

from kiosk.link.client import OfficeClient

pytestmark = pytest.mark.ui


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
    yield kiosk_ui
    app.end_session()
    app.client, app.printer, app.public_base_url, app.services = saved


def on_show(drv, widget) -> bool:
    """The widget is on the current screen or an open dialog, drawn, enabled, inside the window."""
    app = drv.app
    if widget.get_root_window() is None or widget.disabled:
        return False
    node = widget
    while node is not None and node is not drv.window:
        if getattr(node, "opacity", 1) == 0:
            return False
        if node is app.root:  # reached the screen manager: only its current screen counts
            break
        parent = node.parent
        if parent is app.root and node is not app.root.current_screen:
            return False
        node = parent
    x, y = widget.to_window(*widget.center)
    return 0 <= x <= drv.window.width and 0 <= y <= drv.window.height


def touch(drv, name: str, timeout: float = 5.0) -> None:
    """Wait until the widget called name is on show, then tap its centre."""
    drv.wait_until(lambda: drv.has(name) and on_show(drv, drv.find(name)), timeout=timeout)
    drv.tap(name)


def home_text_in_vietnamese(drv) -> str:
    assert drv.app.root.current == "home" and drv.app.lang == "vi"
    return drv.all_text()


def shows(drv, text: str) -> None:
    """The window comes to show exactly text (a screen change completes at the next frames)."""
    try:
        drv.wait_until(lambda: drv.all_text() == text, timeout=3)
    except AssertionError:
        assert drv.all_text() == text


def switch_to_english(drv) -> None:
    touch(drv, "lang_button")
    assert drv.app.lang == "en"


def test_done_after_a_ticket_brings_the_next_citizen_back_to_vietnamese(kiosk):
    vietnamese = home_text_in_vietnamese(kiosk)
    switch_to_english(kiosk)
    english = kiosk.all_text()
    assert english != vietnamese
    touch(kiosk, "take_number")
    touch(kiosk, "service_ho-tich")
    kiosk.wait_until(lambda: kiosk.app.root.current == "ticket")
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "printed", timeout=15)
    assert kiosk.app.lang == "en"  # the citizen's own choice holds to the end of their session
    touch(kiosk, "ticket_done")  # "Xong" (Done)
    kiosk.wait_until(lambda: kiosk.app.root.current == "home")
    assert kiosk.app.lang == "vi"
    shows(kiosk, vietnamese)
    # and the next citizen's screens are Vietnamese too
    touch(kiosk, "take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    assert "Hộ tịch" in kiosk.find("service_ho-tich").text


def test_idle_wipe_brings_back_vietnamese_and_empty_fields(kiosk):
    app = kiosk.app
    app.session.idle_timeout, app.session.idle_countdown = 2.0, 1.0  # short, for a citizen who walks away
    vietnamese = home_text_in_vietnamese(kiosk)
    switch_to_english(kiosk)
    touch(kiosk, "lookup")
    kiosk.wait_until(lambda: app.root.current == "lookup")
    for key in ("key-b", "key-t", "key-layout-digits", "key-2"):
        touch(kiosk, key)
    assert app.screen("lookup").code.lower() == "bt2"
    kiosk.wait_until(lambda: kiosk.has("idle_continue"), timeout=10)  # they walked away
    assert app.lang == "en"  # the question is still asked in their language
    kiosk.wait_until(lambda: not kiosk.has("idle_continue"), timeout=10)
    assert app.root.current == "home"
    assert app.lang == "vi"
    shows(kiosk, vietnamese)
    app.session.idle_timeout = app.settings.display.idle_timeout
    touch(kiosk, "lookup")
    kiosk.wait_until(lambda: app.root.current == "lookup")
    screen = app.screen("lookup")
    assert screen.code == "" and screen.ids.lookup_code.text == ""
    assert screen.ids.keyboard.layout == "letters"  # the next citizen gets the letters again
    assert kiosk.has("key-b")


def test_back_from_a_scrolled_list_leaves_it_at_the_top_for_the_next_citizen(kiosk):
    app = kiosk.app
    touch(kiosk, "submit_dossier")
    kiosk.wait_until(lambda: app.root.current == "procedures" and kiosk.has("back"))
    scroll = app.screen("procedures").ids.procedure_scroll
    kiosk.wait_until(lambda: scroll.children and scroll.children[0].height > scroll.height)
    swipe_up(kiosk, scroll)
    kiosk.wait_until(lambda: scroll.scroll_y < 0.99)
    touch(kiosk, "back")  # "Quay lại" ends the session on this screen
    kiosk.wait_until(lambda: app.root.current == "home")
    touch(kiosk, "submit_dossier")
    kiosk.wait_until(lambda: app.root.current == "procedures")
    kiosk.frames(10)  # no fling of the last citizen's finger carries on either
    assert scroll.scroll_y == pytest.approx(1.0)


def swipe_up(drv, widget) -> None:
    """A finger dragging the list up (to see what is further down), as real touch events."""
    import time

    from kivy.tests.common import UnitTestTouch

    while drv.app.tap_guard_active():
        drv.frames(1)
    x, y = widget.to_window(widget.center_x, widget.y + widget.height * 0.2)
    finger = UnitTestTouch(x, y)
    finger.touch_down()
    drv.frames(1)
    for step in range(1, 13):
        finger.touch_move(x, y + step * 25)
        drv.frames(1)
        time.sleep(0.01)
    finger.touch_up()
    drv.frames(5)


def test_a_priority_chosen_then_abandoned_is_not_the_next_citizens(kiosk):
    app = kiosk.app
    vietnamese = home_text_in_vietnamese(kiosk)
    switch_to_english(kiosk)
    touch(kiosk, "take_number")
    touch(kiosk, "priority_button")
    touch(kiosk, "priority_pregnant")
    kiosk.wait_until(lambda: app.screen("service").priority_text)
    touch(kiosk, "back")  # changed their mind
    kiosk.wait_until(lambda: app.root.current == "home")
    shows(kiosk, vietnamese)
    touch(kiosk, "take_number")
    kiosk.wait_until(lambda: kiosk.has("service_khac"))
    assert app.screen("service").priority_text == "" and "priority" not in app.session.data
    touch(kiosk, "service_khac")
    kiosk.wait_until(lambda: app.root.current == "ticket", timeout=15)
    assert app.session.data["ticket"]["priority"] in (None, "", "none")
