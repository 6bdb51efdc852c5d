"""The Vietnamese on-screen keyboard, driven offscreen with real touches on its keys."""

from __future__ import annotations

import unicodedata

import pytest

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def window():
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    if EventLoop.status != "started":
        EventLoop.start()
    from kivy.core.window import Window

    size = Window.size
    Window.size = (1024, 600)
    yield Window
    Window.size = size


@pytest.fixture
def kb(window):
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.textinput import TextInput

    from screens.widgets.vnkeyboard import VNKeyboard

    root = BoxLayout(orientation="vertical", size=window.size)
    field = TextInput(text="", font_size=30, size_hint_y=None, height=80)
    keyboard = VNKeyboard(target=field)
    root.add_widget(field)
    root.add_widget(BoxLayout())
    root.add_widget(keyboard)
    window.add_widget(root)
    frames(3)
    from kivy.app import App

    app = App.get_running_app()  # when the kiosk app runs too, its tap guard may still be on
    while app is not None and app.tap_guard_active():
        frames(1)
    yield keyboard
    window.remove_widget(root)
    frames(1)


def frames(n=2):
    from kivy.base import EventLoop

    for _ in range(n):
        EventLoop.idle()


def tap(keyboard, kid):
    """A real touch at the centre of the key, through the window's input queue."""
    from kivy.tests.common import UnitTestTouch

    key = keyboard.key(kid)
    x, y = key.to_window(*key.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()  # both go through the window's input queue on the next frame
    touch.touch_up()
    frames(1)


def type_keys(keyboard, keys):
    for ch in keys:
        if ch == " ":
            tap(keyboard, "key-space")
        elif ch.isupper():
            tap(keyboard, "key-shift")
            tap(keyboard, f"key-{ch.lower()}")
        else:
            tap(keyboard, f"key-{ch}")


def test_telex_typing_fills_the_field_in_nfc(kb):
    type_keys(kb, "Nguyeenx Thij Hoaf")
    assert kb.target.text == "Nguyễn Thị Hòa"
    assert unicodedata.is_normalized("NFC", kb.target.text)


def test_place_names(kb):
    type_keys(kb, "phuwowngf Beesn Thafnh")
    assert kb.target.text == "phường Bến Thành"


def test_shift_is_one_shot_and_makes_capitals(kb):
    tap(kb, "key-shift")
    assert kb.key("key-a").text == "A"
    type_keys(kb, "ddaf")
    assert kb.target.text == "Đà"
    assert kb.key("key-a").text == "a" and kb.shift is False


def test_auto_capitalize_for_names(kb):
    kb.auto_capitalize = True
    type_keys(kb, "tran vawn an")
    assert kb.target.text == "Tran Văn An"


def test_tone_row_acts_on_the_last_word(kb):
    type_keys(kb, "Tran ")
    tap(kb, "key-tone-2")  # huyền
    assert kb.target.text == "Tràn "
    tap(kb, "key-mark-circ")
    assert kb.target.text == "Trần "
    type_keys(kb, "dang")
    tap(kb, "key-mark-stroke")
    tap(kb, "key-mark-breve")
    tap(kb, "key-tone-5")
    assert kb.target.text == "Trần đặng"
    tap(kb, "key-tone-5")  # the same tone again removes it
    assert kb.target.text == "Trần đăng"
    type_keys(kb, " truong")
    tap(kb, "key-mark-horn")
    tap(kb, "key-tone-2")
    assert kb.target.text == "Trần đăng trường"


def test_backspace(kb):
    type_keys(kb, "Vieetj")
    tap(kb, "key-backspace")
    assert kb.target.text == "Việ"
    for _ in range(5):
        tap(kb, "key-backspace")
    assert kb.target.text == ""


def test_ok_fires_with_the_text(kb):
    got = []
    kb.bind(on_ok=lambda _kb, text: got.append(text))
    type_keys(kb, "Hueer")
    tap(kb, "key-ok")
    assert got == ["Huể"]


def test_on_text_fires_on_every_change(kb):
    seen = []
    kb.bind(on_text=lambda _kb, text: seen.append(text))
    type_keys(kb, "aa")
    assert seen == ["a", "â"]


def test_digits_layout_for_number_fields(kb):
    kb.input_type = "digits"
    frames(2)
    kids = {k.kid for k in kb.key_widgets()}
    assert "key-a" not in kids and "key-layout-letters" not in kids
    for d in "079190001234":
        tap(kb, f"key-{d}")
    assert kb.target.text == "079190001234"
    tap(kb, "key-backspace")
    assert kb.target.text == "07919000123"


def test_switching_to_digits_in_a_text_field_types_literal_digits(kb):
    type_keys(kb, "soos ")
    tap(kb, "key-layout-digits")
    frames(2)
    for k in "12/3":
        tap(kb, f"key-{k}")
    tap(kb, "key-layout-letters")
    frames(2)
    assert kb.target.text == "số 12/3"


def test_vni_digits_from_the_digit_page_stay_digits(kb):
    kb.method = "vni"
    type_keys(kb, "Phong ")
    tap(kb, "key-layout-digits")
    frames(2)
    tap(kb, "key-1")
    assert kb.target.text == "Phong 1"


def test_continues_text_already_in_the_field(kb):
    kb.target.text = "Lê Thi"
    tap(kb, "key-j")
    assert kb.target.text == "Lê Thị"
    kb.target.text = ""  # cleared by the form
    tap(kb, "key-w")
    assert kb.target.text == "ư"


def test_keys_are_big_enough_to_touch(kb):
    for key in kb.key_widgets():
        assert key.height >= 60, key.kid
        assert key.width >= 60, key.kid
    letters = [k for k in kb.key_widgets() if k.action == "char"]
    assert min(k.width for k in letters) >= 90  # ten across a 1024 px screen
    assert kb.top <= 600 and kb.y >= 0


def test_a_key_tapped_outside_does_nothing(kb):
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(500, 590)  # on the text field, above the keyboard
    touch.touch_down()
    frames(1)
    touch.touch_up()
    frames(1)
    assert kb.target.text == ""


def test_captions_follow_the_language(kb):
    from screens.widgets.vnkeyboard import LABELS_EN

    assert kb.key("key-backspace").text == "Xóa" and kb.key("key-ok").text == "Xong"
    kb.labels = LABELS_EN
    frames(1)
    assert kb.key("key-backspace").text == "Delete" and kb.key("key-space").text == "space"
    type_keys(kb, "Vieetj")  # the rebuilt keys still type
    assert kb.target.text == "Việt"
