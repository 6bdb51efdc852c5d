"""The doctor's speech check (kiosk.doctor.speech): espeak-ng speaking the lobby's calls."""

import os

import pytest

from kiosk.config import Settings
from kiosk.doctor import PASS, SKIP, WARN, speech
from test_doctor import ctx_with


def test_speech_without_espeak_is_a_warning(tmp_path):
    r = speech.check_speech(ctx_with({"PATH": str(tmp_path)}))
    assert r.status == WARN and "chime" in r.found and r.fix == "sudo apt install espeak-ng"


@pytest.mark.skipif(not os.path.exists("/usr/bin/espeak-ng"), reason="espeak-ng not installed")
def test_speech_with_espeak_speaks_vietnamese():
    r = speech.check_speech(ctx_with({"PATH": "/usr/bin"}))
    assert r.status == PASS and "speaks Vietnamese" in r.found


def test_speech_is_the_office_servers_business_when_remote():
    s = Settings().model_copy(update={"office": Settings().office.model_copy(update={"url": "http://10.0.0.5:8080"})})
    assert speech.check_speech(ctx_with({}, s)).status == SKIP
