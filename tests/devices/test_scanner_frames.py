"""FrameAssembler: bytes in, frames out, whatever the terminator and however the reads are cut."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scanner import FrameAssembler, ScannerSpecError


@pytest.mark.parametrize("term,data,frames", [
    ("auto", b"a\rb\nc\r\nd\r\n", ["a", "b", "c", "d"]),
    ("CR", b"a\rb\r", ["a", "b"]),
    ("CR", b"a\r\nb\r", ["a", "b"]),           # a stray LF after CR does not become part of a frame
    ("LF", b"a\nb\r\n", ["a", "b"]),
    ("LF", b"a\rb\n", ["a\rb"]),               # CR is data when only LF ends a frame
    ("CRLF", b"a\rb\r\nc\r\n", ["a\rb", "c"]),
    ("auto", b"\r\n\r\n\n", []),               # empty lines are not frames
])
def test_terminators(term, data, frames):
    asm = FrameAssembler(term)
    assert asm.feed(data) == frames and not asm.pending


def test_crlf_split_between_reads_is_one_end():
    asm = FrameAssembler("auto")
    assert asm.feed(b"first\r") == ["first"]
    assert asm.feed(b"\nsecond\r") == ["second"]
    assert asm.feed(b"\n") == []
    assert not asm.pending


def test_utf8_character_split_between_reads():
    asm = FrameAssembler("auto")
    data = "Nữ\r".encode()
    assert asm.feed(data[:2]) == [] and asm.pending  # 'N' + first byte of 'ữ'
    assert asm.feed(data[2:3]) == []
    assert asm.feed(data[3:]) == ["Nữ"]


def test_invalid_utf8_becomes_replacement_and_is_passed_on():
    asm = FrameAssembler("auto")
    assert asm.feed(b"ab\xffcd\r") == ["ab\ufffdcd"]


def test_flush_without_terminator_and_dangling_half_character():
    asm = FrameAssembler("CR")
    assert asm.feed("xyz".encode() + "đ".encode()[:1]) == []
    assert asm.flush() == "xyz\ufffd"
    assert asm.flush() is None and not asm.pending


def test_bad_terminator_named():
    with pytest.raises(ScannerSpecError, match="terminator"):
        FrameAssembler("NUL")


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
                        min_size=1, max_size=30), min_size=1, max_size=6),
       st.lists(st.sampled_from([b"\r", b"\n", b"\r\n"]), min_size=6, max_size=6),
       st.lists(st.integers(1, 400), max_size=12))
def test_any_chunking_gives_the_same_frames(frames, ends, cuts):
    frames = [f for f in frames if f.strip("\r\n")]
    data = b"".join(f.encode() + e for f, e in zip(frames, ends))
    asm = FrameAssembler("auto")
    got, last = [], 0
    for cut in sorted({c for c in cuts if c < len(data)}) + [len(data)]:
        got += asm.feed(data[last:cut])
        last = cut
    assert got == frames
