"""The app shell, driven offscreen with real touches: home, language, idle wipe, lockdown."""

import pytest

pytestmark = pytest.mark.ui

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"


def test_home_screen_is_vietnamese_with_one_main_action(kiosk_ui):
    assert kiosk_ui.app.root.current == "home"
    text = kiosk_ui.all_text()
    assert "Lấy số thứ tự" in text and "Nộp hồ sơ trực tuyến" in text and "Tra cứu hồ sơ" in text
    main = kiosk_ui.find("take_number")
    assert main.primary and main.height >= 100  # ≥ 15 mm on a 7-inch 1024×600 panel
    assert main.font_size >= 28


def test_language_switch_relabels_everything_live(kiosk_ui):
    vi = kiosk_ui.all_text()
    kiosk_ui.tap("lang_button")
    en = kiosk_ui.all_text()
    assert kiosk_ui.app.lang == "en"
    assert "Take a queue number" in en and "Lấy số thứ tự" not in en
    assert kiosk_ui.app.kiosk.ward.department in en  # the ward's own name in both languages
    assert "Tiếng Việt" in en  # the switch offers the way back
    kiosk_ui.tap("lang_button")
    assert kiosk_ui.all_text() == vi


def test_scanned_card_is_shown_masked_and_not_me_discards_it(kiosk_ui):
    kiosk_ui.app.scanner_frame(CARD + "\r")  # as a reader thread would
    kiosk_ui.wait_until(lambda: kiosk_ui.has("card_confirm"))
    text = kiosk_ui.all_text()
    assert "Trần Thị Bích" in text and "079******001" in text and "05/03/1990" in text
    assert "079190000001" not in text  # the full number is never shown
    kiosk_ui.tap("card_not_me")
    assert kiosk_ui.app.session.citizen is None
    assert "Trần Thị Bích" not in kiosk_ui.all_text()


def test_qr_that_is_not_a_card_says_why_and_changes_nothing(kiosk_ui):
    kiosk_ui.app.scanner_frame("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html\r")
    kiosk_ui.wait_until(lambda: kiosk_ui.app.notice)
    assert "không phải mã QR trên thẻ căn cước" in kiosk_ui.all_text()
    assert kiosk_ui.app.session.citizen is None and kiosk_ui.app.root.current == "home"


def test_idle_asks_then_wipes_everything(kiosk_ui):
    app = kiosk_ui.app
    app.session.idle_timeout, app.session.idle_countdown = 0.4, 0.8
    app.scanner_frame(CARD + "\r")
    kiosk_ui.wait_until(lambda: kiosk_ui.has("card_confirm"))
    kiosk_ui.tap("card_confirm")
    assert app.session.in_use
    kiosk_ui.wait_until(lambda: kiosk_ui.has("idle_continue"), timeout=5)
    assert "Ông/bà còn tiếp tục không?" in kiosk_ui.all_text()
    kiosk_ui.wait_until(lambda: not kiosk_ui.has("idle_continue"), timeout=5)
    assert app.session.citizen is None and not app.session.in_use
    assert app.root.current == "home"
    everything = kiosk_ui.all_text()
    assert "Trần Thị Bích" not in everything and "079******001" not in everything


def test_idle_continue_keeps_the_session(kiosk_ui):
    app = kiosk_ui.app
    app.session.idle_timeout, app.session.idle_countdown = 0.4, 30
    app.scanner_frame(CARD + "\r")
    kiosk_ui.wait_until(lambda: kiosk_ui.has("card_confirm"))
    kiosk_ui.tap("card_confirm")
    kiosk_ui.wait_until(lambda: kiosk_ui.has("idle_continue"), timeout=5)
    kiosk_ui.tap("idle_continue")
    assert not kiosk_ui.has("idle_continue")
    assert app.session.citizen is not None and app.session.citizen.full_name == "Trần Thị Bích"


def test_idle_finish_button_ends_the_session(kiosk_ui):
    app = kiosk_ui.app
    app.session.idle_timeout, app.session.idle_countdown = 0.3, 30
    app.scanner_frame(CARD + "\r")
    kiosk_ui.wait_until(lambda: kiosk_ui.has("card_confirm"))
    kiosk_ui.tap("card_confirm")
    kiosk_ui.wait_until(lambda: kiosk_ui.has("idle_finish"), timeout=5)
    kiosk_ui.tap("idle_finish")
    assert app.session.citizen is None and app.root.current == "home"


@pytest.mark.parametrize("key, mods", [(27, []), (282, []), (285, ["alt"])], ids=["esc", "f1", "alt-f4"])
def test_lockdown_keys_do_not_leave_the_app(kiosk_ui, key, mods):
    assert kiosk_ui.key(key, mods) is True  # swallowed before Kivy's own handlers
    kiosk_ui.frames(3)
    assert kiosk_ui.app.root.current == "home"
    assert kiosk_ui.app.root.get_root_window() is not None
    assert not any(type(w).__name__.startswith("Settings") for w in kiosk_ui.widgets())


def test_window_close_request_is_refused(kiosk_ui):
    assert kiosk_ui.window.dispatch("on_request_close") is True
    kiosk_ui.frames(2)
    assert kiosk_ui.app.root.get_root_window() is not None


def test_screenshot_of_home(kiosk_ui, tmp_path):
    from PIL import Image

    shot = kiosk_ui.screenshot(tmp_path / "home.png")
    img = Image.open(shot).convert("RGB")
    assert img.size == (1024, 600)
    colours = img.getcolors(maxcolors=1 << 20)
    assert colours and len(colours) > 20  # text and buttons were drawn, not a blank frame
