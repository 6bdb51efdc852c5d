"""Kivy settings a Pi touchscreen kiosk needs, derived from the kiosk config."""

from kiosk import config
from kiosk.kivy_setup import kivy_options


def opts(**display):
    return kivy_options(config.parse({"display": display}))


def test_one_input_provider_so_a_tap_arrives_once_and_no_red_dots():
    o = opts()
    assert o[("input", "mouse")] == "mouse,multitouch_on_demand"


def test_kiosk_window_settings():
    o = opts()
    assert o[("kivy", "exit_on_escape")] == "0"
    assert o[("graphics", "show_cursor")] == "0"
    assert o[("graphics", "fullscreen")] == "auto"
    assert o[("graphics", "maxfps")] == "30"
    assert o[("kivy", "keyboard_mode")] == "system"  # Kivy's own keyboard never pops up


def test_rotation_fps_and_fullscreen_come_from_the_config():
    o = opts(rotation=90, maxfps=15, fullscreen="no", show_cursor=True)
    assert o[("graphics", "rotation")] == "90" and o[("graphics", "maxfps")] == "15"
    assert o[("graphics", "fullscreen")] == "0" and o[("graphics", "show_cursor")] == "1"
    assert kivy_options(config.parse({}), windowed=True)[("graphics", "fullscreen")] == "0"


def test_apply_removes_probesysfs_which_would_double_every_tap():
    from kivy.config import Config

    from kiosk.kivy_setup import apply

    Config.set("input", "mtdev_%(name)s", "probesysfs,provider=mtdev")
    Config.set("input", "hid_%(name)s", "probesysfs,provider=hidinput")
    apply(opts())
    assert dict(Config.items("input")) == {"mouse": "mouse,multitouch_on_demand"}
