"""EscposPrinter's connections and faults: a fault never raises, never loses track of what was sent.

Real parts where we can reach them: python-escpos Dummy, a pty acting as a serial printer, a TCP
socket on 127.0.0.1 acting as a network printer, real files. At the edge of the world: a fake
status byte (`_read`).
"""

import os
import select
import socket
import threading
import time

import pytest
from escpos.printer import Dummy

from devices.printer import EscposPrinter, PrintResult, open_printer
from devices.printer.blocks import QR, Cut, Text
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
