"""`kiosk doctor`: one line per check, and for each failure the fix in one sentence.

    PASS  config    /etc/kiosk/kiosk.toml (kiosk kiosk-1, ward BT)
    FAIL  printer   usb:0x0416:0x5011: USB printer 0416:5011 not found ... — check the USB cable ...

Checks: config, display, state folder, free disk, database, printer (status, optional test
print), scanner (waits for one scan and shows it masked), office service (reachable, API key,
clock), the QR codes' address, spoken calls, the province hand-off, the card addresses' table and the
catalogue (its review date). Each check runs on its own thread with its own time limit, so a hung
printer or a silent server cannot hang the doctor. Exit code 0 when nothing FAILs, 1 otherwise.

Nothing here imports Kivy: the doctor must not take the screen from a running kiosk.

One module per area, each a set of `check_*(ctx)` functions; this module runs them:
  base.py     Result, Context, the statuses and text helpers every check shares
  host.py     config, display, state folder, free disk, the kiosk service
  storage.py  database
  devices.py  printer, scanner
  office.py   office service, API key, clock
  qr.py       the QR codes' address ([office] public_url)
  speech.py   spoken calls
  connector.py  hand-off to the province ([office.connector]: drop folder or address)
  addresses.py  the table of old -> current commune names for card addresses
  catalogue.py  the procedure catalogue and its review_before date
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TextIO

from kiosk.config import Settings
from kiosk.doctor.addresses import check_addresses
from kiosk.doctor.base import FAIL, PASS, SKIP, WARN, Context, Result, Status, brief
from kiosk.doctor.catalogue import check_catalogue
from kiosk.doctor.connector import check_connector
from kiosk.doctor.devices import SAMPLE_SCAN, SERIAL_MODE_FIX, check_printer, check_scanner, describe_scan
from kiosk.doctor.host import (DISK_FAIL, DISK_WARN, check_config, check_disk, check_display, check_service,
                               check_state, disk_verdict)
from kiosk.doctor.office import CLOCK_FAIL, CLOCK_WARN, check_local_clock, check_office, clock_result
from kiosk.doctor.qr import check_public_url
from kiosk.doctor.speech import check_speech, check_voice
from kiosk.doctor.storage import check_database, database_url

__all__ = [
    "PASS", "WARN", "FAIL", "SKIP", "Status", "Result", "Context", "CHECKS", "HANG_FIX",
    "run_check", "run_checks", "default_timeouts", "summary", "main",
    "check_config", "check_display", "check_state", "check_disk", "disk_verdict", "check_database",
    "database_url", "check_service", "check_printer", "check_scanner", "describe_scan", "check_office",
    "check_local_clock", "clock_result", "check_speech", "check_voice",
    "DISK_WARN", "DISK_FAIL", "CLOCK_WARN", "CLOCK_FAIL", "SAMPLE_SCAN", "SERIAL_MODE_FIX",
]

# What to do when a check does not finish in time.
HANG_FIX = {
    "config": "the config file could not be read in time: is its disk or network share hanging?",
    "display": "reading /dev/dri or /sys hung: reboot the Pi",
    "state": "the state folder is on a hanging disk: check the SD card or USB drive (dmesg)",
    "disk": "the state folder is on a hanging disk: check the SD card or USB drive (dmesg)",
    "database": "the database did not answer: check that PostgreSQL is running, or that no other "
                "program holds the SQLite file locked",
    "printer": "the printer connection hangs: switch the printer off and on and check its cable or network",
    "scanner": "the scanner connection hangs: unplug the scanner, plug it back in and run doctor again",
    "office": "the office service did not answer in time: check the network and that `kiosk serve` runs",
    "service": "systemctl hung: is systemd healthy? (sudo systemctl daemon-reexec)",
    "speech": "espeak-ng hung: reinstall it (sudo apt install --reinstall espeak-ng)",
    "qr": "[office] public_url did not answer in time: check the address and the network",
    "voice": "the voice engine hung: reinstall it, or set [audio] engine = \"none\"",
    "connector": "the hand-off target hangs: check the province's address or the drop folder's share",
    "address": "reading the address table hung: check the state folder's disk",
    "catalogue": "reading the catalogue hung: check the SD card or USB drive of the state folder (dmesg)",
}

CheckFn = Callable[[Context], "Result | list[Result]"]

CHECKS: tuple[tuple[str, CheckFn], ...] = (
    ("config", check_config),
    ("display", check_display),
    ("state", check_state),
    ("disk", check_disk),
    ("database", check_database),
    ("service", check_service),
    ("printer", check_printer),
    ("scanner", check_scanner),
    ("office", check_office),
    ("qr", check_public_url),
    ("speech", check_speech),
    ("voice", check_voice),
    ("connector", check_connector),
    ("address", check_addresses),
    ("catalogue", check_catalogue),
)


def default_timeouts(ctx: Context) -> dict[str, float]:
    office = ctx.settings.office.timeout * 2 + 5 + (30 if ctx.embedded else 0)
    return {"config": 5, "display": 5, "state": 15, "disk": 5, "database": 20, "service": 10,
            "printer": 60 if ctx.test_print else 30, "scanner": max(ctx.scan_wait, 0) + 10,
            "office": office, "qr": ctx.settings.office.timeout + 5, "speech": 30, "voice": 30,
            "connector": ctx.settings.office.connector.timeout + 5, "address": 10, "catalogue": 15}


def run_check(name: str, fn: CheckFn, ctx: Context, timeout: float) -> list[Result]:
    """Run one check on its own thread; a check that hangs is a FAIL, not a hung doctor."""
    box: list[list[Result]] = []

    def target() -> None:
        try:
            got = fn(ctx)
            box.append(got if isinstance(got, list) else [got])
        except Exception as exc:  # a bug in a check must not hide the other checks
            logging.getLogger(__name__).debug("check %s failed", name, exc_info=True)
            box.append([Result(FAIL, name, f"the check itself failed ({brief(exc)})",
                               "run `kiosk -v doctor` and report the output")])

    t = threading.Thread(target=target, name=f"doctor-{name}", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive() or not box:
        return [Result(FAIL, name, f"no answer within {timeout:g} s", HANG_FIX.get(name, ""))]
    return box[0]


def run_checks(settings: Settings, *, test_print: bool = False, scan_wait: float = 5.0,
               out: TextIO | None = None, env: Mapping[str, str] | None = None,
               timeouts: Mapping[str, float] | None = None, only: tuple[str, ...] | None = None,
               colour: bool = False) -> list[Result]:
    """Run the checks in order, printing each line to OUT as it is known; returns all results."""
    ctx = Context(settings, test_print=test_print, scan_wait=scan_wait, out=out or sys.stdout,
                  env=os.environ if env is None else env)
    limits = {**default_timeouts(ctx), **(timeouts or {})}
    results: list[Result] = []
    for name, fn in CHECKS:
        if only is not None and name not in only:
            continue
        for r in run_check(name, fn, ctx, limits[name]):
            results.append(r)
            with ctx._lock:
                print(r.line(colour), file=ctx.out, flush=True)
    return results


def summary(results: list[Result]) -> str:
    failed = [r.name for r in results if r.status == FAIL]
    warned = sum(r.status == WARN for r in results)
    if failed:
        return f"doctor: {len(failed)} FAILED ({', '.join(failed)}), {warned} warning(s)"
    return f"doctor: all checks passed, {warned} warning(s)"


def _use_colour(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def main(settings: Settings, *, test_print: bool, scan_wait: float, out: TextIO | None = None,
         timeouts: Mapping[str, float] | None = None) -> int:
    out = out or sys.stdout
    root = logging.getLogger()
    level = root.level
    if level > logging.DEBUG:  # the report is the output; device and server logs only with -v
        root.setLevel(logging.ERROR)
    try:
        results = run_checks(settings, test_print=test_print, scan_wait=scan_wait, out=out,
                             timeouts=timeouts, colour=_use_colour(out))
    finally:
        root.setLevel(level)
    print(summary(results), file=out, flush=True)
    return 1 if any(r.status == FAIL for r in results) else 0
