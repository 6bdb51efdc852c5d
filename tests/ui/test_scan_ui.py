"""Scanners feeding the running kiosk offscreen: the pty twin (as a serial scanner would) and a
keyboard-mode scanner typing into the window. Frames reach the UI thread through the Clock."""

import os
import threading
import time

import pytest

from devices.scanner import open_scanner

pytestmark = pytest.mark.ui

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"


@pytest.fixture
def with_scanner(kiosk_ui):
    app = kiosk_ui.app
    saved = app.scanner

    def use(spec):
        app.scanner = open_scanner(spec, on_frame=app.scanner_frame, on_state=app.scanner_state)
        app.scanner.start()
        return app.scanner

    yield use
    if app.scanner is not saved:
        app.scanner.stop()
    app.scanner = saved


def test_card_written_to_the_pty_scanner_shows_on_screen(kiosk_ui, with_scanner):
    scanner = with_scanner("pty")
    kiosk_ui.wait_until(lambda: kiosk_ui.app.scanner_status == "connected")
    fd = os.open(scanner.path, os.O_WRONLY | os.O_NOCTTY)
    try:
        data = (CARD + "\r\n").encode()
        os.write(fd, data[:37])  # a frame split mid-character, as USB packets may split it
        time.sleep(0.05)
        os.write(fd, data[37:])
    finally:
        os.close(fd)
    kiosk_ui.wait_until(lambda: kiosk_ui.has("card_confirm"))
    assert "Trần Thị Bích" in kiosk_ui.all_text()
    assert kiosk_ui.app.session.citizen.id_number == "079190000001"
    assert threading.current_thread() is threading.main_thread()  # the session was set on the UI thread


def test_keyboard_mode_scanner_burst_is_read_but_a_person_typing_is_not(kiosk_ui, with_scanner):
    with_scanner("hid")
    window = kiosk_ui.window
    plain = "MCHS:BT-20261130-0001"  # what a keyboard-mode scanner can type: ASCII
    for ch in plain:  # a scanner types a character every few milliseconds
        window.dispatch("on_textinput", ch)
    window.dispatch("on_key_down", 13, 0, "", [])
    kiosk_ui.wait_until(lambda: kiosk_ui.app.root.current == "lookup", timeout=5)
    kiosk_ui.app.end_session()  # the look-up's answer (office unreachable here) is dropped with it
    for ch in "abcdefghij":  # a person: a key every quarter second
        window.dispatch("on_textinput", ch)
        kiosk_ui.frames(1)
        time.sleep(0.25)
    window.dispatch("on_key_down", 13, 0, "", [])
    kiosk_ui.frames(10)
    assert kiosk_ui.app.root.current == "home" and not kiosk_ui.app.notice


def test_keyboard_mode_scanner_that_lost_the_diacritics_asks_for_serial_mode(kiosk_ui, with_scanner):
    with_scanner("hid")
    lost = "079190000001||Tr?n Th? Bich|05031990|N?|12 Le Loi|10052022"
    for ch in lost:
        kiosk_ui.window.dispatch("on_textinput", ch)
    kiosk_ui.window.dispatch("on_key_down", 13, 0, "", [])
    kiosk_ui.wait_until(lambda: kiosk_ui.app.notice, timeout=5)
    assert "USB Serial (COM)" in kiosk_ui.app.notice
