"""`Voice`: say a sentence without making anyone wait for it.

The UI thread calls `say()`, which only records the sentence and wakes one worker thread; the
worker renders (or finds in the cache) and plays it. A new sentence cuts the one still playing
and replaces any not yet started: a citizen who moves on quickly hears only the current screen.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from kiosk.voice.cache import RenderCache
from kiosk.voice.engines import Engine, choose_engine
from kiosk.voice.outputs import NullOutput, open_output

log = logging.getLogger(__name__)


def spell_number(number: str) -> str:
    """"A012" as a caller says it: the letters, then the digits one by one ("A, 0 1 2")."""
    letters = "".join(c for c in number if not c.isdigit())
    digits = " ".join(c for c in number if c.isdigit())
    return f"{letters}, {digits}" if letters and digits else letters or digits


def parse_quiet_hours(text: str) -> tuple[dt.time, dt.time] | None:
    """"21:00-06:00" -> (21:00, 06:00); "" -> None. Raises ValueError on anything else."""
    if not text:
        return None
    start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
    if start == end:
        raise ValueError("start and end are the same")
    return start, end


def in_quiet_hours(quiet: tuple[dt.time, dt.time] | None, now: dt.time) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    return start <= now < end if start < end else now >= start or now < end  # may wrap midnight


class Voice:
    def __init__(self, engines: dict[str, Engine | None], cache: RenderCache, output: Any, *,
                 quiet_hours: tuple[dt.time, dt.time] | None = None,
                 now: Callable[[], dt.time] = lambda: dt.datetime.now().time(), silent_reason: str = "") -> None:
        self.engines = engines  # lang -> engine (None: that language is not spoken)
        self.cache, self.output = cache, output
        self.quiet_hours, self._now = quiet_hours, now
        self.silent_reason = silent_reason
        self.last: tuple[str, str] | None = None  # (text, lang) last asked for: "Nghe hướng dẫn" replays it
        self.latencies: list[float] = []  # say() -> playing, seconds (bench/)
        self._pending: tuple[str, str, float] | None = None
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    @classmethod
    def silent(cls, reason: str) -> "Voice":
        """A voice that says nothing (no engine, no output), for tools and tests."""
        return cls({}, RenderCache(Path("/nonexistent")), NullOutput(), silent_reason=reason)

    @property
    def available(self) -> bool:
        return any(self.engines.values()) and not isinstance(self.output, NullOutput)

    def say(self, text: str, lang: str = "vi") -> None:
        """Speak TEXT soon, cutting whatever is being said. Returns at once."""
        text = unicodedata.normalize("NFC", (text or "").strip())
        if not text:
            return
        self.last = (text, lang)
        if not self.available or self.engines.get(lang) is None or in_quiet_hours(self.quiet_hours, self._now()):
            return
        with self._wake:
            self._pending = (text, lang, time.monotonic())
            self._wake.notify()
        self.output.stop()  # cut the sentence being played: the screen it belonged to is gone
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
            self._thread.start()

    def replay(self) -> None:
        if self.last is not None:
            self.say(*self.last)

    def stop(self) -> None:
        with self._wake:
            self._pending = None
        self.output.stop()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._pending = None
            self._wake.notify()
        self.output.stop()

    def warm(self, texts: list[tuple[str, str]]) -> int:
        """Render (text, lang) pairs ahead into the cache; the number newly synthesised."""
        before = self.cache.renders
        for text, lang in texts:
            engine = self.engines.get(lang)
            if engine is not None:
                self.cache.wav(engine, text)  # the cache keys the NFC, stripped text
        return self.cache.renders - before

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                text, lang, asked = self._pending
                self._pending = None
            wav = self.cache.wav(self.engines[lang], text)
            with self._wake:
                superseded = self._pending is not None
            if wav is None or superseded:
                continue
            self.latencies.append(time.monotonic() - asked)
            try:
                self.output.play(wav, text, lang)
            except OSError as exc:
                log.warning("could not play a prompt: %s", exc)


def build_voice(settings: Any) -> Voice:
    """The Voice the config's [audio] asks for; silent (with the reason) when it cannot speak."""
    audio = settings.audio
    output, why_output = open_output(audio.output)
    engines: dict[str, Engine | None] = {}
    reasons = []
    for lang in ("vi", "en"):
        engine, why = choose_engine(audio, lang)
        engines[lang] = engine
        if why and why not in reasons:
            reasons.append(why)
    if why_output:
        reasons.append(why_output)
    folder = Path(audio.cache_dir).expanduser() if audio.cache_dir else settings.kiosk.state_path() / "voice"
    zone = ZoneInfo(settings.ward.timezone)
    voice = Voice(engines, RenderCache(folder), output, quiet_hours=parse_quiet_hours(audio.quiet_hours),
                  now=lambda: dt.datetime.now(zone).time(), silent_reason="; ".join(reasons))
    if reasons:
        log.info("voice: %s", voice.silent_reason)
    return voice
