"""`kiosk doctor` against simulated devices: once healthy, then one fault at a time.

Real parts: the `kiosk` command in a subprocess, the PNG-preview printer, pty scanners, a real
office service (start_embedded, demo data) on 127.0.0.1, SQLite and PostgreSQL. At the edge of
the world: a TCP "printer" that answers DLE EOT with a chosen status byte (or never answers), and
a tiny HTTP server whose clock is off.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk import doctor
from kiosk.config import Kiosk, Settings, load
from kiosk.doctor import FAIL, PASS, SKIP, WARN, Context, Result
from kiosk.paths import ROOT

KIOSK_ID, KIOSK_KEY = "kiosk-doc", "doctor-test-key-1"
# A made-up person (tests/data/cccd_vectors.json): shown masked as 079******234, never in full.
CARD = "079305001234||TRẦN THỊ BÍCH NGỌC|20082005|Nữ|Tổ 5, Phường Bến Thành, TP. Hồ Chí Minh|05092025||||"
CARD_MASKED = "079******234"
PERSONAL = ("079305001234", "NGỌC", "Ngọc", "TRẦN", "Tổ 5")

LINE = re.compile(r"^(PASS|WARN|FAIL|SKIP)  (\S+)\s+(.*)$")

PAPER_OUT = {1: 0x1A, 2: 0x32, 4: 0x72}
NEAR_END = {1: 0x12, 2: 0x12, 4: 0x1E}


# ------------------------------------------------------------------------------------ helpers

def results(text: str) -> dict[str, tuple[str, str]]:
    """{check name: (status, rest of the line)} from doctor's output."""
    found = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            found[m.group(2)] = (m.group(1), m.group(3))
    return found


def toml_value(v) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)


def write_config(path: Path, sections: dict) -> Path:
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o640)
    return path


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A real office service with demo data, as `kiosk serve --demo` would run it."""
    from kiosk.office.embedded import start_embedded

    tmp = tmp_path_factory.mktemp("office")
    settings = Settings(kiosk=Kiosk(id=KIOSK_ID, api_key=KIOSK_KEY, state_dir=str(tmp)))
    emb = start_embedded(settings, database_url=f"sqlite:///{tmp}/office.db", demo=True)
    yield emb
    emb.stop()


@pytest.fixture
def sections(tmp_path, office):
    """A healthy kiosk config talking to the office fixture; tests change one thing."""
    return {
        "printer": {"connection": f"preview:{tmp_path / 'previews'}"},
        "scanner": {"connection": "pty"},
        "office": {"url": office.url},
        "kiosk": {"id": KIOSK_ID, "api_key": KIOSK_KEY, "state_dir": str(tmp_path / "state")},
    }


def settings_of(tmp_path: Path, sections: dict) -> Settings:
    return load(write_config(tmp_path / "kiosk.toml", sections))


def run_main(settings: Settings, **kw) -> tuple[int, str]:
    out = io.StringIO()
    kw.setdefault("scan_wait", 0)
    rc = doctor.main(settings, test_print=kw.pop("test_print", False), out=out, **kw)
    return rc, out.getvalue()


def only_failure(text: str, name: str) -> str:
    """Assert NAME is the one FAIL line and return its text."""
    got = results(text)
    failed = [n for n, (status, _) in got.items() if status == FAIL]
    assert failed == [name], text
    return got[name][1]


def run_doctor(config: Path, *args: str, on_line=None, timeout: float = 90) -> tuple[int, str]:
    """`python -m kiosk --config CONFIG doctor ARGS`; ON_LINE(line) sees each line as it comes."""
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(config), "doctor", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")
    lines: list[str] = []

    def read():
        for line in proc.stdout:
            lines.append(line)
            if on_line:
                on_line(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        rc = proc.wait(timeout)
    finally:
        proc.kill()
    reader.join(5)
    err = proc.stderr.read()
    assert "Traceback" not in err, err
    return rc, "".join(lines)


def scan_into(path_pattern=r"(/dev/pts/\d+)", text: str = CARD):
    """An on_line callback: when doctor names the pty to write to, scan TEXT into it."""
    def on_line(line: str) -> None:
        m = re.search(path_pattern, line)
        if line.startswith("....") and m:
            with open(m.group(1), "wb", buffering=0) as tty:
                tty.write(text.encode("utf-8") + b"\r")
    return on_line


class FakeNetworkPrinter:
    """A TCP printer on 127.0.0.1 that answers DLE EOT n with REPLIES[n], or never (silent)."""

    def __init__(self, replies: dict[int, int] | None):
        self.replies = replies
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn):
        buf = b""
        while True:
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            buf += data
            while self.replies is not None and b"\x10\x04" in buf:
                i = buf.index(b"\x10\x04")
                if len(buf) < i + 3:
                    break
                n, buf = buf[i + 2], buf[i + 3:]
                conn.sendall(bytes([self.replies[n]]))

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


class SkewedOffice:
    """/api/health with a clock SKEW seconds off, and a heartbeat that accepts any key."""

    def __init__(self, skew: float, timezone: str = "Asia/Ho_Chi_Minh"):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                now = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=outer.skew)
                self._json({"ok": True, "server_time": now.isoformat(), "timezone": outer.timezone})

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._json({"ok": True})

            def log_message(self, *a):
                pass

        self.skew, self.timezone = skew, timezone
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------------ healthy, as a command

@pytest.mark.slow
def test_healthy_kiosk_passes_and_shows_the_scanned_card_masked(tmp_path, sections, office):
    config = write_config(tmp_path / "kiosk.toml", sections)
    rc, out = run_doctor(config, "--scan-wait", "30", on_line=scan_into())

    got = results(out)
    assert rc == 0, out
    assert all(status in (PASS, WARN, SKIP) for status, _ in got.values()), out
    assert {"config", "display", "state", "disk", "database", "printer", "scanner", "office", "clock",
            "speech"} <= set(got)
    assert got["scanner"][0] == PASS
    assert f"ID card {CARD_MASKED} (CC), Vietnamese letters intact" in got["scanner"][1]
    for secret in PERSONAL:
        assert secret not in out
    assert got["office"][0] == PASS and f"API key of kiosk {KIOSK_ID} accepted" in got["office"][1]
    assert got["clock"][0] == PASS
    assert got["printer"][0] == PASS
    assert "\033[" not in out  # stdout is a pipe: no colour
    assert out.rstrip().splitlines()[-1].startswith("doctor: all checks passed")

    # The doctor's heartbeat told the office what it found: staff see this kiosk's devices.
    from kiosk.office.storage.models import Kiosk as KioskRow

    with office.office.db.read() as s:
        status = s.get(KioskRow, KIOSK_ID).status
    assert status["printer"]["online"] is True and status["scanner"]["state"] == "connected"


@pytest.mark.slow
def test_healthy_embedded_kiosk_with_test_print(tmp_path, sections):
    sections["office"] = {"url": "embedded"}
    config = write_config(tmp_path / "kiosk.toml", sections)
    rc, out = run_doctor(config, "--scan-wait", "0", "--test-print")

    got = results(out)
    assert rc == 0, out
    assert got["database"][0] == PASS and "office.db" in got["database"][1]
    assert got["office"][0] == PASS and "embedded office service" in got["office"][1]
    assert got["printer"][0] == PASS and "test ticket printed" in got["printer"][1]
    assert (tmp_path / "previews" / "doctor-test.png").stat().st_size > 0
    assert got["speech"][0] in (PASS, WARN)
    assert got["scanner"][0] == PASS and "no test scan" in got["scanner"][1]


def test_unreachable_network_printer_fails_with_its_fix(tmp_path, sections):
    port = closed_port()
    sections["printer"] = {"connection": f"network:127.0.0.1:{port}"}
    rc, out = run_doctor(write_config(tmp_path / "kiosk.toml", sections), "--scan-wait", "0")

    assert rc == 1
    line = only_failure(out, "printer")
    assert f"network:127.0.0.1:{port}" in line and "not reachable" in line
    assert "— check that the printer is on and on the network (ping 127.0.0.1)" in line
    assert out.rstrip().splitlines()[-1].startswith("doctor: 1 FAILED (printer)")


# ---------------------------------------------------------------------- one fault at a time

def test_printer_file_in_a_missing_folder(tmp_path, sections):
    sections["printer"] = {"connection": "file:/nonexistent/dir/x"}
    rc, out = run_main(settings_of(tmp_path, sections))
    assert rc == 1
    line = only_failure(out, "printer")
    assert "folder /nonexistent/dir does not exist" in line
    assert "/dev/kiosk-printer" in line  # the fix names the udev link


def test_printer_out_of_paper(tmp_path, sections):
    fake = FakeNetworkPrinter(PAPER_OUT)
    try:
        sections["printer"] = {"connection": f"network:127.0.0.1:{fake.port}"}
        rc, out = run_main(settings_of(tmp_path, sections))
    finally:
        fake.close()
    assert rc == 1
    line = only_failure(out, "printer")
    assert "paper out" in line and "— load a new 80 mm paper roll" in line


def test_printer_paper_near_end_is_a_warning(tmp_path, sections):
    fake = FakeNetworkPrinter(NEAR_END)
    try:
        sections["printer"] = {"connection": f"network:127.0.0.1:{fake.port}"}
        rc, out = run_main(settings_of(tmp_path, sections))
    finally:
        fake.close()
    assert rc == 0, out
    status, line = results(out)["printer"]
    assert status == WARN and "paper near end" in line


def test_a_hung_printer_does_not_hang_doctor(tmp_path, sections):
    fake = FakeNetworkPrinter(None)  # accepts the connection, never answers
    try:
        sections["printer"] = {"connection": f"network:127.0.0.1:{fake.port}"}
        rc, out = run_main(settings_of(tmp_path, sections), timeouts={"printer": 1})
    finally:
        fake.close()
    assert rc == 1
    line = only_failure(out, "printer")
    assert "no answer within 1 s" in line and "switch the printer off and on" in line
    assert "office" in results(out)  # the later checks still ran


def test_scanner_path_missing(tmp_path, sections):
    sections["scanner"] = {"connection": "serial:/dev/nonexistent-kiosk-scanner"}
    rc, out = run_main(settings_of(tmp_path, sections), scan_wait=5)
    assert rc == 1
    line = only_failure(out, "scanner")
    assert "/dev/nonexistent-kiosk-scanner not found" in line
    assert "USB serial (CDC/COM) mode" in line and "/dev/serial/by-id/" in line


class Watch(io.StringIO):
    """Doctor's output, with a hook on each write (to scan when it asks)."""

    def __init__(self, hook):
        super().__init__()
        self.hook = hook

    def write(self, s):
        n = super().write(s)
        self.hook(s)
        return n


def test_serial_scanner_reads_a_card_masked(tmp_path, sections):
    master, slave = os.openpty()
    path = os.ttyname(slave)
    try:
        def hook(text):
            if text.startswith("....  scanner"):
                os.write(master, CARD.encode("utf-8") + b"\r\n")

        sections["scanner"] = {"connection": f"serial:{path}"}
        out = Watch(hook)
        rc = doctor.main(settings_of(tmp_path, sections), test_print=False, scan_wait=20, out=out)
    finally:
        os.close(master)
        os.close(slave)
    text = out.getvalue()
    assert rc == 0, text
    status, line = results(text)["scanner"]
    assert status == PASS and f"read ID card {CARD_MASKED} (CC)" in line
    assert "scan the QR on an ID card now" in text
    for secret in PERSONAL:
        assert secret not in text


def test_serial_scanner_that_reads_nothing_is_a_warning(tmp_path, sections):
    master, slave = os.openpty()
    try:
        sections["scanner"] = {"connection": f"serial:{os.ttyname(slave)}"}
        rc, out = run_main(settings_of(tmp_path, sections), scan_wait=0.3)
    finally:
        os.close(master)
        os.close(slave)
    assert rc == 0
    status, line = results(out)["scanner"]
    assert status == WARN and "nothing scanned within 0.3 s" in line


def test_scans_are_described_without_personal_data():
    status, what, fix = doctor.describe_scan("001190012345||NGUY?N TH? HOA|15031990|N?|H? N?i|01052021")
    assert status == WARN and "001******345" in what and "Vietnamese letters were lost" in what
    assert "USB serial" in fix and "NGUY" not in what
    assert doctor.describe_scan("001089012345|123456789|Nguyễn Văn An|150319")[:2] == \
        (WARN, "a damaged ID card QR (truncated)")
    assert doctor.describe_scan("MCVOL:TNV-0042")[1].startswith("a volunteer badge")


def test_office_unreachable(tmp_path, sections):
    sections["office"] = {"url": f"http://127.0.0.1:{closed_port()}", "timeout": 2}
    rc, out = run_main(settings_of(tmp_path, sections))
    assert rc == 1
    line = only_failure(out, "office")
    assert "not reachable" in line and "`kiosk serve` runs on the office server" in line
    assert results(out)["clock"][0] == SKIP


def test_wrong_api_key(tmp_path, sections):
    sections["kiosk"]["api_key"] = "not-the-key"
    rc, out = run_main(settings_of(tmp_path, sections))
    assert rc == 1
    line = only_failure(out, "office")
    assert f"API key of kiosk {KIOSK_ID} NOT accepted" in line
    assert "— set [kiosk] api_key to the key the office administrator created" in line
    assert "not-the-key" not in out


def test_key_of_another_kiosk(tmp_path, sections):
    sections["kiosk"]["id"] = "kiosk-other"
    rc, out = run_main(settings_of(tmp_path, sections))
    assert rc == 1
    line = only_failure(out, "office")
    assert "belongs to another kiosk" in line and "set [kiosk] id" in line


@pytest.mark.parametrize("skew, status", [(86400, FAIL), (-900, FAIL), (120, WARN), (5, PASS)])
def test_clock_difference_with_the_office(tmp_path, sections, skew, status):
    server = SkewedOffice(skew)
    try:
        sections["office"] = {"url": server.url}
        rc, out = run_main(settings_of(tmp_path, sections))
    finally:
        server.close()
    got, line = results(out)["clock"]
    assert got == status, out
    if status == FAIL:
        assert rc == 1 and only_failure(out, "clock")
        assert "ahead of" in line if skew > 0 else "behind" in line
        assert "— set the clocks right" in line and "timedatectl" in line
    else:
        assert rc == 0, out


def test_office_in_another_time_zone_is_a_warning(tmp_path, sections):
    server = SkewedOffice(0, timezone="Asia/Bangkok")
    try:
        sections["office"] = {"url": server.url}
        rc, out = run_main(settings_of(tmp_path, sections))
    finally:
        server.close()
    status, line = results(out)["clock"]
    assert rc == 0 and status == WARN and "Asia/Bangkok" in line and "[ward] timezone" in line


def test_state_folder_not_writable(tmp_path, sections):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the state folder's parent should be")
    sections["kiosk"]["state_dir"] = str(blocker / "state")
    rc, out = run_main(settings_of(tmp_path, sections))
    assert rc == 1
    line = only_failure(out, "state")
    assert f"state folder {blocker / 'state'} not writable" in line
    assert "— make the folder the kiosk's own: sudo mkdir -p" in line and "chown -R kiosk:kiosk" in line


def test_embedded_database_in_a_missing_folder(tmp_path, sections):
    sections["office"] = {"url": "embedded", "database": "sqlite:////nonexistent-dir/office.db"}
    settings = settings_of(tmp_path, sections)
    results_ = doctor.run_checks(settings, scan_wait=0, out=io.StringIO(), only=("database",))
    assert [(r.status, r.name) for r in results_] == [(FAIL, "database")]
    assert "folder /nonexistent-dir does not exist" in results_[0].found
    assert "chown" in results_[0].fix


@pytest.mark.postgres
def test_embedded_database_on_postgresql(tmp_path, sections, pg_url):
    sections["office"] = {"url": "embedded", "database": pg_url}
    good = doctor.run_checks(settings_of(tmp_path, sections), out=io.StringIO(), only=("database",))
    assert good[0].status == PASS and "writable" in good[0].found
    assert "kiosk_test@" not in good[0].found or ":***@" in good[0].found  # never the password

    sections["office"]["database"] = pg_url.replace("kiosk_test:kiosk_test@", "kiosk_test:wrong@")
    bad = doctor.run_checks(settings_of(tmp_path, sections), out=io.StringIO(), only=("database",))
    assert bad[0].status == FAIL and "cannot connect or write" in bad[0].found
    assert ":wrong@" not in bad[0].found


# ------------------------------------------------------------- the runner, and a context for one check
# (the checks of one area have their own files: test_doctor_host.py, test_doctor_speech.py)

def ctx_with(env: dict, settings: Settings | None = None) -> Context:
    return Context(settings or Settings(), env=env, out=io.StringIO())


def test_a_check_that_crashes_or_hangs_is_a_failure_line():
    def crash(ctx):
        raise RuntimeError("boom")

    def hang(ctx):
        time.sleep(30)

    ctx = ctx_with({})
    assert doctor.run_check("printer", crash, ctx, 5)[0].status == FAIL
    hung = doctor.run_check("scanner", hang, ctx, 0.2)[0]
    assert hung.status == FAIL and "no answer within 0.2 s" in hung.found and "unplug the scanner" in hung.fix


def test_colour_only_on_a_terminal():
    line = Result(FAIL, "printer", "x", "y").line(colour=True)
    assert line.startswith("\033[31;1mFAIL\033[0m") and line.endswith("x — y")
    assert Result(PASS, "printer", "x", "ignored").line() == "PASS  printer   x"
    master, slave = os.openpty()
    try:
        with open(slave, "w", closefd=False) as tty:
            assert doctor._use_colour(tty) is (os.environ.get("NO_COLOR") is None
                                               and os.environ.get("TERM") != "dumb")
    finally:
        os.close(master)
        os.close(slave)
    assert doctor._use_colour(io.StringIO()) is False
