import subprocess
import sys

import pytest

from kiosk import config


def run_cli(*args, env_extra=None, cwd=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=env, timeout=60, cwd=cwd)


def test_empty_file_gives_demo_defaults(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text("")
    s = config.load(f)
    assert s.ward.timezone == "Asia/Ho_Chi_Minh"
    assert s.display.language == "vi" and s.display.maxfps == 30
    assert s.office.url == "embedded" and s.printer.connection == "preview"


@pytest.mark.parametrize(
    "toml, expected",
    [
        ("[display]\nmaxfps = 0\n", "[display] maxfps = 0: Input should be greater than or equal to 1"),
        ("[display]\nlanguage = 'fr'\n", "[display] language = 'fr': Input should be 'vi' or 'en'"),
        ("[display]\nmaxfsp = 30\n", "[display] maxfsp: unknown key; allowed: fullscreen, height"),
        ("[printer]\nconnection = 'lpt1'\n", "[printer] connection = 'lpt1': must start with one of usb, serial"),
        ("[ward]\ntimezone = 'Hanoi'\n", "[ward] timezone = 'Hanoi': must be an IANA time zone"),
        ("[office]\nurl = 'ftp://x'\n", "[office] url = 'ftp://x': must be \"embedded\" or an http(s):// URL"),
        ("[scaner]\nconnection = 'pty'\n", "[scaner]: unknown key; allowed: audio, display, kiosk, office, printer, scanner, ward"),
        ("[audio]\noutput = 'speaker'\n", "[audio] output = 'speaker': must be default, hdmi, jack, none, alsa:DEVICE"),
        ("[audio]\nquiet_hours = '21h-6h'\n", "[audio] quiet_hours = '21h-6h': must be \"HH:MM-HH:MM\""),
        ("[audio]\nengine = 'piper'\n", "[audio]: engine \"piper\" needs piper_model"),
        ("[display]\nidle_countdown = 10\n", "[display] idle_countdown = 10: Input should be greater than or equal to 30"),
        ("[display\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key_and_value(tmp_path, toml, expected):
    f = tmp_path / "k.toml"
    f.write_text(toml)
    with pytest.raises(config.ConfigError) as exc:
        config.load(f)
    assert expected in str(exc.value)
    assert "\n" not in str(exc.value)


def test_cli_prints_one_line_and_exits_2_without_traceback(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text("[display]\nrotation = 45\n")
    r = run_cli("--config", str(f), "run")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "[display] rotation = 45" in lines[0] and "Traceback" not in r.stderr


def test_config_from_environment_variable(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text("[kiosk]\nid = 'bad id with spaces'\n")
    r = run_cli("run", env_extra={"KIOSK_CONFIG": str(f)})
    assert r.returncode == 2 and "[kiosk] id = 'bad id with spaces'" in r.stderr


def test_missing_file_is_one_line(tmp_path):
    r = run_cli("--config", str(tmp_path / "nope.toml"), "run")
    assert r.returncode == 2 and r.stderr.strip() == f"config error: file not found: {tmp_path / 'nope.toml'}"


def test_version():
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("motcua-kiosk ")
