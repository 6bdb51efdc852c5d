"""Voice calls for the lobby board, made on the office machine (no internet needed).

A call is a chime followed by a Vietnamese sentence spoken by espeak-ng, as one WAV file.
Rendered WAVs are cached on disk by text, so each (number, counter) pair is synthesised once.
Without espeak-ng the call is the chime alone.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import math
import os
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import unicodedata
import wave
from pathlib import Path

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050  # espeak-ng writes 22.05 kHz, 16-bit mono; the chime matches so they concatenate
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
    """Renders and caches call announcements.

    `espeak` is the espeak-ng executable (found on PATH when None); `voice` an espeak-ng voice.
    """

    def __init__(self, cache_dir: str | os.PathLike[str], espeak: str | None = None, voice: str = "vi",
                 speed: int = 135, max_files: int = 300):
        self.cache_dir = Path(cache_dir)
        self.max_files = max_files  # ~200 KB each: the cache stays under ~60 MB on a Pi's SD card
        self.espeak = espeak or shutil.which("espeak-ng")
        self.voice = voice
        self.speed = speed
        self._lock = threading.Lock()

    @property
    def can_speak(self) -> bool:
        return bool(self.espeak)

    def _cache_path(self, text: str) -> Path:
        key = f"{self.voice}|{self.speed}|{text}".encode("utf-8")
        return self.cache_dir / f"{hashlib.sha256(key).hexdigest()[:32]}.wav"

    def speech_wav(self, text: str) -> Path | None:
        """The WAV of TEXT spoken (from the cache, or rendered now), or None when there is no
        espeak-ng or it failed."""
        if not self.espeak:
            return None
        text = unicodedata.normalize("NFC", text)
        path = self._cache_path(text)
        if self._touch(path):
            return path
        with self._lock:  # one render at a time: the Pi/office PC has few cores
            if path.exists():
                return path
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".part")
            os.close(fd)
            try:
                subprocess.run(
                    [self.espeak, "-v", self.voice, "-s", str(self.speed), "-w", tmp, text],
                    check=True, capture_output=True, timeout=20,
                )
                with wave.open(tmp, "rb") as w:  # refuse to cache a broken file
                    if w.getnframes() == 0:
                        raise ValueError("espeak-ng wrote no audio")
                os.replace(tmp, path)  # atomic: a reader never sees half a file
                self._prune()
            except (OSError, subprocess.SubprocessError, ValueError, wave.Error) as exc:
                log.warning("espeak-ng failed, chime only: %s", exc)
                Path(tmp).unlink(missing_ok=True)
                return None
        return path

    @staticmethod
    def _touch(path: Path) -> bool:
        """True if cached; marks it recently used (mtime) so pruning keeps it."""
        try:
            os.utime(path)
            return True
        except OSError:
            return False

    def _prune(self) -> None:
        """Drop the least recently used WAVs beyond max_files."""
        files = sorted(self.cache_dir.glob("*.wav"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[: max(0, len(files) - self.max_files)]:
            old.unlink(missing_ok=True)

    def announcement(self, number: str, counter: int | str) -> tuple[bytes, bool]:
        """(WAV bytes of chime + spoken call, whether speech is included)."""
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
        return wav_bytes(chime(rate) + voice, rate), True
