"""The doctor's checks of the machine (kiosk.doctor.host): display, config, disk, the kiosk service."""

from pathlib import Path

import pytest

from kiosk.config import load
from kiosk.doctor import FAIL, PASS, WARN, host
from test_doctor import ctx_with


def fake_drm(tmp_path: Path, cards=("card0", "card1"), connected=("card1-HDMI-A-1",)):
    dev, drm = tmp_path / "dev", tmp_path / "drm"
    (dev / "dri").mkdir(parents=True)
    for c in cards:
        (dev / "dri" / c).write_bytes(b"")
    (dev / "dri" / "renderD128").write_bytes(b"")
    for conn in ("card0-Unknown-1", "card1-HDMI-A-1", "card1-HDMI-A-2"):
        (drm / conn).mkdir(parents=True)
        (drm / conn / "status").write_text("connected\n" if conn in connected else "disconnected\n")
    model = tmp_path / "model"
    model.write_text("Raspberry Pi 5 Model B Rev 1.0\0")
    return dict(dev=str(dev), sys_drm=str(drm), model_file=str(model))


def test_display_without_drm_devices_fails(tmp_path):
    paths = fake_drm(tmp_path, cards=())
    r = host.check_display(ctx_with({"SDL_VIDEODRIVER": "kmsdrm", "KIVY_WINDOW": "sdl2"}), **paths)
    assert r.status == FAIL and "dri/card*" in r.found and "dtoverlay=vc4-kms-v3d" in r.fix


def test_display_on_a_pi5_second_card_needs_the_device_index(tmp_path):
    paths = fake_drm(tmp_path)
    env = {"SDL_VIDEODRIVER": "kmsdrm", "KIVY_WINDOW": "sdl2"}
    r = host.check_display(ctx_with(env), **paths)
    assert r.status == WARN and "screen on card1-HDMI-A-1" in r.found
    assert "SDL_KMSDRM_DEVICE_INDEX=1" in r.fix and "/etc/kiosk/kiosk.env" in r.fix

    r = host.check_display(ctx_with({**env, "SDL_KMSDRM_DEVICE_INDEX": "1"}), **paths)
    assert r.status == PASS and "Raspberry Pi 5" in r.found and "card0, card1 accessible" in r.found


def test_display_with_no_screen_plugged_in(tmp_path):
    paths = fake_drm(tmp_path, connected=())
    r = host.check_display(ctx_with({"SDL_VIDEODRIVER": "kmsdrm", "KIVY_WINDOW": "sdl2"}), **paths)
    assert r.status == WARN and "no screen connected" in r.found


def test_display_on_a_pi_without_the_service_environment(tmp_path):
    paths = fake_drm(tmp_path, cards=("card0",), connected=("card0-Unknown-1",))
    r = host.check_display(ctx_with({}), **paths)
    assert r.status == WARN and "SDL_VIDEODRIVER=(unset)" in r.found and "sudo kiosk doctor" in r.fix


def test_display_offscreen_and_desktop(tmp_path):
    none = dict(dev=str(tmp_path), sys_drm=str(tmp_path / "none"), model_file=str(tmp_path / "none"))
    r = host.check_display(ctx_with({"SDL_VIDEODRIVER": "offscreen"}), **none)
    assert r.status == WARN and "invisible window" in r.found
    r = host.check_display(ctx_with({"DISPLAY": ":0"}), **none)
    assert r.status == PASS and "DISPLAY=:0" in r.found


def test_disk_thresholds():
    assert host.disk_verdict(50 * 1024**2) == FAIL
    assert host.disk_verdict(500 * 1024**2) == WARN
    assert host.disk_verdict(5 * 1024**3) == PASS


def test_config_warnings(tmp_path):
    assert host.check_config(ctx_with({})).status == WARN  # no file: demo defaults
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\napi_key = "secret"\n')
    path.chmod(0o644)
    r = host.check_config(ctx_with({}, load(path)))
    assert r.status == WARN and f"sudo chmod 640 {path}" == r.fix
    path.chmod(0o640)
    assert host.check_config(ctx_with({}, load(path))).status == PASS


@pytest.mark.parametrize("answer, status, words", [
    ("active", WARN, "shares the printer and scanner"),
    ("failed", WARN, "has failed"),
    ("inactive", PASS, "not running"),
])
def test_a_running_kiosk_service_is_named(tmp_path, answer, status, words):
    fake = tmp_path / "systemctl"  # the edge of the world: no systemd in the test machine
    fake.write_text(f"#!/bin/sh\n[ \"$1 $2\" = 'is-active kiosk.service' ] && echo {answer}\n")
    fake.chmod(0o755)
    r = host.check_service(ctx_with({"PATH": str(tmp_path)}))
    assert r.status == status and words in r.found
    if answer == "active":
        assert r.fix.startswith("sudo systemctl stop kiosk")
