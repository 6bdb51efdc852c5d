"""CupsPrinter: raw jobs through `lp`, queue state from `lpstat` (fake commands on PATH)."""

import os
import stat

import pytest

from devices.printer import open_printer
from test_printer_escpos import BLOCKS, DATA


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
