"""kiosk.service: checked by systemd's own verifier and by the real `kiosk` command line."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNIT = REPO / "kiosk.service"
ANALYZE = shutil.which("systemd-analyze")


def entries(text: str) -> list[tuple[str, str, str]]:
    """(section, key, value) in file order; systemd allows a key more than once."""
    out, section = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.append((section, key.strip(), value.strip()))
    return out


def values(key: str) -> list[str]:
    return [v for _, k, v in entries(UNIT.read_text()) if k == key]


def one(key: str) -> str:
    found = values(key)
    assert len(found) == 1, f"{key}: {found}"
    return found[0]


def verify(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    """systemd-analyze verify on TEXT, with ExecStart pointed at an executable that exists here."""
    fake = tmp_path / "bin" / "kiosk"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    unit = tmp_path / "kiosk.service"
    unit.write_text(text.replace("/opt/motcua-kiosk/venv/bin/kiosk", str(fake)))
    return subprocess.run([ANALYZE, "verify", str(unit)], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path):
    proc = verify(tmp_path, UNIT.read_text())
    assert proc.returncode == 0, proc.stderr
    # verify only warns (exit 0) about unknown keys or bad values, so silence is the pass mark.
    assert "kiosk.service" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze not installed")
def test_verify_would_catch_a_broken_unit(tmp_path):
    broken = UNIT.read_text().replace("WatchdogSec=30", "WatchdogSec=thirty").replace("TTYReset=", "TTYReste=")
    out = verify(tmp_path, broken).stderr
    assert "Failed to parse sec value" in out
    assert "Unknown key 'TTYReste'" in out


def test_exec_start_is_a_command_line_kiosk_accepts(tmp_path):
    argv = shlex.split(one("ExecStart"))
    assert argv[0] == "/opt/motcua-kiosk/venv/bin/kiosk"
    assert argv[1:] == ["--config", "/etc/kiosk/kiosk.toml", "run"]
    # The real CLI, with a config that is not there: it must get as far as loading it.
    missing = tmp_path / "kiosk.toml"
    args = [str(missing) if a == "/etc/kiosk/kiosk.toml" else a for a in argv[1:]]
    proc = subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 2
    assert f"config error: file not found: {missing}" in proc.stderr


def test_the_watchdog_and_restart_policy():
    assert one("Type") == "notify"
    assert one("NotifyAccess") == "main"
    assert one("WatchdogSec") == "30"
    assert one("Restart") == "always"
    assert int(one("StartLimitBurst")) > 1 and int(one("StartLimitIntervalSec")) > 0
    assert one("KillMode") == "mixed" and one("TimeoutStopSec") == "10"


def test_it_runs_on_tty1_as_the_unprivileged_kiosk_user():
    assert one("User") == "kiosk"
    assert set(one("SupplementaryGroups").split()) >= {"video", "render", "input", "dialout", "lp", "audio"}
    assert "getty@tty1.service" in one("Conflicts").split()
    assert one("TTYPath") == "/dev/tty1"
    assert one("StateDirectory") == "motcua-kiosk"
    env = dict(item.split("=", 1) for line in values("Environment") for item in shlex.split(line))
    assert env["SDL_VIDEODRIVER"] == "kmsdrm" and env["KIVY_WINDOW"] == "sdl2"
    assert env["KIVY_HOME"].startswith("/var/lib/motcua-kiosk/")  # writable: the state directory
    assert env["KIVY_NO_ARGS"] == "1"
    assert one("StandardOutput") == "journal" and one("StandardError") == "journal"


def test_hardening_leaves_the_devices_reachable():
    keys = {k for _, k, _ in entries(UNIT.read_text())}
    assert {"NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"} <= keys
    # Each of these hides /dev/dri, /dev/input, the scanner's tty or the printer.
    assert not keys & {"PrivateDevices", "DeviceAllow", "DevicePolicy", "ProtectClock", "PrivateUsers"}
    assert one("ProtectSystem") != "strict"  # would need ReadWritePaths for every device folder


def test_the_env_file_is_only_comments_and_assignments():
    for line in (REPO / "deploy/kiosk.env").read_text().splitlines():
        assert not line.strip() or line.startswith("#") or (
            "=" in line and line.split("=", 1)[0].isidentifier()), line
