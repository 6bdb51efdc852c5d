"""scripts/install-pi.sh, run for real into a throwaway root (--root) and as a dry run.

Under --root the script writes files, creates the user with `useradd --root` and enables the
unit with `systemctl --root`, all inside the temporary folder; apt-get, pip, udevadm and
daemon-reload are only printed. The source is a small snapshot of the repository, so other
work in progress cannot change between two runs.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "install-pi.sh"
SHIPPED = ["kiosk.service", "kiosk.example.toml", "deploy/99-motcua-kiosk.rules", "deploy/kiosk.env",
           "deploy/kiosk-cli.sh", "pyproject.toml", "scripts/install-pi.sh", "kiosk/__init__.py"]
STEPS = ["== Debian packages", "== system user kiosk", "== program files in /opt/motcua-kiosk/src",
         "== Python environment /opt/motcua-kiosk/venv", "== command /usr/local/bin/kiosk",
         "== configuration in /etc/kiosk",
         "== udev rules", "== systemd unit kiosk.service"]

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="useradd --root needs root")


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


@pytest.fixture
def source(tmp_path) -> Path:
    src = tmp_path / "src"
    for rel in SHIPPED:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, src / rel)
    return src


@pytest.fixture
def target(tmp_path) -> Path:
    """A bare Raspberry Pi OS root: users and groups, and getty on tty1 enabled."""
    root = tmp_path / "root"
    etc = root / "etc"
    etc.mkdir(parents=True)
    (etc / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\n")
    (etc / "group").write_text("root:x:0:\nlp:x:7:\ndialout:x:20:pi\nvideo:x:44:pi\ninput:x:105:pi\n"
                               "render:x:106:pi\naudio:x:29:pi\npi:x:1000:\n")
    (etc / "shadow").write_text("")
    (etc / "gshadow").write_text("")
    units = root / "lib/systemd/system"
    units.mkdir(parents=True)
    (units / "getty@.service").write_text(
        "[Unit]\nDescription=Getty on %I\n[Service]\nExecStart=/sbin/agetty %I\n"
        "[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n")
    wants = etc / "systemd/system/getty.target.wants"
    wants.mkdir(parents=True)
    (wants / "getty@tty1.service").symlink_to("/lib/systemd/system/getty@.service")
    return root


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under ROOT with its kind, mode, mtime and content."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        body = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else None
        out[str(p.relative_to(root))] = (st.st_mode, st.st_mtime_ns, body)
    return out


def group_members(root: Path, group: str) -> list[str]:
    for line in (root / "etc/group").read_text().splitlines():
        name, _, _, members = line.split(":")
        if name == group:
            return [m for m in members.split(",") if m]
    raise AssertionError(f"no group {group}")


@needs_root
def test_dry_run_names_every_step_and_touches_nothing(source, target):
    before = snapshot(target)
    out = run("--dry-run", "--root", str(target), "--source", str(source)).stdout

    for step in STEPS:
        assert step in out
    for action in ("would create user kiosk", "would copy", "would create " + str(target / "etc/kiosk/kiosk.toml"),
                   "would create " + str(target / "etc/udev/rules.d/99-motcua-kiosk.rules"),
                   "would create " + str(target / "etc/systemd/system/kiosk.service"),
                   "would enable kiosk.service", "would disable getty@tty1.service"):
        assert action in out
    assert "Nothing was changed" in out
    assert snapshot(target) == before


def test_dry_run_on_this_machine_changes_nothing():
    watched = [Path("/etc/kiosk"), Path("/opt/motcua-kiosk"), Path("/etc/udev/rules.d/99-motcua-kiosk.rules"),
               Path("/etc/systemd/system/kiosk.service")]
    if any(p.exists() for p in watched):
        pytest.skip("motcua-kiosk is installed on this machine")
    out = run("--dry-run").stdout
    for step in STEPS:
        assert step in out
    assert "Nothing was changed" in out
    assert not any(p.exists() for p in watched)


@needs_root
def test_install_into_a_root_then_a_second_run_changes_nothing(source, target):
    first = run("--root", str(target), "--source", str(source)).stdout

    unit = target / "etc/systemd/system/kiosk.service"
    assert unit.read_bytes() == (REPO / "kiosk.service").read_bytes()
    wanted_by = target / "etc/systemd/system/multi-user.target.wants/kiosk.service"
    assert os.readlink(wanted_by) == "/etc/systemd/system/kiosk.service"
    assert not (target / "etc/systemd/system/getty.target.wants/getty@tty1.service").exists()

    assert (target / "etc/kiosk/kiosk.toml").read_bytes() == (source / "kiosk.example.toml").read_bytes()
    assert oct((target / "etc/kiosk/kiosk.toml").stat().st_mode & 0o777) == "0o640"
    assert (target / "etc/kiosk/kiosk.env").read_bytes() == (source / "deploy/kiosk.env").read_bytes()
    assert (target / "etc/udev/rules.d/99-motcua-kiosk.rules").read_bytes() == \
        (source / "deploy/99-motcua-kiosk.rules").read_bytes()
    assert (target / "opt/motcua-kiosk/src/kiosk/__init__.py").read_bytes() == \
        (source / "kiosk/__init__.py").read_bytes()
    assert os.access(target / "opt/motcua-kiosk/src/scripts/install-pi.sh", os.X_OK)
    assert os.access(target / "usr/local/bin/kiosk", os.X_OK)

    passwd = (target / "etc/passwd").read_text()
    assert "\nkiosk:x:" in passwd and ":/var/lib/motcua-kiosk:/usr/sbin/nologin" in passwd
    for group in ("video", "render", "input", "dialout", "lp", "audio"):
        assert "kiosk" in group_members(target, group)
    # What needs the live system is shown, not done.
    assert "skipped (--root): install Debian packages" in first
    assert "skipped (--root): pip install" in first
    assert "$ systemctl daemon-reload" in first
    assert not (target / "opt/motcua-kiosk/venv").exists()

    before = snapshot(target)
    second = run("--root", str(target), "--source", str(source)).stdout
    assert "Done: 0 changed" in second
    assert "   changed:" not in second
    assert "udevadm" not in second and "daemon-reload" not in second  # nothing to reload
    assert snapshot(target) == before


@needs_root
def test_an_existing_config_is_never_overwritten(source, target):
    mine = '[ward]\nname = "UBND phường Tân Định"\n'
    config = target / "etc/kiosk/kiosk.toml"
    config.parent.mkdir(parents=True)
    config.write_text(mine, encoding="utf-8")

    out = run("--root", str(target), "--source", str(source)).stdout
    assert "kiosk.toml exists (kept as it is, never overwritten)" in out
    assert config.read_text(encoding="utf-8") == mine

    (source / "kiosk.example.toml").write_text("# a newer example\n")
    run("--root", str(target), "--source", str(source))
    assert config.read_text(encoding="utf-8") == mine


@needs_root
def test_an_update_replaces_changed_files_and_removes_stale_ones(source, target):
    run("--root", str(target), "--source", str(source))
    installed = target / "opt/motcua-kiosk/src"
    stale = installed / "kiosk/old_module.py"
    stale.write_text("# from an older release\n")
    (source / "kiosk/__init__.py").write_text('__version__ = "9.9.9"\n')
    (source / "kiosk.service").write_text((REPO / "kiosk.service").read_text().replace("RestartSec=2", "RestartSec=3"))

    out = run("--root", str(target), "--source", str(source)).stdout
    assert "copy 2 files" in out and "remove 1 stale" in out  # __init__.py and kiosk.service
    assert (installed / "kiosk/__init__.py").read_text() == '__version__ = "9.9.9"\n'
    assert not stale.exists()
    assert "RestartSec=3" in (target / "etc/systemd/system/kiosk.service").read_text()
    assert "$ systemctl daemon-reload" in out
    assert "Done: 0 changed" in run("--root", str(target), "--source", str(source)).stdout


@needs_root
def test_an_existing_user_gets_the_missing_groups(source, target):
    etc = target / "etc"
    with (etc / "passwd").open("a") as f:
        f.write("kiosk:x:998:998::/var/lib/motcua-kiosk:/usr/sbin/nologin\n")
    with (etc / "group").open("a") as f:
        f.write("kiosk:x:998:\n")

    out = run("--root", str(target), "--source", str(source)).stdout
    assert "user kiosk exists" in out
    assert "add kiosk to video render input dialout lp audio" in out
    for group in ("video", "render", "input", "dialout", "lp", "audio"):
        assert "kiosk" in group_members(target, group)
    assert "pi" in group_members(target, "video")  # other members stay


def test_bad_arguments_get_a_clear_answer(tmp_path):
    proc = run("--frobnicate", check=False)
    assert proc.returncode == 2
    assert "unknown option: --frobnicate" in proc.stderr and "Usage:" in proc.stderr

    proc = run("--dry-run", "--source", str(tmp_path), check=False)
    assert proc.returncode == 1
    assert "kiosk.service is missing: is --source a motcua-kiosk checkout?" in proc.stderr


@needs_root
@pytest.mark.skipif(not (shutil.which("udevadm") and shutil.which("unshare")), reason="needs udevadm and unshare")
def test_the_udev_rules_parse_without_complaint(tmp_path):
    """udev's own parser reads the rules (and a broken copy, to show it would complain).

    `udevadm test` creates device links, so it runs in a private mount namespace with its own
    empty /dev and /run: nothing on this machine changes.
    """
    rules = REPO / "deploy/99-motcua-kiosk.rules"
    broken = tmp_path / "98-broken.rules"
    broken.write_text(rules.read_text().replace("SYMLINK+=", "SYMLNK+=", 1))
    script = (
        "mount -t tmpfs none /run && mount -t tmpfs none /dev && mkdir -p /run/udev/rules.d && "
        f"cp {shlex.quote(str(rules))} {shlex.quote(str(broken))} /run/udev/rules.d/ && "
        "udevadm test --action=add /sys/class/tty/tty0"
    )
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=60)
    if "Operation not permitted" in proc.stderr and "mount" in proc.stderr:
        pytest.skip("cannot make a private mount namespace here")
    log = proc.stdout + proc.stderr
    assert "Reading rules file: /run/udev/rules.d/99-motcua-kiosk.rules" in log
    assert "/run/udev/rules.d/98-broken.rules:" in log  # the parser does speak up
    complaints = [line for line in log.splitlines() if line.startswith("/run/udev/rules.d/99-motcua-kiosk.rules:")]
    assert complaints == []


@needs_root
@pytest.mark.skipif(not shutil.which("runuser"), reason="needs runuser")
def test_the_kiosk_command_runs_like_the_service(tmp_path):
    """/usr/local/bin/kiosk: as the service user, with the service's config, state and env file.

    Run for real through runuser, with `nobody` standing in for the kiosk user and a small
    program standing in for the installed `kiosk`, which reports what it was given.
    """
    import json
    import tempfile

    place = Path(tempfile.mkdtemp(prefix="kiosk-cli-"))
    try:
        place.chmod(0o755)
        fake = place / "kiosk"
        fake.write_text("#!/usr/bin/python3\nimport json, os, sys\n"
                        "print(json.dumps({'argv': sys.argv[1:], 'uid': os.getuid(), 'env': dict(os.environ)}))\n")
        fake.chmod(0o755)
        env_file = place / "kiosk.env"
        env_file.write_text("# Pi 5\nSDL_KMSDRM_DEVICE_INDEX=1\n")
        wrapper = place / "kiosk-cli.sh"
        wrapper.write_text((REPO / "deploy/kiosk-cli.sh").read_text()
                           .replace("runuser -u kiosk", "runuser -u nobody")
                           .replace("/opt/motcua-kiosk/venv/bin/kiosk", str(fake))
                           .replace("/etc/kiosk/kiosk.env", str(env_file)))
        clean = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}  # what sudo leaves
        proc = subprocess.run(["sh", str(wrapper), "doctor", "--scan-wait", "3"],
                              capture_output=True, text=True, timeout=60, env=clean)
        assert proc.returncode == 0, proc.stderr
        seen = json.loads(proc.stdout)
    finally:
        shutil.rmtree(place)
    assert seen["argv"] == ["--config", "/etc/kiosk/kiosk.toml", "doctor", "--scan-wait", "3"]
    assert seen["uid"] != 0
    env = seen["env"]
    assert env["STATE_DIRECTORY"] == "/var/lib/motcua-kiosk"
    assert env["KIVY_HOME"] == "/var/lib/motcua-kiosk/kivy"
    assert env["SDL_VIDEODRIVER"] == "kmsdrm" and env["KIVY_WINDOW"] == "sdl2"
    assert env["SDL_KMSDRM_DEVICE_INDEX"] == "1"
