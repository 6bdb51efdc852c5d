"""Voice calls for the lobby board, made on the office machine (no internet needed).

A call is a chime followed by a Vietnamese sentence spoken by espeak-ng, as one WAV file.
Rendered WAVs are cached on disk by text, so each (number, counter) pair is synthesised once.
Without espeak-ng the call is the chime alone.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import os
import re
import shutil
import struct
import unicodedata
import wave
from pathlib import Path

from kiosk.voice.cache import RenderCache
from kiosk.voice.engines import Engine, Espeak

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050  # espeak-ng writes 22.05 kHz, 16-bit mono; the chime matches so they concatenate
REPEAT_PAUSE = 0.8  # seconds of silence between two sayings of a call
NUMBER_RE = re.compile(r"^[A-Z]{1,3}[0-9]{1,5}$")


def call_text(number: str, counter: int | str) -> str:
    """The sentence shown and announced for a call, in NFC."""
    return unicodedata.normalize("NFC", f"Mời công dân có số thứ tự {number} đến quầy số {counter}")


def spoken_text(number: str, counter: int | str) -> str:
    """The sentence as espeak-ng should say it: the ticket's digits one by one ("A, 0 1 2"),
    which is clearer for a crowded lobby than "A không mười hai"."""
    letters = "".join(c for c in number if not c.isdigit())
    digits = " ".join(c for c in number if c.isdigit())
    said = f"{letters}, {digits}" if letters else digits
    return unicodedata.normalize("NFC", f"Mời công dân có số thứ tự {said}, đến quầy số {counter}")


@functools.lru_cache(maxsize=4)
def chime(sample_rate: int = SAMPLE_RATE) -> bytes:
    """A soft two-note "ding-dong" (E5 then C5) as 16-bit mono PCM frames."""
    frames = bytearray()
    for freq, seconds in ((659.25, 0.45), (523.25, 0.75)):
        n = int(sample_rate * seconds)
        for i in range(n):
            t = i / sample_rate
            envelope = min(1.0, i / (0.01 * sample_rate)) * math.exp(-3.5 * t)
            # a touch of the octave makes it sound like a bell rather than a beep
            s = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            frames += struct.pack("<h", int(0.45 * 32767 * envelope * s / 1.3))
    frames += b"\x00\x00" * int(sample_rate * 0.25)  # a breath before the voice
    return bytes(frames)


def wav_bytes(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)
    return buf.getvalue()


def chime_wav() -> bytes:
    return wav_bytes(chime())


@functools.lru_cache(maxsize=1)
def help_chime_wav() -> bytes:
    """Three short rising notes (C5 E5 G5) for the /volunteer page: "someone needs help", unlike
    the board's ding-dong."""
    frames = bytearray()
    for freq in (523.25, 659.25, 783.99):
        n = int(SAMPLE_RATE * 0.22)
        for i in range(n):
            t = i / SAMPLE_RATE
            envelope = min(1.0, i / (0.005 * SAMPLE_RATE)) * math.exp(-9 * t)
            s = math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(4 * math.pi * freq * t)
            frames += struct.pack("<h", int(0.5 * 32767 * envelope * s / 1.25))
    return wav_bytes(bytes(frames))


class Speaker:
    """Renders and caches call announcements in the configured voice (kiosk/voice: espeak-ng or
    Piper), the same voice as the kiosks'.

    `engine` is a kiosk.voice engine; without one, espeak-ng (`espeak`, found on PATH when None)
    speaks with `voice` at `speed`.
    """

    def __init__(self, cache_dir: str | os.PathLike[str], espeak: str | None = None, voice: str = "vi",
                 speed: int = 135, max_files: int = 300, engine: Engine | None = None):
        self.cache_dir = Path(cache_dir)
        if engine is None:
            exe = espeak or shutil.which("espeak-ng")
            engine = Espeak(exe, voice, speed) if exe else None
        self.engine = engine
        # ~200 KB each: the cache stays under ~60 MB on a Pi's SD card
        self._cache = RenderCache(self.cache_dir, max_files=max_files)

    @property
    def can_speak(self) -> bool:
        return self.engine is not None

    def speech_wav(self, text: str) -> Path | None:
        """The WAV of TEXT spoken (from the cache, or rendered now), or None when there is no
        engine or it failed."""
        if self.engine is None:
            return None
        return self._cache.wav(self.engine, text)

    def announcement(self, number: str, counter: int | str, repeat: int = 1) -> tuple[bytes, bool]:
        """(WAV bytes of chime + the spoken call `repeat` times, whether speech is included). Said
        twice by default ([audio] board_repeat): a citizen who missed the first words hears it again."""
        spoken = self.speech_wav(spoken_text(number, counter))
        if spoken is None:
            return chime_wav(), False
        try:
            with wave.open(str(spoken), "rb") as w:
                rate = w.getframerate()
                if (w.getsampwidth(), w.getnchannels()) != (2, 1):
                    raise wave.Error("not 16-bit mono")
                voice = w.readframes(w.getnframes())
        except (OSError, wave.Error, EOFError) as exc:
            log.warning("cached speech unusable, chime only: %s", exc)
            return chime_wav(), False
        pause = b"\x00\x00" * int(rate * REPEAT_PAUSE)
        return wav_bytes(chime(rate) + pause.join([voice] * max(repeat, 1)), rate), True
