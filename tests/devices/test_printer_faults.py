"""Printer connections and faults: a fault never raises, never loses track of what was sent.

Real parts where we can reach them: python-escpos Dummy, a pty acting as a serial printer, a TCP
socket on 127.0.0.1 acting as a network printer, real files. At the edge of the world: a fake
status byte (`_read`) and fake `lp`/`lpstat` commands on PATH.
"""

import os
import select
import socket
import stat
import threading
import time
from pathlib import Path

import pytest
from escpos.printer import Dummy

from devices.printer import (EscposPrinter, PrinterSpecError, PrintResult, open_printer)
from devices.printer.blocks import QR, Cut, Text
from devices.printer.preview import interpret
from devices.printer.render import encode
from devices.printer.status import decode

BLOCKS = [Text("UBND phường Bến Thành", bold=True), Text("A012", size=120, bold=True),
          QR("http://127.0.0.1:8080/t/abc"), Text("Xin chú ý màn hình gọi số."), Cut()]
DATA = encode(BLOCKS)
DLE_EOT = b"\x10\x04"

OK = {1: 0x12, 2: 0x12, 4: 0x12}
NEAR_END = {1: 0x12, 2: 0x12, 4: 0x1E}
PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}  # offline, stopped for paper end, roll out
COVER_OPEN = {1: 0x1A, 2: 0x16, 4: 0x12}
OFFLINE = {1: 0x1A, 2: 0x12, 4: 0x12}


class StatusDummy(Dummy):
    """A Dummy printer that answers DLE EOT with a fake status byte and can be unplugged mid-job."""

    def __init__(self, replies=None, unplug_after=None):
        super().__init__()
        self.replies = replies
        self.unplug_after = unplug_after
        self._last = b""

    def _raw(self, msg):
        if self.unplug_after is not None and len(self.output) + len(msg) > self.unplug_after:
            raise OSError(19, "No such device")
        super()._raw(msg)
        self._last = msg

    def _read(self):
        if self.replies is None:
            raise NotImplementedError
        if self._last.startswith(DLE_EOT):
            return bytes([self.replies[self._last[2]]])
        return b""

    @property
    def job_bytes(self):
        """What was sent apart from the status queries."""
        return self.output.replace(DLE_EOT + b"\x01", b"").replace(DLE_EOT + b"\x02", b"") \
            .replace(DLE_EOT + b"\x04", b"")


def printer_on(device, reads_back=True):
    return EscposPrinter(lambda: device, reads_back=reads_back, where="test printer")


def test_healthy_printer_gets_the_whole_ticket():
    dev = StatusDummy(OK)
    result = printer_on(dev).print_blocks(BLOCKS, "A012")
    assert result == PrintResult(True, None, len(DATA), None)
    assert dev.job_bytes == DATA


def test_offline_before_printing_sends_nothing():
    dev = StatusDummy(OFFLINE)
    result = printer_on(dev).print_blocks(BLOCKS, "A012")
    assert not result.ok and result.fault.kind == "offline" and result.bytes_sent == 0
    assert dev.job_bytes == b""


def test_paper_out():
    dev = StatusDummy(PAPER_OUT)
    result = printer_on(dev).print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "paper_out" and "paper" in result.fault.detail
    assert dev.job_bytes == b""
    st = printer_on(StatusDummy(PAPER_OUT)).status()
    assert st.paper == "out" and st.online is False


def test_cover_open():
    dev = StatusDummy(COVER_OPEN)
    result = printer_on(dev).print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "cover_open" and "cover" in result.fault.detail
    assert dev.job_bytes == b""


def test_paper_near_end_still_prints_and_status_warns():
    dev = StatusDummy(NEAR_END)
    printer = printer_on(dev)
    assert printer.print_blocks(BLOCKS, "A012").ok
    st = printer.status()
    assert (st.online, st.paper, st.cover_open) == (True, "near_end", False)
    assert "near end" in st.detail


def test_unplugged_mid_job_reports_how_far_it_got():
    dev = StatusDummy(OK, unplug_after=len(DATA) // 2)
    result = printer_on(dev).print_blocks(BLOCKS, "A012")
    assert not result.ok and result.fault.kind == "unplugged"
    assert 0 < result.bytes_sent < len(DATA)
    assert DATA.startswith(dev.job_bytes) and len(dev.job_bytes) == result.bytes_sent
    assert f"of {len(DATA)} bytes" in result.fault.detail


def test_printer_that_cannot_read_back_prints_with_unknown_status():
    dev = StatusDummy(None)  # python-escpos Dummy: _read raises NotImplementedError
    printer = printer_on(dev)
    assert printer.print_blocks(BLOCKS, "A012").ok
    assert dev.job_bytes == DATA
    assert printer.status().paper == "unknown"


def test_a_printer_that_answered_before_and_falls_silent_is_offline():
    dev = StatusDummy(OK)
    printer = printer_on(dev)
    assert printer.status().online is True
    dev.replies = {1: None, 2: None, 4: None}
    dev._read = lambda: b""
    result = printer.print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "offline" and "switched on" in result.fault.detail


def test_status_byte_decoding():
    assert decode(0x12, 0x12, 0x12).fault() is None
    assert decode(0x12, 0x12, 0x72).paper == "out"
    assert decode(None, None, None).online is None
    assert decode(0xFF, 0xFF, 0xFF).paper == "unknown"  # not a status reply at all


def test_calls_from_two_threads_do_not_interleave():
    class Slow(StatusDummy):
        def _raw(self, msg):
            time.sleep(0.002)
            super()._raw(msg)

    dev = Slow(None)
    printer = printer_on(dev, reads_back=False)
    results = []
    threads = [threading.Thread(target=lambda: results.append(printer.print_blocks(BLOCKS, "x")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.ok for r in results] == [True, True]
    assert dev.output == DATA + DATA


def test_a_layout_error_is_a_fault_not_an_exception():
    result = printer_on(StatusDummy(OK)).print_blocks([Text("x", size=1)], "bad")
    assert not result.ok and result.fault.kind == "error"


# --- file: ------------------------------------------------------------------------------------

def test_file_printer_writes_exactly_the_bytes(tmp_path):
    out = tmp_path / "lp0"
    result = open_printer(f"file:{out}").print_blocks(BLOCKS, "A012")
    assert result.ok and out.read_bytes() == DATA
    assert open_printer(f"file:{out}").status().online is None


def test_missing_device_file_is_unplugged(tmp_path):
    result = open_printer(f"file:{tmp_path}/nope/lp0").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "unplugged" and "cable" in result.fault.detail


# --- serial: a pty plays the printer ------------------------------------------------------------

class PtyPrinter:
    """The far end of a pty: collects what the kiosk sends, answers DLE EOT, can be unplugged."""

    def __init__(self, replies, unplug_after=None):
        self.master, self._slave = os.openpty()
        self.path = os.ttyname(self._slave)
        self.replies = replies
        self.unplug_after = unplug_after
        self.received = bytearray()
        self._stop = threading.Event()
        self._closed = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        scanned = 0
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received += chunk
            while (i := self.received.find(DLE_EOT, scanned)) >= 0 and i + 2 < len(self.received):
                os.write(self.master, bytes([self.replies[self.received[i + 2]]]))
                scanned = i + 3
            if self.unplug_after is not None and len(self.received) >= self.unplug_after:
                self._close_fds()
                return

    def _close_fds(self):
        if not self._closed:
            self._closed = True
            os.close(self.master)
            os.close(self._slave)

    def close(self):
        # stop the thread before closing, so a later test's pty cannot reuse its descriptors under it
        self._stop.set()
        self._thread.join(5)
        self._close_fds()


@pytest.fixture
def pty_printer():
    made = []

    def make(replies, unplug_after=None):
        made.append(PtyPrinter(replies, unplug_after))
        return made[-1]

    yield make
    for p in made:
        p.close()


def test_serial_printer_over_a_pty(pty_printer):
    far = pty_printer(OK)
    printer = open_printer(f"serial:{far.path}?baudrate=19200")
    assert printer.status().online is True
    result = printer.print_blocks(BLOCKS, "A012")
    assert result.ok and result.bytes_sent == len(DATA)
    deadline = time.monotonic() + 10  # the far end drains the pty on its own thread
    while DATA not in bytes(far.received) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert DATA in bytes(far.received)


def test_serial_printer_reports_paper_out(pty_printer):
    far = pty_printer(PAPER_OUT)
    result = open_printer(f"serial:{far.path}").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "paper_out"
    assert b"\x1dv0" not in bytes(far.received)


def test_serial_printer_unplugged_mid_job(pty_printer):
    far = pty_printer(OK, unplug_after=len(DATA) // 3)
    result = open_printer(f"serial:{far.path}").print_blocks(BLOCKS, "A012")
    assert not result.ok and result.fault.kind == "unplugged"
    # the kernel's pty buffer may have taken every byte before the far end vanished; then the
    # status request after the job is what notices (the Dummy test above pins the exact count)
    assert result.bytes_sent <= len(DATA) and "connection lost" in result.fault.detail


def test_serial_device_missing():
    result = open_printer("serial:/dev/ttyNoSuchPrinter").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "unplugged"


# --- network: a socket on 127.0.0.1 plays the printer ------------------------------------------

def _serve_once(replies):
    srv = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def run():
        conn, _ = srv.accept()
        with conn:
            scanned = 0
            while chunk := conn.recv(65536):
                received.extend(chunk)
                while (i := received.find(DLE_EOT, scanned)) >= 0 and i + 2 < len(received):
                    conn.sendall(bytes([replies[received[i + 2]]]))
                    scanned = i + 3
        srv.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return srv.getsockname()[1], received, thread


def test_network_printer():
    port, received, thread = _serve_once(OK)
    result = open_printer(f"network:127.0.0.1:{port}").print_blocks(BLOCKS, "A012")
    thread.join(5)
    assert result.ok and DATA in bytes(received)


def test_network_printer_not_listening_is_offline():
    s = socket.create_server(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    result = open_printer(f"network:127.0.0.1:{port}").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "offline" and "network" in result.fault.detail


# --- cups: fake lp and lpstat on PATH -------------------------------------------------------------

@pytest.fixture
def fake_cups(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    state = tmp_path / "queue-state"
    spool = tmp_path / "spool"

    def script(name, body):
        path = bin_dir / name
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)

    script("lpstat", f"""
state=$(cat {state})
if [ "$2" != "Thermal80" ]; then echo "lpstat: Invalid destination name in list \\"$2\\"." >&2; exit 1; fi
if [ "$state" = stopped ]; then
  printf 'printer Thermal80 disabled since Mon 30 Nov 2026 09:00:00 -\\n\\tPaused\\n'
else
  echo "printer Thermal80 is idle.  enabled since Mon 30 Nov 2026 09:00:00"
fi
""")
    script("lp", f"""
if [ "$(cat {state})" = broken ]; then echo "lp: Unable to connect to server" >&2; exit 1; fi
cat > {spool}
echo "request id is Thermal80-1 (1 file(s))"
""")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def set_state(value):
        state.write_text(value)

    set_state("ok")
    return set_state, spool


def test_cups_queue_prints_raw_bytes(fake_cups):
    _, spool = fake_cups
    printer = open_printer("cups:Thermal80")
    assert printer.status().online is True
    result = printer.print_blocks(BLOCKS, "A012")
    assert result.ok and spool.read_bytes() == DATA


def test_stopped_cups_queue(fake_cups):
    set_state, spool = fake_cups
    set_state("stopped")
    printer = open_printer("cups:Thermal80")
    result = printer.print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "queue_stopped" and "cupsenable Thermal80" in result.fault.detail
    assert not spool.exists()
    assert printer.status().online is False


def test_cups_unknown_queue_and_refused_job(fake_cups):
    set_state, _ = fake_cups
    assert open_printer("cups:Nope").print_blocks(BLOCKS, "A012").fault.kind == "error"
    set_state("broken")
    result = open_printer("cups:Thermal80").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "error" and "Unable to connect" in result.fault.detail


# --- preview, none, bad specs ---------------------------------------------------------------------

def test_preview_writes_paper_png_and_raw_bytes(tmp_path):
    printer = open_printer(f"preview:{tmp_path}/p", paper_width=58)
    result = printer.print_blocks(BLOCKS, "A012 vé/../x")
    assert result.ok
    png = Path(result.preview_png)
    assert png.parent == tmp_path / "p" and png.suffix == ".png"
    assert png.with_suffix(".bin").read_bytes() == encode(BLOCKS, paper_width=58)
    assert printer.status().online is True


def test_bare_preview_goes_to_the_state_dir(tmp_path):
    result = open_printer("preview", state_dir=tmp_path).print_blocks(BLOCKS, "A012")
    assert Path(result.preview_png).parent == tmp_path / "previews"


def test_preview_can_simulate_a_fault_for_demos(tmp_path):
    (tmp_path / "simulate-fault").write_text("paper_out")
    printer = open_printer(f"preview:{tmp_path}")
    result = printer.print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "paper_out" and not (tmp_path / "A012.png").exists()
    assert printer.status().paper == "out"


def test_no_printer_is_an_offline_fault():
    result = open_printer("none").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "offline" and "no printer" in result.fault.detail


@pytest.mark.parametrize("spec, word", [
    ("usb:0416", "vendor and product"), ("usb:xx:yy", "USB id"), ("serial:", "device"),
    ("network:", "host"), ("network:printer:abc", "port"), ("cups:", "queue"), ("file:", "path"),
    ("lpt1", "must start with"),
])
def test_bad_specs_name_the_config_key(spec, word):
    with pytest.raises(PrinterSpecError, match=word) as err:
        open_printer(spec)
    assert "[printer] connection" in str(err.value)


def test_bad_profile_and_width():
    with pytest.raises(PrinterSpecError, match="profile"):
        open_printer("none", profile="no-such-printer")
    with pytest.raises(PrinterSpecError, match="paper_width"):
        open_printer("none", paper_width=76)


def test_usb_spec_parses_without_touching_the_bus():
    printer = open_printer("usb:0x0416:0x5011?out_ep=0x03")
    assert "0416:5011" in printer.describe()


def test_preview_png_matches_the_bytes(tmp_path):
    result = open_printer(f"preview:{tmp_path}").print_blocks(BLOCKS, "A012")
    from PIL import Image

    png = Image.open(result.preview_png).convert("L")
    paper = interpret(encode(BLOCKS), 576).convert("L")
    assert png.crop((1, 1, png.width - 1, png.height - 1)).tobytes() == paper.tobytes()


def test_align_pad_option_on_any_spec(tmp_path):
    out = tmp_path / "lp0"
    assert open_printer(f"file:{out}?align=pad").print_blocks(BLOCKS, "A012").ok
    assert out.read_bytes() == encode(BLOCKS, pad_align=True) != DATA
    with pytest.raises(PrinterSpecError, match="align"):
        open_printer("none?align=middle")


def test_unplugged_before_the_first_byte():
    result = printer_on(StatusDummy(OK, unplug_after=0)).print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "unplugged" and result.bytes_sent == 0
    assert printer_on(StatusDummy(OK, unplug_after=0)).status().online is False


def test_network_printer_that_never_answers_status_still_prints():
    srv = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def run():  # a printer without DLE EOT support: takes bytes, says nothing
        conn, _ = srv.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.extend(chunk)
        srv.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    printer = open_printer(f"network:127.0.0.1:{srv.getsockname()[1]}")
    result = printer.print_blocks(BLOCKS, "A012")
    thread.join(10)
    assert result.ok and DATA in bytes(received)
