"""Checks of the machine itself: config, display, state folder, free disk, the kiosk service."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from kiosk.doctor.base import (FAIL, PASS, SKIP, WARN, Context, Result, Status, brief, group_names, size_text,
                               user_name)

DISK_WARN = 1024**3  # bytes free in the state folder
DISK_FAIL = 100 * 1024**2


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
    user = user_name()
    denied = [p for p in cards + renders if not os.access(p, os.R_OK | os.W_OK)]
    if denied:
        return Result(FAIL, "display", f"{shown}: {', '.join(denied)} not accessible to user {user}",
                      f"sudo usermod -aG video,render {user} (kiosk.service adds these groups itself: "
                      "run `sudo kiosk doctor`)")
    notes: list[str] = []
    status: Status = PASS
    fix = ""
    groups = group_names()
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


# --------------------------------------------------------------------------------------------
# state folder and disk

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
        return Result(FAIL, "state", f"state folder {folder} not writable ({brief(exc)})", fix)
    return Result(PASS, "state", f"state folder {folder} writable")


def disk_verdict(free: int) -> Status:
    return FAIL if free < DISK_FAIL else WARN if free < DISK_WARN else PASS


def check_disk(ctx: Context) -> Result:
    folder = ctx.state_dir
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        usage = shutil.disk_usage(probe)
    except OSError as exc:
        return Result(FAIL, "disk", f"cannot read free space of {folder} ({brief(exc)})",
                      "check that the SD card or drive is mounted (df -h)")
    status = disk_verdict(usage.free)
    found = f"{size_text(usage.free)} free of {size_text(usage.total)} in {probe}"
    fix = ("free space: sudo journalctl --vacuum-size=100M; sudo apt clean; delete old ticket previews in "
           f"{folder / 'previews'}")
    if status == FAIL:
        found += " (under 100 MB: the database and ticket outbox may fail to save)"
    elif status == WARN:
        found += " (under 1 GB)"
    return Result(status, "disk", found, fix)


# --------------------------------------------------------------------------------------------
# the kiosk service (it shares the printer and scanner with the doctor)

def check_service(ctx: Context) -> Result:
    systemctl = shutil.which("systemctl", path=ctx.env.get("PATH", os.defpath))
    if not systemctl:
        return Result(SKIP, "service", "no systemd here")
    try:
        r = subprocess.run([systemctl, "is-active", "kiosk.service"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError) as exc:
        return Result(SKIP, "service", f"systemctl did not answer ({brief(exc)})")
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
