"""The voice without the UI: espeak-ng renders Vietnamese once per (engine, voice, text), a
`file:` output receives each utterance in order, quiet hours keep it silent, and no engine
means a silent kiosk with the reason."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import wave

import pytest

from kiosk.config import parse
from kiosk.voice import build_voice, spell_number
from kiosk.voice.speaker import in_quiet_hours, parse_quiet_hours

needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")


def voice_in(tmp_path, **audio):
    return build_voice(parse({"audio": {"output": f"file:{tmp_path / 'out'}", "cache_dir": str(tmp_path / "cache"),
                                        **audio}}))


def utterances(tmp_path):
    index = tmp_path / "out" / "utterances.tsv"
    return [line.split("\t") for line in index.read_text(encoding="utf-8").splitlines()] if index.exists() else []


def wait_for(cond, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError("not within the time")


@needs_espeak
def test_a_prompt_is_rendered_once_and_played_each_time(tmp_path):
    voice = voice_in(tmp_path)
    text = "Mời ông/bà chọn lĩnh vực cần làm"
    voice.say(text)
    wait_for(lambda: len(utterances(tmp_path)) == 1)
    voice.say(text)
    wait_for(lambda: len(utterances(tmp_path)) == 2)
    assert voice.cache.renders == 1
    assert [u[1:] for u in utterances(tmp_path)] == [["vi", text], ["vi", text]]
    with wave.open(str(tmp_path / "out" / "0001.wav"), "rb") as w:
        assert 0.5 <= w.getnframes() / w.getframerate() <= 10
    voice.close()


@needs_espeak
def test_the_cache_survives_a_restart_and_warm_renders_ahead(tmp_path):
    first = voice_in(tmp_path)
    assert first.warm([("Mời ông/bà nhập họ và tên", "vi"), ("Please type your name", "en")]) == 2
    again = voice_in(tmp_path)  # a new process: the WAVs are on disk
    assert again.warm([("Mời ông/bà nhập họ và tên", "vi")]) == 0


@needs_espeak
def test_a_slower_rate_is_another_recording(tmp_path):
    slow, fast = voice_in(tmp_path, rate=100), voice_in(tmp_path, rate=200)
    slow.warm([("Xin chào", "vi")])
    assert fast.warm([("Xin chào", "vi")]) == 1


def test_quiet_hours_keep_the_kiosk_silent(tmp_path):
    quiet = parse_quiet_hours("21:00-06:00")
    assert in_quiet_hours(quiet, dt.time(23, 0)) and in_quiet_hours(quiet, dt.time(5, 59))
    assert not in_quiet_hours(quiet, dt.time(6, 0)) and not in_quiet_hours(quiet, dt.time(12, 0))
    assert in_quiet_hours(parse_quiet_hours("12:00-13:30"), dt.time(12, 30))
    voice = voice_in(tmp_path)
    voice.quiet_hours, voice._now = quiet, lambda: dt.time(22, 0)
    voice.say("Xin chào")
    time.sleep(0.3)
    assert utterances(tmp_path) == [] and voice.last == ("Xin chào", "vi")


def test_no_engine_means_a_silent_kiosk_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng, no piper on this PATH
    voice = voice_in(tmp_path)
    assert not voice.available and "espeak-ng not installed" in voice.silent_reason
    voice.say("Xin chào")  # nothing happens, nothing breaks
    assert utterances(tmp_path) == []
    off = voice_in(tmp_path, engine="none")
    assert not off.available and "switched off" in off.silent_reason


def test_piper_without_its_program_or_model_says_why(tmp_path, monkeypatch):
    model = tmp_path / "vi_VN-voice.onnx"
    model.write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path))
    voice = voice_in(tmp_path, engine="piper", piper_model=str(model))
    assert "piper not installed" in voice.silent_reason


@pytest.mark.skipif(not shutil.which("piper"), reason="Piper (piper-tts) and a Vietnamese voice model are not "
                    "installed on this machine; models cannot be downloaded here")
def test_piper_speaks_vietnamese_when_a_model_is_configured(tmp_path):
    import os

    model = os.environ.get("KIOSK_TEST_PIPER_MODEL", "")
    if not model:
        pytest.skip("set KIOSK_TEST_PIPER_MODEL to a vi_VN .onnx voice model to test Piper")
    voice = voice_in(tmp_path, engine="piper", piper_model=model)
    assert voice.warm([("Mời ông/bà chọn lĩnh vực cần làm", "vi")]) == 1


def test_a_number_is_said_letter_then_digit_by_digit():
    assert spell_number("A012") == "A, 0 1 2"
    assert spell_number("123") == "1 2 3" and spell_number("AB") == "AB"


@needs_espeak
def test_kiosk_voice_warm_renders_every_fixed_prompt_once(tmp_path):
    from test_config import run_cli

    cfg = tmp_path / "k.toml"
    cfg.write_text(f'[audio]\noutput = "file:{tmp_path / "out"}"\ncache_dir = "{tmp_path / "cache"}"\n')
    first = run_cli("--config", str(cfg), "voice", "warm")
    assert first.returncode == 0, first.stderr
    total = int(first.stdout.split()[0])
    assert total >= 20 and f"({total} rendered now, 0 already cached)" in first.stdout
    again = run_cli("--config", str(cfg), "voice", "warm")
    assert f"(0 rendered now, {total} already cached)" in again.stdout
    said = run_cli("--config", str(cfg), "voice", "say", "Xin chào")
    assert said.returncode == 0 and (tmp_path / "out" / "0001.wav").exists()


def test_kiosk_voice_without_an_engine_says_why(tmp_path):
    from test_config import run_cli

    cfg = tmp_path / "k.toml"
    cfg.write_text('[audio]\nengine = "none"\n')
    r = run_cli("--config", str(cfg), "voice", "warm")
    assert r.returncode == 1 and "switched off" in r.stderr and "Traceback" not in r.stderr
