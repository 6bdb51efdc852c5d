"""The kiosk speaks (issue 16), heard through `[audio] output = "file:DIR"`: each screen a citizen
reaches by touch says its one-sentence prompt, rendered by the real espeak-ng in Vietnamese;
"Nghe hướng dẫn" says it again without a second synthesis; the ticket screen says the number and
the counters; a citizen waiting for help is never wiped by the idle watch."""

from __future__ import annotations

import shutil
import time
import wave
from pathlib import Path

import pytest

from kiosk.config import parse
from kiosk.link.client import OfficeClient
from kiosk.voice import build_voice
from test_dossier_ui import kiosk  # noqa: F401  (fixture: a real office, outbox, sender, printer)
from test_walk_ui import at_home, touch

pytestmark = [pytest.mark.ui,
              pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")]


def heard(folder: Path) -> list[tuple[str, str, float]]:
    """(lang, text, seconds) of every utterance written so far, in order."""
    index = folder / "utterances.tsv"
    if not index.exists():
        return []
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        name, lang, text = line.split("\t", 2)
        with wave.open(str(folder / name), "rb") as w:
            out.append((lang, text, w.getnframes() / w.getframerate()))
    return out


@pytest.fixture
def speaking(kiosk_ui, office, tmp_path):
    """The session's app at 1024×600 with a voice writing WAVs into tmp_path/out, a real office."""
    from devices.printer import open_printer

    app, window = kiosk_ui.app, kiosk_ui.window
    saved = app.client, app.printer, app.public_base_url, app.services, app.voice
    size = window.size
    window.size = (1024, 600)
    settings = parse({"audio": {"output": f"file:{tmp_path / 'out'}", "cache_dir": str(tmp_path / "cache")}})
    app.voice = build_voice(settings)
    app.voice_on = app.voice.available
    app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
    app.printer = open_printer(f"preview:{tmp_path / 'previews'}")
    app.public_base_url = office.url
    app.services = []
    kiosk_ui.heard = lambda: heard(tmp_path / "out")
    kiosk_ui.wait_until(lambda: tuple(window.size) == (1024, 600))
    kiosk_ui.frames(3)
    try:
        yield kiosk_ui
    finally:
        app.end_session()
        app.voice.close()
        app.client, app.printer, app.public_base_url, app.services, app.voice = saved
        app.voice_on = app.voice.available
        window.size = size
        kiosk_ui.frames(3)


def said(drv, text: str, timeout: float = 15.0) -> tuple[str, str, float]:
    drv.wait_until(lambda: any(t == text for _l, t, _s in drv.heard()), timeout=timeout)
    return next(u for u in drv.heard() if u[1] == text)


def test_every_screen_of_taking_a_number_speaks_and_listen_replays(speaking):
    app = speaking.app
    at_home(speaking)
    touch(speaking, "listen")  # the home screen speaks only when asked
    lang, _text, seconds = said(speaking, app.t("voice.home"))
    assert lang == "vi" and 0.5 <= seconds <= 10

    touch(speaking, "take_number")
    _l, _t, seconds = said(speaking, app.t("voice.service"))
    assert 0.5 <= seconds <= 10
    touch(speaking, "service_ho-tich")
    speaking.wait_until(lambda: app.root.current == "ticket", timeout=15)
    number = app.session.data["ticket"]["number"]
    spoken = f"Số của ông/bà là {number[0]}, {' '.join(number[1:])}. Mời ông/bà chờ gọi tại quầy số 1 hoặc 3."
    _l, _t, seconds = said(speaking, spoken)
    assert 0.5 <= seconds <= 10

    renders = app.voice.cache.renders
    count = len(speaking.heard())
    touch(speaking, "listen")  # "Nghe hướng dẫn": the same sentence again, from the cache
    speaking.wait_until(lambda: len(speaking.heard()) == count + 1)
    assert speaking.heard()[-1][1] == spoken
    assert app.voice.cache.renders == renders  # a cached prompt is not synthesised again


def test_english_prompts_after_the_switch(speaking):
    app = speaking.app
    at_home(speaking)
    touch(speaking, "take_number")
    said(speaking, app.t("voice.service", "vi"))
    touch(speaking, "lang_button")
    lang, text, _s = said(speaking, app.t("voice.service", "en"))
    assert lang == "en" and text == "Please choose the service you need, to take a queue number."


def test_a_help_request_survives_three_idle_timeouts(speaking):
    app = speaking.app
    at_home(speaking)
    app.session.idle_timeout, app.session.idle_countdown = 1.0, 0.5
    touch(speaking, "take_number")
    touch(speaking, "help_button")
    said(speaking, app.t("notice.help_sent"))
    assert app.assist.waiting_for_help
    began = time.monotonic()
    speaking.wait_until(lambda: time.monotonic() - began > 3 * (1.0 + 0.5) + 0.5, timeout=10)
    assert app.root.current == "service" and not speaking.has("idle_continue")  # neither asked nor wiped
    app.assist.cancel_help_request()  # once nobody waits, the idle watch works as before
    speaking.wait_until(lambda: app.root.current == "home", timeout=10)


def test_a_dossier_walk_speaks_every_screen(kiosk, tmp_path):  # noqa: F811  (test_dossier_ui's kiosk)
    from test_touch_walk_ui import start, submit, walk_form

    app = kiosk.app
    saved = app.voice
    app.voice = build_voice(parse({"audio": {"output": f"file:{tmp_path / 'out'}",
                                             "cache_dir": str(tmp_path / "cache")}}))
    app.voice_on = True
    try:
        start(kiosk, "1.001193")  # birth registration: the procedures, the procedure, the consent
        walk_form(kiosk)
        submit(kiosk)
        for screen in ("procedures", "procedure", "consent", "form", "review", "dossier_result"):
            said(kiosk_heard(kiosk, tmp_path), app.t(f"voice.{screen}"))
        assert all(0.5 <= seconds <= 10 for _l, _t, seconds in heard(tmp_path / "out"))
    finally:
        app.voice.close()
        app.voice, app.voice_on = saved, saved.available


def kiosk_heard(drv, tmp_path):
    drv.heard = lambda: heard(tmp_path / "out")
    return drv


def test_listen_on_the_form_bar_replays_the_form_prompt(speaking):
    """The form screen has its own bar (no TopBar): its "Nghe hướng dẫn" says the prompt again."""
    from test_dossier_ui import to_form

    app = speaking.app
    at_home(speaking)
    to_form(speaking)
    touch(speaking, "consent_agree")
    touch(speaking, "consent_next")
    assert app.root.current == "form"
    said(speaking, app.t("voice.form"))
    renders, count = app.voice.cache.renders, len(speaking.heard())
    listen = speaking.find("listen")
    assert listen.icon_texture is not None and listen.width > 0  # on the form's own bar, with its pictogram
    touch(speaking, "listen")
    speaking.wait_until(lambda: len(speaking.heard()) == count + 1)
    assert speaking.heard()[-1][1] == app.t("voice.form")
    assert app.voice.cache.renders == renders and app.root.current == "form"
