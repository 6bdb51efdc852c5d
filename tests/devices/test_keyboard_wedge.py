"""Keyboard-mode scanners: scanner bursts vs a person typing, and the 'switch to serial' hint."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.keyboard_wedge import KeyboardWedge
from kiosk.domain.cccd import needs_serial_mode

CARD = "001089012345|123456789|Nguyễn Văn An|15031989|Nam|Số 12 ngõ 34 phố Huế, Hà Nội|01052021"
CARD_NU = "001190012345||Trần Thị Hoa|15031990|Nữ|Tổ 5, Phường Bến Thành, TP. Hồ Chí Minh|01052021"


class Sink:
    def __init__(self):
        self.frames, self.human = [], []

    def wedge(self, **kw):
        return KeyboardWedge(self.frames.append, on_human=self.human.append, **kw)


def type_out(w, text, start, gap, enter=True):
    t = start
    for ch in text:
        w.feed_text(ch, t)
        t += gap
    if enter:
        w.feed_key("enter", t)
    return t


def test_scanner_burst_with_enter_is_a_frame():
    s = Sink()
    w = s.wedge()
    type_out(w, "MCVOL:TNV-0042", 100.0, 0.003)
    assert s.frames == ["MCVOL:TNV-0042"] and s.human == []


def test_events_delivered_in_one_ui_frame_share_a_timestamp():
    s = Sink()
    w = s.wedge()
    type_out(w, "MCHS:BT-20261130-0001", 5.0, 0.0)
    w.feed_text("https://x.vn/t/abcd1234\r", 9.0)  # several characters in one event, Enter inside
    assert s.frames == ["MCHS:BT-20261130-0001", "https://x.vn/t/abcd1234"]


def test_person_typing_is_not_a_frame():
    s = Sink()
    w = s.wedge()
    type_out(w, "0123456789", 10.0, 0.18)  # 180 ms between keys: a person
    assert s.frames == []
    assert "".join(s.human) == "0123456789"


def test_short_fast_burst_is_not_a_frame():
    s = Sink()
    w = s.wedge()
    type_out(w, "abc", 1.0, 0.002)  # a chord or a key bounce, too short to be a QR
    assert s.frames == [] and s.human == ["abc"]


def test_person_then_scanner_without_pause():
    s = Sink()
    w = s.wedge()
    t = type_out(w, "xy", 1.0, 0.2, enter=False)
    type_out(w, "MCVOL:AB12345", t + 0.5, 0.004)
    assert s.frames == ["MCVOL:AB12345"]


def test_burst_without_enter_flushed_by_poll_after_quiet_gap():
    s = Sink()
    w = s.wedge(quiet_gap_ms=120)
    t = type_out(w, "MCVOL:TNV-0042", 0.0, 0.005, enter=False)
    w.poll(t + 0.05)
    assert s.frames == [] and w.pending  # not yet: the scanner may still be typing
    w.poll(t + 0.2)
    assert s.frames == ["MCVOL:TNV-0042"] and not w.pending


def test_a_long_pause_splits_bursts():
    s = Sink()
    w = s.wedge()
    t = type_out(w, "MCVOL:ONE11", 0.0, 0.004, enter=False)
    type_out(w, "MCVOL:TWO22", t + 1.0, 0.004)
    assert s.frames == ["MCVOL:ONE11", "MCVOL:TWO22"]


def test_thresholds_are_settings():
    s = Sink()
    w = s.wedge(max_gap_ms=100, min_length=4)
    type_out(w, "ABCD", 0.0, 0.08)
    assert s.frames == ["ABCD"]


@settings(max_examples=100)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=8, max_size=80),
       st.floats(0, 0.03), st.floats(0.06, 1.0))
def test_fast_is_scanner_slow_is_person(text, fast, slow):
    s = Sink()
    type_out(s.wedge(), text, 0.0, fast)
    assert s.frames == [text]
    s2 = Sink()
    type_out(s2.wedge(), text, 0.0, slow)
    assert s2.frames == []


# --- needs_serial_mode ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "001190012345||Tr?n Th? Hoa|15031990|N?|T? 5, Ph??ng B?n Th�nh|01052021",   # '?' stand-ins
    "001190012345||Trn Th Hoa|15031990|N|T 5, Phng Bn Thnh|01052021",           # letters dropped
    "001190012345||Tran Thi Hoa|15031990|Nu|To 5, Phuong Ben Thanh|01052021",     # stripped marks
    "001089012345||Nguyen Van An|15031989|Nam|So 12 ngo 34 pho Hue, Ha Noi|01052021",  # all ASCII
    "001089012345||Nguy\u2500\u00e0n V\u00e4n An|15031989|Nam|H\u00e0 N\u00f4i|01052021",  # Alt-code debris
    "036190007788|Pham Thi Hoa|07/11/1990|Nu|Xom 3, Hai Hau|22/06/2022",          # 6-field form
])
def test_lost_vietnamese_needs_serial_mode(text):
    assert needs_serial_mode(text)


@pytest.mark.parametrize("text", [
    CARD,
    CARD_NU,
    CARD.upper(),
    "\ufeff" + CARD + "\r\n",
    "MCVOL:TNV-0042",                      # not an ID card at all
    "https://x.vn/t/abcd1234?q=a?b",      # '?' in a URL is fine
    "001089012345|123",                    # truncated: the parser's reason applies instead
])
def test_complete_or_other_frames_do_not(text):
    assert not needs_serial_mode(text)


def test_wedge_scan_of_a_card_that_lost_letters():
    s = Sink()
    w = s.wedge()
    lost = CARD_NU.encode("ascii", "replace").decode()  # what a US-layout wedge types: '?' per letter
    type_out(w, lost, 0.0, 0.002)
    assert s.frames == [lost] and needs_serial_mode(s.frames[0])
