"""FrameAssembler: bytes from a serial scanner in, whole frames (one per scan) out."""

from __future__ import annotations

import codecs
import re

from devices.scanner.base import ScannerSpecError

TERMINATORS = ("auto", "CR", "LF", "CRLF")
MAX_FRAME = 8192  # characters; a line of noise is cut here rather than growing forever


class FrameAssembler:
    """Bytes in, frames out: joins reads, keeps a UTF-8 character split across reads whole.

    `terminator`: "CR", "LF", "CRLF", or "auto" (any of them; CRLF counts as one end, even when
    the CR and the LF come in different reads). Bytes that are not UTF-8 become U+FFFD.
    """

    _SPLIT = {"auto": re.compile(r"\r\n|\r|\n"), "CR": re.compile("\r"), "LF": re.compile("\n"),
              "CRLF": re.compile("\r\n")}

    def __init__(self, terminator: str = "auto"):
        if terminator not in TERMINATORS:
            raise ScannerSpecError(f"terminator must be one of {', '.join(TERMINATORS)}, not {terminator!r}")
        self.terminator = terminator
        self._split = self._SPLIT[terminator]
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buf = ""
        self._skip_lf = False  # auto: the last frame ended with CR; an LF right after belongs to it

    @property
    def pending(self) -> bool:
        """Anything received since the last frame (text, or half a UTF-8 character)?"""
        return bool(self._buf) or bool(self._decoder.getstate()[0])

    def feed(self, data: bytes) -> list[str]:
        text = self._decoder.decode(data)
        if not text:
            return []
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = False
        parts = self._split.split(self._buf + text)
        self._buf = parts.pop()
        if self.terminator == "auto" and parts and self._buf == "" and text.endswith("\r"):
            self._skip_lf = True
        frames = [f for f in (self._clean(p) for p in parts) if f]
        if len(self._buf) > MAX_FRAME:
            frames.append(self._buf)
            self._buf = ""
        return frames

    def flush(self) -> str | None:
        """The frame so far, for a scanner that sends no terminator (called after a quiet gap)."""
        text = self._buf + self._decoder.decode(b"", final=True)
        self._decoder.reset()
        self._buf, self._skip_lf = "", False
        return self._clean(text) or None

    @staticmethod
    def _clean(frame: str) -> str:
        return frame.strip("\r\n")
