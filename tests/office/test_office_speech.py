"""Voice calls for the lobby board: espeak-ng WAVs, cached on disk, chime-only fallback."""

import io
import shutil
import unicodedata
import wave

import pytest

from kiosk.office import speech
from kiosk.office.speech import Speaker, call_text, chime_wav, spoken_text

needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng not installed")


def _wav(data: bytes) -> wave.Wave_read:
    return wave.open(io.BytesIO(data), "rb")


def test_call_text_is_the_announced_sentence_in_nfc():
    text = call_text("A012", 3)
    assert text == "Mời công dân có số thứ tự A012 đến quầy số 3"
    assert unicodedata.is_normalized("NFC", text)


def test_spoken_text_spells_the_digits_and_is_nfc():
    said = spoken_text("A012", 3)
    assert "A, 0 1 2" in said and said.endswith("đến quầy số 3")
    assert unicodedata.is_normalized("NFC", said)


def test_chime_is_a_short_valid_wav():
    with _wav(chime_wav()) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        seconds = w.getnframes() / w.getframerate()
        assert 0.5 < seconds < 3
        pcm = w.readframes(w.getnframes())
    assert max(pcm[1::2]) > 20  # not silence: high bytes of the samples move


@needs_espeak
def test_speech_is_rendered_once_then_served_from_the_cache(tmp_path):
    spk = Speaker(tmp_path)
    first = spk.speech_wav("Mời công dân có số thứ tự A 0 1 2 đến quầy số 3")
    assert first is not None and first.parent == tmp_path
    with wave.open(str(first), "rb") as w:
        assert w.getnframes() / w.getframerate() > 1.5  # a real sentence, not a blip
    inode = first.stat().st_ino
    again = spk.speech_wav("Mời công dân có số thứ tự A 0 1 2 đến quầy số 3")
    assert again == first and again.stat().st_ino == inode  # not rendered again (a render replaces the file)
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temp files left behind


@needs_espeak
def test_nfd_and_nfc_text_share_one_cache_entry(tmp_path):
    spk = Speaker(tmp_path)
    nfc = spk.speech_wav(call_text("B007", 2))
    nfd = spk.speech_wav(unicodedata.normalize("NFD", call_text("B007", 2)))
    assert nfc == nfd
    assert len(list(tmp_path.glob("*.wav"))) == 1


@needs_espeak
def test_announcement_is_chime_then_voice(tmp_path):
    data, spoken = Speaker(tmp_path).announcement("A012", 3)
    assert spoken is True
    with _wav(data) as w, _wav(chime_wav()) as c:
        assert w.getframerate() == c.getframerate()
        assert w.getnframes() > c.getnframes() * 2  # the sentence is longer than the chime
        head = w.readframes(c.getnframes())
        assert head == c.readframes(c.getnframes())  # it starts with the chime


def test_without_espeak_on_path_the_call_is_the_chime_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    spk = Speaker(tmp_path / "cache")
    assert spk.can_speak is False
    assert spk.speech_wav("Mời công dân") is None
    data, spoken = spk.announcement("A012", 3)
    assert spoken is False
    assert data == chime_wav()
    assert not (tmp_path / "cache").exists()


def test_a_failing_espeak_falls_back_to_the_chime_and_caches_nothing(tmp_path):
    broken = tmp_path / "espeak-ng"
    broken.write_text("#!/bin/sh\necho 'no voice' >&2\nexit 1\n")
    broken.chmod(0o755)
    spk = Speaker(tmp_path / "cache", espeak=str(broken))
    data, spoken = spk.announcement("C001", 1)
    assert (data, spoken) == (chime_wav(), False)
    assert list((tmp_path / "cache").glob("*")) == []


def test_an_espeak_writing_no_audio_is_not_cached(tmp_path):
    silent = tmp_path / "espeak-ng"
    # writes a valid WAV header with zero frames to the -w path (the argument after -w)
    silent.write_text(
        "#!/usr/bin/env python3\nimport sys, wave\nout = sys.argv[sys.argv.index('-w') + 1]\n"
        "w = wave.open(out, 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050); w.close()\n"
    )
    silent.chmod(0o755)
    spk = Speaker(tmp_path / "cache", espeak=str(silent))
    assert spk.speech_wav("Mời công dân") is None
    assert list((tmp_path / "cache").glob("*")) == []


FAKE_ESPEAK = (
    "#!/usr/bin/env python3\nimport sys, wave\nout = sys.argv[sys.argv.index('-w') + 1]\n"
    "open(sys.argv[0] + '.calls', 'a').write('x')\n"
    "w = wave.open(out, 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)\n"
    "w.writeframes(b'\\x10\\x20' * 8000); w.close()\n"
)


def _fake_espeak(tmp_path):
    exe = tmp_path / "espeak-ng"
    exe.write_text(FAKE_ESPEAK)
    exe.chmod(0o755)
    return exe


def test_the_cache_keeps_the_most_recently_used_files_only(tmp_path):
    exe = _fake_espeak(tmp_path)
    spk = Speaker(tmp_path / "cache", espeak=str(exe), max_files=2)
    a = spk.speech_wav("một")
    b = spk.speech_wav("hai")
    import os
    os.utime(a, ns=(1, 1))
    os.utime(b, ns=(2, 2))
    assert spk.speech_wav("một") == a  # a hit marks it as recently used
    spk.speech_wav("ba")
    assert a.exists() and not b.exists()
    assert len(list((tmp_path / "cache").glob("*.wav"))) == 2
    assert len((tmp_path / "espeak-ng.calls").read_text()) == 3  # "một" was rendered once


def test_speech_at_another_sample_rate_gets_a_chime_at_that_rate(tmp_path):
    spk = Speaker(tmp_path / "cache", espeak=str(_fake_espeak(tmp_path)))
    data, spoken = spk.announcement("A001", 2)
    assert spoken is True
    with _wav(data) as w:
        assert w.getframerate() == 16000
        assert w.getnframes() > 8000


def test_number_pattern_accepts_tickets_and_rejects_free_text():
    assert speech.NUMBER_RE.match("A012")
    assert speech.NUMBER_RE.match("LD105")
    assert not speech.NUMBER_RE.match("A012; rm -rf /")
    assert not speech.NUMBER_RE.match("xin chào")


@needs_espeak
def test_the_board_says_each_call_twice_by_default(tmp_path):
    spk = Speaker(tmp_path)
    once, _ = spk.announcement("A012", 3, repeat=1)
    twice, spoken = spk.announcement("A012", 3, repeat=2)
    assert spoken
    with _wav(once) as a, _wav(twice) as b, _wav(chime_wav()) as c:
        voice = a.getnframes() - c.getnframes()
        pause = int(a.getframerate() * speech.REPEAT_PAUSE)
        assert b.getnframes() == c.getnframes() + 2 * voice + pause


def test_the_board_speaks_in_the_configured_voice(tmp_path):
    from kiosk.voice.engines import Espeak

    exe = _fake_espeak(tmp_path)
    spk = Speaker(tmp_path / "cache", engine=Espeak(str(exe), voice="vi", rate=110))
    _data, spoken = spk.announcement("B007", 2)
    assert spoken and spk.engine.rate == 110
