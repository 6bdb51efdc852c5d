"""Where a rendered sentence goes: the Pi's audio through ALSA's `aplay`, a folder, or nowhere.

`[audio] output`: "default" (ALSA's default device), "hdmi" or "jack" (the Pi's two outputs, by
their ALSA card names), "alsa:DEVICE" for any other, "file:DIR" (each utterance is written into
DIR as a numbered WAV, listed in DIR/utterances.tsv — the demo and the tests listen this way, as
the printer's `file:` prints), or "none".
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# Raspberry Pi OS (bookworm) names its cards vc4hdmi0 (HDMI 0) and Headphones (the 3.5 mm jack)
PI_DEVICES = {"hdmi": "plughw:CARD=vc4hdmi0,DEV=0", "jack": "plughw:CARD=Headphones,DEV=0"}


class NullOutput:
    describe = "none"

    def play(self, wav: Path, text: str, lang: str) -> None:
        pass

    def stop(self) -> None:
        pass


class FileOutput:
    """Writes each utterance as DIR/NNNN.wav and a line "NNNN<TAB>lang<TAB>text" in utterances.tsv."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder).expanduser()
        self.describe = f"file:{self.folder}"
        self._lock = threading.Lock()
        self._seq = 0

    def play(self, wav: Path, text: str, lang: str) -> None:
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._seq == 0:  # go on after a restart rather than overwrite
                self._seq = len(list(self.folder.glob("*.wav")))
            self._seq += 1
            name = f"{self._seq:04d}.wav"
            shutil.copyfile(wav, self.folder / f".{name}.part")
            (self.folder / f".{name}.part").replace(self.folder / name)
            with open(self.folder / "utterances.tsv", "a", encoding="utf-8") as f:
                f.write(f"{name}\t{lang}\t{text}\n")

    def stop(self) -> None:
        pass


class AlsaOutput:
    """Plays through `aplay -D DEVICE`; stop() cuts the sentence being played."""

    def __init__(self, device: str, aplay: str) -> None:
        self.device, self.aplay = device, aplay
        self.describe = f"alsa:{device}"
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def play(self, wav: Path, text: str, lang: str) -> None:
        with self._lock:
            self._proc = subprocess.Popen([self.aplay, "-q", "-D", self.device, str(wav)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            proc = self._proc
        _out, err = proc.communicate()  # the voice's worker thread waits; the UI never does
        if proc.returncode not in (0, -15) and err:
            log.warning("aplay on %s: %s", self.device, err.decode(errors="replace").strip()[:200])

    def stop(self) -> None:
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()


def open_output(spec: str) -> tuple[NullOutput | FileOutput | AlsaOutput, str]:
    """(the output for the config's `[audio] output`, "" or why it is silent)."""
    if spec == "none":
        return NullOutput(), "[audio] output is none"
    if spec.startswith("file:"):
        return FileOutput(spec.removeprefix("file:")), ""
    aplay = shutil.which("aplay")
    if not aplay:
        return NullOutput(), "aplay not installed (sudo apt install alsa-utils)"
    device = spec.removeprefix("alsa:") if spec.startswith("alsa:") else PI_DEVICES.get(spec, "default")
    return AlsaOutput(device, aplay), ""
