"""Speech engines: each turns one sentence into a WAV file, offline.

espeak-ng is small and everywhere (Debian's `espeak-ng`, voice `vi`); Piper (`piper-tts`) with a
Vietnamese model is far easier to understand but needs the model file, which an installer copies
onto the Pi. `choose_engine` picks what the config asks for and says why when it cannot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

RENDER_TIMEOUT = 20  # seconds; a sentence takes well under one on a Pi 4


class Engine(Protocol):
    name: str
    voice: str

    def render(self, text: str, out: Path) -> None:
        """Write TEXT spoken as a 16-bit mono WAV to OUT; raise OSError/SubprocessError on failure."""


@dataclass(frozen=True)
class Espeak:
    exe: str
    voice: str = "vi"
    rate: int = 140  # words per minute; slower than espeak's 175 for an elderly lobby
    volume: int = 100  # espeak's amplitude, 0-200
    name: str = "espeak-ng"

    def render(self, text: str, out: Path) -> None:
        subprocess.run([self.exe, "-v", self.voice, "-s", str(self.rate), "-a", str(self.volume), "-w", str(out),
                        text], check=True, capture_output=True, timeout=RENDER_TIMEOUT)


@dataclass(frozen=True)
class Piper:
    exe: str
    model: str
    rate: int = 140
    name: str = "piper"

    @property
    def voice(self) -> str:
        return Path(self.model).stem

    def render(self, text: str, out: Path) -> None:
        # Piper's length_scale stretches time: 140 wpm (our default) is its natural pace
        scale = f"{140 / max(self.rate, 1):.2f}"
        subprocess.run([self.exe, "--model", self.model, "--length_scale", scale, "--output_file", str(out)],
                       input=text.encode("utf-8"), check=True, capture_output=True, timeout=RENDER_TIMEOUT)


def choose_engine(audio: Any, lang: str = "vi", path: str | None = None) -> tuple[Engine | None, str]:
    """(the engine for LANG, "") or (None, why there is no voice) from the config's [audio]."""
    if not audio.enabled or audio.engine == "none":
        return None, "speech is switched off ([audio] enabled/engine)"
    path = path if path is not None else os.environ.get("PATH", os.defpath)
    if audio.engine == "piper" and lang == "vi":
        exe = shutil.which("piper", path=path)
        if not exe:
            return None, "piper not installed (pip install piper-tts)"
        if not audio.piper_model or not Path(audio.piper_model).is_file():
            return None, f"the Piper voice model is missing: {audio.piper_model or '(not set)'}"
        return Piper(exe, audio.piper_model, audio.rate), ""
    exe = shutil.which("espeak-ng", path=path)
    if not exe:
        return None, "espeak-ng not installed (sudo apt install espeak-ng)"
    return Espeak(exe, audio.voice if lang == "vi" else audio.voice_en, audio.rate, audio.volume), ""


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())
