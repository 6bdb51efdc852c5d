""""Chữ to" (issue 16): a switch in every top bar makes the text 1.5× bigger and the contrast
higher for the rest of the citizen's session, by real touches: the text a person reads grows, what
they typed stays, and the next citizen starts with the usual size. (That every screen still fits
at 1.5× is tests/ui/test_layout_check.py's.)"""

from __future__ import annotations

import pytest

from test_dossier_ui import kiosk, to_form  # noqa: F401  (fixture: a real office, outbox, printer)
from test_walk_ui import at_home, touch

pytestmark = pytest.mark.ui

BAR_BUTTONS = ("listen", "help_button", "large_text")


def size_of(drv, name):
    """(font size, height of the drawn text) of the label called name."""
    label = drv.find(name)
    drv.frames(2)
    return label.font_size, label.texture_size[1]


def test_large_text_grows_the_text_and_keeps_the_form(kiosk):  # noqa: F811
    app = kiosk.app
    at_home(kiosk)
    font, height = size_of(kiosk, "lookup")  # "Tra cứu hồ sơ": one line either way
    title = kiosk.find("home_title").font_size
    assert kiosk.find("scan_hint").color[:3] != [0, 0, 0]  # grey, as usual
    touch(kiosk, "large_text")
    big_font, big_height = size_of(kiosk, "lookup")
    assert big_font == pytest.approx(1.5 * font, rel=0.01)
    assert big_height >= 1.4 * height  # what is drawn grows, not only the number
    assert title < kiosk.find("home_title").font_size == pytest.approx(44, rel=0.01)  # titles: up to 44 sp
    assert list(kiosk.find("scan_hint").color) == [0, 0, 0, 1]  # high contrast: black on white
    assert app.screen("home").name == app.root.current == "home"

    to_form(kiosk)  # procedures, a procedure, the consent: still large
    assert app.large_text and kiosk.find("consent_next").font_size == pytest.approx(1.5 * 28, rel=0.01)
    kiosk.tap("consent_agree")
    kiosk.tap("consent_next")
    assert app.root.current == "form"
    form = app.screen("form")
    form_font, _h = size_of(kiosk, "field_label")
    kiosk.type_keys("0901")  # the phone number page or the first text page: something typed
    typed = form.value
    assert typed
    touch(kiosk, "large_text")  # off, mid-form: the page and what was typed stay
    assert app.root.current == "form" and form.value == typed
    assert form_font > size_of(kiosk, "field_label")[0] == pytest.approx(32, rel=0.01)  # 40 sp above the keyboard
    touch(kiosk, "large_text")  # and on again
    assert app.root.current == "form" and form.value == typed and app.session.data.get("submission")
    assert size_of(kiosk, "field_label")[0] == pytest.approx(form_font, rel=0.01)


def test_large_text_lasts_through_taking_a_number_and_ends_with_xong(kiosk):  # noqa: F811
    app = kiosk.app
    at_home(kiosk)
    font, _h = size_of(kiosk, "lookup")
    touch(kiosk, "large_text")
    touch(kiosk, "take_number")
    touch(kiosk, "service_ho-tich")
    kiosk.wait_until(lambda: app.root.current == "ticket", timeout=15)
    assert app.large_text
    assert kiosk.find("ticket_where").font_size == pytest.approx(1.5 * 28, rel=0.01)
    touch(kiosk, "ticket_done")  # "Xong": the next citizen gets the usual text
    assert app.root.current == "home" and not app.large_text
    assert size_of(kiosk, "lookup")[0] == pytest.approx(font, rel=0.01)


def test_the_idle_wipe_turns_large_text_off(kiosk):  # noqa: F811
    app = kiosk.app
    at_home(kiosk)
    app.session.idle_timeout, app.session.idle_countdown = 0.5, 0.5
    touch(kiosk, "take_number")
    touch(kiosk, "large_text")
    assert app.large_text
    kiosk.wait_until(lambda: app.root.current == "home", timeout=10)
    assert not app.large_text and kiosk.find("lookup").font_size == pytest.approx(28, rel=0.01)


def test_every_top_bar_has_pictograms_and_the_switch(kiosk):  # noqa: F811
    app = kiosk.app
    app.voice_on = True  # the listen button shows when the kiosk can speak
    try:
        at_home(kiosk)
        for name in BAR_BUTTONS + ("lang_button",):
            assert kiosk.find(name).icon_texture is not None, name
        to_form(kiosk)
        kiosk.tap("consent_agree")
        kiosk.tap("consent_next")
        assert app.root.current == "form"
        for name in BAR_BUTTONS + ("form_back",):
            button = kiosk.find(name)
            assert button.icon_texture is not None and button.width > 0 and button.opacity == 1, name
    finally:
        app.voice_on = app.voice.available
