"""Rendered sentences on disk, keyed by engine, voice, rate and text: each is synthesised once."""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import tempfile
import threading
import unicodedata
import wave
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class RenderCache:
    def __init__(self, folder: str | os.PathLike[str], max_files: int = 500) -> None:
        self.folder = Path(folder)
        self.max_files = max_files  # ~100-200 KB each: tens of MB at most on the SD card
        self.renders = 0  # sentences synthesised by this process (a cached one costs none)
        self._lock = threading.Lock()

    def path_for(self, engine: Any, text: str) -> Path:
        key = "|".join((engine.name, engine.voice, str(getattr(engine, "rate", "")),
                        str(getattr(engine, "volume", "")), text))
        return self.folder / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.wav"

    def wav(self, engine: Any, text: str) -> Path | None:
        """The WAV of TEXT in ENGINE's voice, rendered now if not cached; None if it failed."""
        text = unicodedata.normalize("NFC", text.strip())
        path = self.path_for(engine, text)
        if _touch(path):
            return path
        with self._lock:  # one synthesis at a time: a Pi has four slow cores and a UI to draw
            if path.exists():
                return path
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".part")
            os.close(fd)
            try:
                engine.render(text, Path(tmp))
                with wave.open(tmp, "rb") as w:  # never keep a broken file
                    if w.getnframes() == 0:
                        raise ValueError("the engine wrote no audio")
                os.replace(tmp, path)  # atomic: a player never sees half a file
                self.renders += 1
            except (OSError, subprocess.SubprocessError, ValueError, wave.Error, EOFError) as exc:
                log.warning("%s could not speak %r: %s", engine.name, text[:40], exc)
                Path(tmp).unlink(missing_ok=True)
                return None
            self._prune()
        return path

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[: max(0, len(files) - self.max_files)]:
            old.unlink(missing_ok=True)


def _touch(path: Path) -> bool:
    """True if cached; marks it recently used so pruning keeps it."""
    try:
        os.utime(path)
        return True
    except OSError:
        return False
