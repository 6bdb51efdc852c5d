"""The device checks: the printer (status, optional test print) and the scanner (one masked test scan)."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

from kiosk.doctor.base import FAIL, PASS, SKIP, WARN, Context, Result, Status, brief, one_line, user_name

# A made-up card (the demo's), for the hint printed with a simulated scanner.
SAMPLE_SCAN = "001190012345||Nguyễn Văn An|01011950|Nam|Phường Bến Thành, TP. Hồ Chí Minh|15082021"


def _tidy(detail: str, limit: int = 70) -> str:
    """A device's status detail, minus advice the fix repeats and with its raw error cut short."""
    head, sep, raw = one_line(detail).partition(" (")
    head = re.sub(r": check (the cable and the power|that it is on and on the network)$", "", head)
    if not sep:
        return head
    raw = re.sub(r"^(Device not found \()+", "", raw).rstrip(")")
    return f"{head} ({raw[:limit]}…)" if len(raw) > limit else f"{head} ({raw})"


# --------------------------------------------------------------------------------------------
# printer

def _printer_fix(spec: str) -> str:
    scheme, _, rest = spec.partition(":")
    path = rest.split("?")[0]
    if scheme == "usb":
        return ("check the USB cable and the power, `lsusb` must list the printer; the udev rule gives "
                "/dev/kiosk-printer (connection = \"file:/dev/kiosk-printer\")")
    if scheme == "network":
        host, port = path.rsplit(":", 1) if path.count(":") == 1 else (path, "9100")
        return f"check that the printer is on and on the network (ping {host}) and listens on port {port}"
    if scheme == "serial":
        return f"check the cable and the device ({path}); the kiosk user must be in group dialout"
    if scheme == "cups":
        return f"check the queue with `lpstat -p {path}`, then `cupsenable {path}`"
    if scheme == "file":
        return (f"check the USB cable and the power, then `ls -l /dev/usb/lp*`; the udev rule gives "
                f"/dev/kiosk-printer; {path} must exist and be writable")
    return "check [printer] connection in the config"


def _file_target(path: str) -> str | None:
    """For file:PATH, why PATH cannot take a print job (None if it can). Never truncates it."""
    p = Path(path)
    if not p.exists():
        if str(p).startswith("/dev/"):
            return f"{path} not found (printer unplugged or switched off?)"
        if not p.parent.is_dir():
            return f"folder {p.parent} does not exist"
        return None  # a plain file the printer connection will create
    try:
        fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY)
        os.close(fd)
    except OSError as exc:
        return f"{path} cannot be opened for writing ({brief(exc)})"
    return None


def check_printer(ctx: Context) -> Result:
    from devices.printer import PrinterSpecError, open_printer

    s = ctx.settings.printer
    spec = s.connection
    try:
        printer = open_printer(spec, paper_width=s.paper_width, profile=s.profile, mode=s.mode,
                               state_dir=ctx.state_dir)
    except PrinterSpecError as exc:
        return Result(FAIL, "printer", str(exc), "fix [printer] in the config (see kiosk.example.toml)")
    if printer.kind == "none":
        return Result(SKIP, "printer", "no printer configured ([printer] connection = none)")
    scheme, _, rest = spec.partition(":")
    if scheme == "file":
        problem = _file_target(rest.split("?")[0])
        if problem:
            ctx.facts["printer"] = {"online": False, "paper": "unknown", "detail": problem}
            fix = _printer_fix(spec)
            if "PermissionError" in problem:
                fix = (f"sudo usermod -aG lp {user_name()} and install the udev rule (scripts/install-pi.sh); "
                       "kiosk.service has group lp: run `sudo kiosk doctor`")
            return Result(FAIL, "printer", f"{spec}: {problem}", fix)
    status = printer.status()
    ctx.facts["printer"] = {"online": status.online, "paper": status.paper, "detail": status.detail[:300]}
    found = f"{spec}: {_tidy(status.detail)}"
    fault = status.fault()
    if fault:
        fix = {"paper_out": f"load a new {s.paper_width} mm paper roll and close the cover",
               "cover_open": "close the printer cover firmly"}.get(fault.kind, _printer_fix(spec))
        return Result(FAIL, "printer", found, fix)
    result = Result(PASS, "printer", found)
    if status.paper == "near_end":
        result = Result(WARN, "printer", found, f"keep a new {s.paper_width} mm roll next to the kiosk")
    elif status.online is None and scheme in ("usb", "serial", "network"):
        result = Result(WARN, "printer", f"{found} (connected, but paper and cover are unknown)",
                        "the printer did not answer the status request: switch it off and on; "
                        "some printers need status replies enabled in their settings")
    if ctx.test_print:
        return _test_print(ctx, printer, result)
    return result


def _test_print(ctx: Context, printer: Any, before: Result) -> Result:
    from kiosk.slips.sample import sample_blocks

    res = printer.print_blocks(sample_blocks(ctx.settings), "doctor-test")
    if not res.ok:
        fix = ("load paper and close the cover" if res.fault.kind in ("paper_out", "cover_open")
               else _printer_fix(ctx.settings.printer.connection))
        return Result(FAIL, "printer", f"{before.found}; test ticket NOT printed: {res.fault.detail}", fix)
    where = f", preview {res.preview_png}" if res.preview_png else ""
    return Result(before.status, "printer", f"{before.found}; test ticket printed ({res.bytes_sent} bytes{where})",
                  before.fix)


# --------------------------------------------------------------------------------------------
# scanner

SERIAL_MODE_FIX = ("set the scanner to USB serial (CDC/COM) mode with the setup barcode in its manual; "
                   "the udev rule gives /dev/kiosk-scanner")


def describe_scan(text: str) -> tuple[Status, str, str]:
    """(status, what was read, fix) for one scanned frame: masked, never a full ID number or name."""
    from kiosk.domain.scan import classify

    r = classify(text)
    if r.kind == "id_card":
        c = r.citizen
        card = f"ID card {c.masked_id()} ({c.card_type})"
        if "text_lost_diacritics" in c.warnings:
            return WARN, f"{card}, but its Vietnamese letters were lost", SERIAL_MODE_FIX
        return PASS, f"{card}, Vietnamese letters intact", ""
    if r.kind == "invalid_id":
        return (WARN, f"a damaged ID card QR ({r.error.code})",
                "scan again holding the card still; if it repeats, check [scanner] terminator and quiet_gap_ms")
    names = {"volunteer": "a volunteer badge", "dossier": "a dossier receipt", "ticket": "a queue ticket"}
    what = names.get(r.kind, f"a QR that is not an ID card ({len(text)} characters)")
    return PASS, f"{what}; scan an ID card to check Vietnamese letters", ""


def check_scanner(ctx: Context) -> Result:
    from devices.scanner import CONNECTED, ScannerSpecError, open_scanner, parse_spec

    s = ctx.settings.scanner
    spec = s.connection
    try:
        scheme, path, _ = parse_spec(spec)
    except ScannerSpecError as exc:
        return Result(FAIL, "scanner", str(exc), "fix [scanner] connection in the config")
    if scheme == "none":
        return Result(SKIP, "scanner", "no scanner configured ([scanner] connection = none)")
    if scheme == "hid":
        return Result(WARN, "scanner", "keyboard mode (hid): it can only be tested in the running kiosk, "
                      "and it loses Vietnamese letters", SERIAL_MODE_FIX + ", then connection = \"serial:/dev/kiosk-scanner\"")
    if path and "://" not in path:
        if not os.path.exists(path):
            ctx.facts["scanner"] = {"state": "disconnected", "kind": scheme, "detail": f"{path} not found"}
            return Result(FAIL, "scanner", f"{spec}: {path} not found",
                          "plug the scanner in and check `ls -l /dev/serial/by-id/`; " + SERIAL_MODE_FIX)
        if not os.access(path, os.R_OK | os.W_OK):
            return Result(FAIL, "scanner", f"{spec}: {path} not accessible to user {user_name()}",
                          f"sudo usermod -aG dialout {user_name()} (kiosk.service adds it: run `sudo kiosk doctor`)")

    frames: list[str] = []
    got = threading.Event()
    connected = threading.Event()
    last_state = {"detail": ""}

    def on_frame(text: str) -> None:
        if not frames:
            frames.append(text)
        got.set()

    def on_state(state: str, detail: str) -> None:
        last_state["detail"] = detail
        if state == CONNECTED:
            connected.set()

    try:
        scanner = open_scanner(spec, terminator=s.terminator, quiet_gap_ms=s.quiet_gap_ms,
                               on_frame=on_frame, on_state=on_state)
    except (ScannerSpecError, OSError) as exc:
        return Result(FAIL, "scanner", f"{spec}: cannot open ({brief(exc)})", SERIAL_MODE_FIX)
    scanner.start()
    try:
        if not connected.wait(3.0):
            ctx.facts["scanner"] = {"state": "disconnected", "kind": scanner.kind, "detail": last_state["detail"][:300]}
            return Result(FAIL, "scanner", f"{spec}: cannot open {path} ({last_state['detail']})",
                          f"check the cable; the user must be in group dialout; {SERIAL_MODE_FIX}")
        ctx.facts["scanner"] = {"state": "connected", "kind": scanner.kind}  # as the kiosk's heartbeat says
        opened = f"simulated scanner (pty) at {scanner.path}" if scheme == "pty" else f"{spec} opened"
        if ctx.scan_wait <= 0:
            return Result(PASS, "scanner", f"{opened}; no test scan (--scan-wait 0)")
        if scheme == "pty":
            ctx.say("scanner", f"write a scan to {scanner.path} within {ctx.scan_wait:g} s, e.g. "
                               f"printf '{SAMPLE_SCAN}\\r' > {scanner.path}")
        else:
            ctx.say("scanner", f"scan the QR on an ID card now (waiting {ctx.scan_wait:g} s)")
        if not got.wait(ctx.scan_wait):
            if scheme == "pty":
                return Result(PASS, "scanner", f"{opened}; nothing written within {ctx.scan_wait:g} s")
            return Result(WARN, "scanner", f"{opened}; nothing scanned within {ctx.scan_wait:g} s",
                          "scan a card while doctor waits (--scan-wait 15 gives more time); if the scanner "
                          "beeps but nothing arrives, " + SERIAL_MODE_FIX)
        time.sleep(s.quiet_gap_ms / 1000)  # a second frame right behind would be a split scan: ignore
        status, what, fix = describe_scan(frames[0])
        return Result(status, "scanner", f"{opened}; read {what}", fix)
    finally:
        scanner.stop()
