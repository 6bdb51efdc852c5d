"""`kiosk doctor`: one line per check, and for each failure the fix in one sentence.

    PASS  config    /etc/kiosk/kiosk.toml (kiosk kiosk-1, ward BT)
    FAIL  printer   usb:0x0416:0x5011: USB printer 0416:5011 not found ... — check the USB cable ...

Checks: config, display, state folder, free disk, database, printer (status, optional test
print), scanner (waits for one scan and shows it masked), office service (reachable, API key,
clock) and spoken calls. Each check runs on its own thread with its own time limit, so a hung
printer or a silent server cannot hang the doctor. Exit code 0 when nothing FAILs, 1 otherwise.

Nothing here imports Kivy: the doctor must not take the screen from a running kiosk.
"""

from __future__ import annotations

import datetime as dt
import glob
import grp
import logging
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kiosk import __version__
from kiosk.config import Settings

PASS, WARN, FAIL, SKIP = "PASS", "WARN", "FAIL", "SKIP"

DISK_WARN = 1024**3  # bytes free in the state folder
DISK_FAIL = 100 * 1024**2
CLOCK_WARN = 60.0  # seconds between this kiosk's clock and the office's
CLOCK_FAIL = 300.0  # ticket times and appointment dates visibly wrong

# A made-up card (the demo's), for the hint printed with a simulated scanner.
SAMPLE_SCAN = "001190012345||Nguyễn Văn An|01011950|Nam|Phường Bến Thành, TP. Hồ Chí Minh|15082021"

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
}


@dataclass(frozen=True)
class Result:
    status: str  # PASS | WARN | FAIL | SKIP
    name: str
    found: str
    fix: str = ""

    def line(self, colour: bool = False) -> str:
        status = self.status
        if colour:
            code = {PASS: "32", WARN: "33", FAIL: "31;1", SKIP: "2"}[status]
            status = f"\033[{code}m{status}\033[0m"
        text = f"{status}  {self.name:<8}  {_one_line(self.found)}"
        if self.fix and self.status in (FAIL, WARN):
            text += f" — {_one_line(self.fix)}"
        return text


@dataclass
class Context:
    """What every check may read; `facts` carries device status to the office heartbeat."""

    settings: Settings
    test_print: bool = False
    scan_wait: float = 5.0
    out: TextIO = field(default_factory=lambda: sys.stdout)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    facts: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, name: str, text: str) -> None:
        """A prompt while a check waits (e.g. 'scan a card now'); not a result line."""
        with self._lock:
            print(f"....  {name:<8}  {text}", file=self.out, flush=True)

    @property
    def state_dir(self) -> Path:
        return self.settings.kiosk.state_path()

    @property
    def embedded(self) -> bool:
        return self.settings.office.url == "embedded"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _brief(exc: BaseException, limit: int = 160) -> str:
    return _one_line(f"{type(exc).__name__}: {exc}")[:limit]


def _tidy(detail: str, limit: int = 70) -> str:
    """A device's status detail, minus advice the fix repeats and with its raw error cut short."""
    head, sep, raw = _one_line(detail).partition(" (")
    head = re.sub(r": check (the cable and the power|that it is on and on the network)$", "", head)
    if not sep:
        return head
    raw = re.sub(r"^(Device not found \()+", "", raw).rstrip(")")
    return f"{head} ({raw[:limit]}…)" if len(raw) > limit else f"{head} ({raw})"


_NET_REASONS = ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
                "No route to host", "Network is unreachable", "timed out", "Connection reset")


def _net_reason(exc: BaseException) -> str:
    text = str(exc)
    for reason in _NET_REASONS:
        if reason in text:
            return reason.lower() if reason != "Connection refused" else "connection refused"
    return _brief(exc, 100)


# --------------------------------------------------------------------------------------------
# config

def check_config(ctx: Context) -> Result:
    s = ctx.settings
    what = f"kiosk {s.kiosk.id}, ward {s.ward.office_code}, office {s.office.url}"
    if not s.source:
        return Result(WARN, "config", f"no config file: built-in demo defaults ({what})",
                      "pass --config /etc/kiosk/kiosk.toml, or on the Pi run `sudo kiosk doctor`")
    try:
        mode = os.stat(s.source).st_mode
    except OSError:
        mode = 0
    if mode & 0o004:
        return Result(WARN, "config", f"{s.source} ({what}) is readable by every user and holds the API key",
                      f"sudo chmod 640 {s.source}")
    return Result(PASS, "config", f"{s.source} ({what})")


# --------------------------------------------------------------------------------------------
# display (never opens a window: a running kiosk keeps its screen)

def check_display(ctx: Context, *, dev: str = "/dev", sys_drm: str = "/sys/class/drm",
                  model_file: str = "/proc/device-tree/model") -> Result:
    env = ctx.env
    driver, window = env.get("SDL_VIDEODRIVER", ""), env.get("KIVY_WINDOW", "")
    shown = f"SDL_VIDEODRIVER={driver or '(unset)'} KIVY_WINDOW={window or '(unset)'}"
    try:
        model = Path(model_file).read_text(errors="replace").strip("\0\n ")
    except OSError:
        model = ""
    is_pi = "Raspberry Pi" in model
    desktop = env.get("WAYLAND_DISPLAY") or env.get("DISPLAY")
    via_service = "run `sudo kiosk doctor`, which uses kiosk.service's settings (SDL_VIDEODRIVER=kmsdrm)"

    if driver == "offscreen":
        return Result(WARN, "display", f"{shown}: `kiosk run` would draw to an invisible window (tests only)",
                      f"unset SDL_VIDEODRIVER; on the Pi {via_service}")
    if driver == "kmsdrm" or (is_pi and not driver and not desktop):
        return _check_drm(ctx, shown, dev, sys_drm, model, window, driver)
    if is_pi:
        return Result(WARN, "display", f"{shown} on {model}: the kiosk service draws with kmsdrm, not this",
                      via_service)
    if desktop or driver in ("x11", "wayland"):
        where = f"WAYLAND_DISPLAY={env['WAYLAND_DISPLAY']}" if env.get("WAYLAND_DISPLAY") else \
            f"DISPLAY={env['DISPLAY']}" if env.get("DISPLAY") else shown
        return Result(PASS, "display", f"desktop session ({where}): `kiosk run` opens a window there")
    return Result(WARN, "display", f"no display here ({shown}, no DISPLAY): `kiosk run` would draw "
                  "to an invisible window", f"on the Pi {via_service}")


def _check_drm(ctx: Context, shown: str, dev: str, sys_drm: str, model: str, window: str,
               driver: str) -> Result:
    cards = sorted(glob.glob(os.path.join(dev, "dri", "card*")))
    renders = sorted(glob.glob(os.path.join(dev, "dri", "renderD*")))
    if not cards:
        return Result(FAIL, "display", f"{shown}: no {dev}/dri/card* (the KMS graphics driver is not loaded)",
                      "put dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt and reboot")
    user = _user_name()
    denied = [p for p in cards + renders if not os.access(p, os.R_OK | os.W_OK)]
    if denied:
        return Result(FAIL, "display", f"{shown}: {', '.join(denied)} not accessible to user {user}",
                      f"sudo usermod -aG video,render {user} (kiosk.service adds these groups itself: "
                      "run `sudo kiosk doctor`)")
    notes: list[str] = []
    status = PASS
    fix = ""
    groups = _group_names()
    missing = [g for g in ("video", "render") if g not in groups]
    if missing and os.geteuid() != 0:
        notes.append(f"user {user} not in group {', '.join(missing)}")
    connected = _connected_screens(sys_drm)
    index = ctx.env.get("SDL_KMSDRM_DEVICE_INDEX", "0")
    if os.path.isdir(sys_drm):
        if not connected:
            status, fix = WARN, "plug in the screen (HDMI or DSI ribbon) and check its power"
            notes.append("no screen connected on any HDMI/DSI port")
        else:
            notes.append("screen on " + ", ".join(f"{c}-{p}" for c, p in connected))
            on_cards = {c for c, _ in connected}
            if f"card{index}" not in on_cards:
                want = sorted(on_cards)[0].removeprefix("card")
                status = WARN
                fix = f"set SDL_KMSDRM_DEVICE_INDEX={want} in /etc/kiosk/kiosk.env (a Pi 5 shows on card{want})"
                notes.append(f"but SDL uses card{index}")
    if window not in ("", "sdl2"):
        status, fix = WARN, "set KIVY_WINDOW=sdl2 (kiosk.service does), so a missing screen fails loudly"
    if not driver:
        status, fix = WARN, "run `sudo kiosk doctor`, which sets SDL_VIDEODRIVER=kmsdrm as kiosk.service does"
    where = f" on {model}" if model else ""
    found = f"{shown}{where}; {', '.join(os.path.basename(c) for c in cards)} accessible"
    if notes:
        found += "; " + "; ".join(notes)
    return Result(status, "display", found, fix)


def _connected_screens(sys_drm: str) -> list[tuple[str, str]]:
    """[(card1, HDMI-A-1), ...] for connectors whose status file says 'connected'."""
    found = []
    for status in sorted(glob.glob(os.path.join(sys_drm, "card*-*", "status"))):
        try:
            if Path(status).read_text().strip() == "connected":
                card, _, port = os.path.basename(os.path.dirname(status)).partition("-")
                found.append((card, port))
        except OSError:
            continue
    return found


def _user_name() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _group_names() -> set[str]:
    names = set()
    for gid in set(os.getgroups()) | {os.getegid()}:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            pass
    return names


# --------------------------------------------------------------------------------------------
# state folder, disk, database

def check_state(ctx: Context) -> Result:
    folder = ctx.state_dir
    fix = (f"make the folder the kiosk's own: sudo mkdir -p {folder} && sudo chown -R kiosk:kiosk {folder}"
           " (or set [kiosk] state_dir)")
    probe = folder / f".doctor-probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"motcua-kiosk doctor\n")
            os.fsync(fd)  # a full or read-only card fails here, not at the first ticket
        finally:
            os.close(fd)
        probe.unlink()
    except OSError as exc:
        return Result(FAIL, "state", f"state folder {folder} not writable ({_brief(exc)})", fix)
    return Result(PASS, "state", f"state folder {folder} writable")


def disk_verdict(free: int) -> str:
    return FAIL if free < DISK_FAIL else WARN if free < DISK_WARN else PASS


def check_disk(ctx: Context) -> Result:
    folder = ctx.state_dir
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return Result(FAIL, "disk", f"cannot read free space of {folder} ({_brief(exc)})",
                      "check that the SD card or drive is mounted (df -h)")
    status = disk_verdict(usage.free)
    found = f"{_size(usage.free)} free of {_size(usage.total)} in {probe}"
    fix = ("free space: sudo journalctl --vacuum-size=100M; sudo apt clean; delete old ticket previews in "
           f"{folder / 'previews'}")
    if status == FAIL:
        found += " (under 100 MB: the database and ticket outbox may fail to save)"
    elif status == WARN:
        found += " (under 1 GB)"
    return Result(status, "disk", found, fix)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"  # pragma: no cover


def database_url(settings: Settings) -> str:
    from kiosk.office.settings import sqlite_url

    return settings.office.database or sqlite_url(settings.kiosk.state_path() / "office.db")


def check_database(ctx: Context) -> Result:
    if not ctx.embedded:
        return Result(SKIP, "database", f"kept by the office service at {ctx.settings.office.url}")
    from sqlalchemy.engine import make_url

    url = database_url(ctx.settings)
    try:
        u = make_url(url)
    except Exception as exc:
        return Result(FAIL, "database", f"[office] database is not a database URL ({_brief(exc)})",
                      "write e.g. postgresql+psycopg://kiosk:PASSWORD@127.0.0.1/kiosk, or leave it empty "
                      "for SQLite in the state folder")
    shown = u.render_as_string(hide_password=True)
    if u.get_backend_name() == "sqlite":
        return _check_sqlite(Path(u.database or ""), shown)
    return _check_server_db(url, shown)


def _check_sqlite(path: Path, shown: str) -> Result:
    fix = f"the kiosk user must own the folder and the file: sudo chown -R kiosk:kiosk {path.parent}"
    if not path.parent.is_dir():
        return Result(FAIL, "database", f"{shown}: folder {path.parent} does not exist", fix)
    existed = path.exists()
    try:
        con = sqlite3.connect(path, timeout=5, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")  # takes the write lock: needs the file and its folder writable
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc):
            fix = "another program holds the database locked for more than 5 s: restart the kiosk (sudo systemctl restart kiosk)"
        return Result(FAIL, "database", f"{shown} not writable ({_brief(exc)})", fix)
    size = _size(path.stat().st_size) if existed else "new, created now"
    return Result(PASS, "database", f"{shown} ({size}) writable")


def _check_server_db(url: str, shown: str) -> Result:
    from sqlalchemy import create_engine

    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=False)
    try:
        with engine.connect() as con:
            trans = con.begin()
            try:  # a temporary table, rolled back: nothing of the office's data is touched
                read_only = con.exec_driver_sql("SHOW transaction_read_only").scalar() if \
                    url.startswith("postgresql") else "off"
                if read_only != "on":
                    con.exec_driver_sql("CREATE TEMPORARY TABLE doctor_probe (x integer)")
                    con.exec_driver_sql("INSERT INTO doctor_probe VALUES (1)")
            finally:
                trans.rollback()
    except Exception as exc:
        return Result(FAIL, "database", f"{shown}: cannot connect or write ({_brief(exc, 200)})",
                      "check that the database server runs and the user and password in [office] database "
                      "are right (psql with the same URL)")
    finally:
        engine.dispose()
    if read_only == "on":
        return Result(FAIL, "database", f"{shown} is read-only (a standby server?)",
                      "point [office] database at the primary server")
    return Result(PASS, "database", f"{shown} reachable and writable")


# --------------------------------------------------------------------------------------------
# the kiosk service (it shares the printer and scanner with the doctor)

def check_service(ctx: Context) -> Result:
    systemctl = shutil.which("systemctl", path=ctx.env.get("PATH", os.defpath))
    if not systemctl:
        return Result(SKIP, "service", "no systemd here")
    try:
        r = subprocess.run([systemctl, "is-active", "kiosk.service"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError) as exc:
        return Result(SKIP, "service", f"systemctl did not answer ({_brief(exc)})")
    state = r.stdout.strip()
    stop = "sudo systemctl stop kiosk, run doctor, then sudo systemctl start kiosk"
    if state in ("active", "activating", "reloading", "deactivating"):
        return Result(WARN, "service", f"kiosk.service is {state}: it shares the printer and scanner with doctor "
                      "(a test scan may go to the kiosk instead)", stop)
    if state == "failed":
        return Result(WARN, "service", "kiosk.service has failed (stopped after repeated crashes)",
                      "see why with `journalctl -u kiosk -b`, fix it, then sudo systemctl restart kiosk")
    if state == "inactive":
        return Result(PASS, "service", "kiosk.service is not running: doctor has the devices to itself")
    return Result(SKIP, "service", "systemd is not running here")


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
        return f"{path} cannot be opened for writing ({_brief(exc)})"
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
                fix = (f"sudo usermod -aG lp {_user_name()} and install the udev rule (scripts/install-pi.sh); "
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


def describe_scan(text: str) -> tuple[str, str, str]:
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
            ctx.facts["scanner"] = {"online": False, "detail": f"{path} not found"}
            return Result(FAIL, "scanner", f"{spec}: {path} not found",
                          "plug the scanner in and check `ls -l /dev/serial/by-id/`; " + SERIAL_MODE_FIX)
        if not os.access(path, os.R_OK | os.W_OK):
            return Result(FAIL, "scanner", f"{spec}: {path} not accessible to user {_user_name()}",
                          f"sudo usermod -aG dialout {_user_name()} (kiosk.service adds it: run `sudo kiosk doctor`)")

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
        return Result(FAIL, "scanner", f"{spec}: cannot open ({_brief(exc)})", SERIAL_MODE_FIX)
    scanner.start()
    try:
        if not connected.wait(3.0):
            ctx.facts["scanner"] = {"online": False, "detail": last_state["detail"][:300]}
            return Result(FAIL, "scanner", f"{spec}: cannot open {path} ({last_state['detail']})",
                          f"check the cable; the user must be in group dialout; {SERIAL_MODE_FIX}")
        ctx.facts["scanner"] = {"online": True, "detail": f"{scanner.kind} connected"}
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


# --------------------------------------------------------------------------------------------
# office service and clock

def check_office(ctx: Context) -> list[Result]:
    if ctx.embedded:
        return _check_embedded_office(ctx) + [check_local_clock(ctx)]
    return _check_remote_office(ctx, ctx.settings.office.url)


def _check_embedded_office(ctx: Context) -> list[Result]:
    from kiosk.office.embedded import start_embedded

    try:
        office = start_embedded(ctx.settings, database_url=ctx.settings.office.database or None, demo=False)
    except Exception as exc:
        return [Result(FAIL, "office", f"embedded office service did not start ({_brief(exc, 200)})",
                       "see the database line above; details with `kiosk -v doctor` or `journalctl -u kiosk -b`")]
    try:
        results = _check_remote_office(ctx, office.url, embedded=True)
    finally:
        office.stop()
    return [r for r in results if r.name == "office"]


def _check_remote_office(ctx: Context, url: str, *, embedded: bool = False) -> list[Result]:
    import requests

    s = ctx.settings
    timeout = s.office.timeout
    where = f"embedded office service (on {url} for this check)" if embedded else url
    no_clock = Result(SKIP, "clock", "not compared: the office service did not answer")
    try:
        t0 = time.time()
        r = requests.get(f"{url}/api/health", timeout=timeout)
        t1 = time.time()
    except requests.exceptions.SSLError as exc:
        return [Result(FAIL, "office", f"{url}: TLS certificate not accepted ({_brief(exc)})",
                       "check the server's certificate and that [office] url uses the right name"), no_clock]
    except requests.exceptions.Timeout:
        return [Result(FAIL, "office", f"{url} did not answer within {timeout:g} s",
                       "check the network cable or Wi-Fi and that the office server is on; raise [office] timeout "
                       "on a slow network"), no_clock]
    except requests.exceptions.RequestException as exc:
        return [Result(FAIL, "office", f"{url} not reachable ({_net_reason(exc)})",
                       "check that `kiosk serve` runs on the office server, the network, and [office] url"),
                no_clock]
    try:
        health = r.json()
        server_time = _parse_time(health["server_time"])
    except (ValueError, KeyError, TypeError):
        return [Result(FAIL, "office", f"{url}/api/health answered HTTP {r.status_code} without the service's "
                       "health data", "check [office] url: it must be the motcua-kiosk office service "
                       "(e.g. http://192.168.1.10:8080)"), no_clock]
    if r.status_code != 200 or not health.get("ok"):
        return [Result(FAIL, "office", f"{url}/api/health answered HTTP {r.status_code}",
                       "the office service cannot read its database: check it with `kiosk doctor` on the server"),
                no_clock]
    elapsed_ms = (t1 - t0) * 1000
    office = _check_key(ctx, url, where, elapsed_ms)
    skew = (server_time - dt.datetime.fromtimestamp((t0 + t1) / 2, dt.timezone.utc)).total_seconds()
    return [office, clock_result(skew, health.get("timezone"), s.ward.timezone)]


def _check_key(ctx: Context, url: str, where: str, elapsed_ms: float) -> Result:
    import requests

    s = ctx.settings
    body: dict[str, Any] = {"version": __version__}
    for device in ("printer", "scanner"):
        if device in ctx.facts:
            body[device] = ctx.facts[device]
    try:
        r = requests.post(f"{url}/api/kiosks/{s.kiosk.id}/heartbeat", json=body, timeout=s.office.timeout,
                          headers={"Authorization": f"Bearer {s.kiosk.api_key}"})
    except requests.exceptions.RequestException as exc:
        return Result(FAIL, "office", f"{where} answered health but not the heartbeat ({_brief(exc)})",
                      "check the network; raise [office] timeout on a slow network")
    reached = f"{where} answers ({elapsed_ms:.0f} ms)"
    if r.status_code == 200:
        return Result(PASS, "office", f"{reached}; API key of kiosk {s.kiosk.id} accepted")
    error = _error_field(r)
    if r.status_code == 401:
        return Result(FAIL, "office", f"{reached}; API key of kiosk {s.kiosk.id} NOT accepted ({error})",
                      "set [kiosk] api_key to the key the office administrator created for this kiosk")
    if r.status_code == 403:
        return Result(FAIL, "office", f"{reached}; the API key belongs to another kiosk ({error})",
                      "set [kiosk] id to the kiosk this key was made for, or ask the administrator for this "
                      "kiosk's key")
    return Result(FAIL, "office", f"{reached}; heartbeat refused with HTTP {r.status_code} ({error})",
                  "check that kiosk and office service run the same version (sudo scripts/install-pi.sh)")


def _error_field(r: Any) -> str:
    try:
        data = r.json()
    except ValueError:
        return f"HTTP {r.status_code}"
    err = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(err, dict):
        return _one_line(err.get("message") or err.get("code") or err)[:120]
    return _one_line(err)[:120]


def _parse_time(value: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def clock_result(skew: float, office_tz: str | None, ward_tz: str) -> Result:
    """Compare the office's clock with ours; skew > 0: the office is ahead."""
    direction = "ahead of" if skew > 0 else "behind"
    found = f"office clock {abs(skew):.0f} s {direction} this kiosk"
    if abs(skew) < 1:
        found = "office clock and this kiosk agree (within 1 s)"
    fix = ("set the clocks right: `timedatectl status` on this kiosk and on the office server, then "
           "`sudo timedatectl set-ntp true` (the Pi has no battery clock and needs network time)")
    if abs(skew) > CLOCK_FAIL:
        return Result(FAIL, "clock", found + "; ticket times and appointment dates would be wrong", fix)
    if abs(skew) > CLOCK_WARN:
        return Result(WARN, "clock", found, fix)
    if office_tz and office_tz != ward_tz:
        return Result(WARN, "clock", f"{found}; the office uses time zone {office_tz}, this kiosk {ward_tz}",
                      f"set [ward] timezone = \"{office_tz}\" on the kiosk (or fix it on the office server)")
    return Result(PASS, "clock", found)


def check_local_clock(ctx: Context) -> Result:
    """The embedded office uses this machine's clock: is it plausible and synchronised?"""
    now = dt.datetime.now(dt.timezone.utc)
    fix = ("connect the kiosk to the network so it gets the time (sudo timedatectl set-ntp true), or set it: "
           "sudo timedatectl set-time 'YYYY-MM-DD HH:MM:SS'")
    if now.year < 2025:
        return Result(FAIL, "clock", f"this machine's clock says {now:%Y-%m-%d %H:%M} UTC", fix)
    try:
        r = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                           capture_output=True, text=True, timeout=5)
        synced = r.stdout.strip() if r.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        synced = ""
    shown = f"{now:%Y-%m-%d %H:%M} UTC"
    if synced == "yes":
        return Result(PASS, "clock", f"{shown}, synchronised with network time")
    if synced == "no":
        return Result(WARN, "clock", f"{shown}, NOT synchronised with network time", fix)
    return Result(SKIP, "clock", f"{shown}; cannot tell whether it is synchronised (no timedatectl answer)")


# --------------------------------------------------------------------------------------------
# speech

def check_speech(ctx: Context) -> Result:
    if not ctx.embedded:
        return Result(SKIP, "speech", f"calls are spoken by the office service at {ctx.settings.office.url}; "
                      "run `kiosk doctor` there")
    from kiosk.office.speech import Speaker

    path_env = ctx.env.get("PATH", os.defpath)
    espeak = shutil.which("espeak-ng", path=path_env)
    if not espeak:
        return Result(WARN, "speech", "espeak-ng not installed: the lobby board plays a chime without the voice",
                      "sudo apt install espeak-ng")
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-speech-") as tmp:
        wav = Speaker(tmp, espeak=espeak).speech_wav("Mời công dân có số thứ tự A, 0 0 1, đến quầy số 1")
        if wav is None:
            return Result(WARN, "speech", f"{espeak} could not speak Vietnamese: the board plays a chime only",
                          "sudo apt install --reinstall espeak-ng espeak-ng-data (it brings the voice vi)")
        size = wav.stat().st_size
    return Result(PASS, "speech", f"espeak-ng speaks Vietnamese (voice vi, {_size(size)} test call)")


# --------------------------------------------------------------------------------------------
# running them

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
    ("speech", check_speech),
)


def default_timeouts(ctx: Context) -> dict[str, float]:
    office = ctx.settings.office.timeout * 2 + 5 + (30 if ctx.embedded else 0)
    return {"config": 5, "display": 5, "state": 15, "disk": 5, "database": 20, "service": 10,
            "printer": 60 if ctx.test_print else 30, "scanner": max(ctx.scan_wait, 0) + 10,
            "office": office, "speech": 30}


def run_check(name: str, fn: CheckFn, ctx: Context, timeout: float) -> list[Result]:
    """Run one check on its own thread; a check that hangs is a FAIL, not a hung doctor."""
    box: list[list[Result]] = []

    def target() -> None:
        try:
            got = fn(ctx)
            box.append(got if isinstance(got, list) else [got])
        except Exception as exc:  # a bug in a check must not hide the other checks
            logging.getLogger(__name__).debug("check %s failed", name, exc_info=True)
            box.append([Result(FAIL, name, f"the check itself failed ({_brief(exc)})",
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
