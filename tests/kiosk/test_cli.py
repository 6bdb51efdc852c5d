"""The `kiosk` command line as a person types it: the global options (--config, -v) work before
or after the subcommand, as the README, `kiosk doctor` and the systemd unit print them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kiosk.cli import _parser

# every subcommand, with what it needs to get as far as reading the config
COMMANDS = {
    "run": ["run"],
    "demo": ["demo"],
    "serve": ["serve", "--port", "1"],
    "office add-user": ["office", "add-user", "someone"],
    "office purge": ["office", "purge"],
    "doctor": ["doctor"],
    "print-sample": ["print-sample", "--width", "58"],
}


def kiosk(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=env,
                          timeout=60, cwd=cwd)


@pytest.fixture
def bad_config(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[display]\nmaxfsp = 30\n")  # a typo: the key is maxfps
    return path


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("where", ["before", "after"])
def test_config_option_is_read_before_or_after_the_subcommand(bad_config, command, where):
    """A wrong key stops every command with one line naming the file and the key, wherever
    --config stands (so the option was read, not ignored or refused)."""
    config = ["--config", str(bad_config)]
    argv = [*config, *command] if where == "before" else [*command, *config]
    r = kiosk(*argv)
    assert r.returncode == 2, r.stderr
    assert "unrecognized arguments" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(bad_config) in lines[0] and "[display] maxfsp: unknown key" in lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_before_or_after_the_subcommand_shows_debug_lines(tmp_path, where):
    sample = ["print-sample", "--printer", f"file:{tmp_path / 'out.bin'}"]
    quiet = kiosk(*sample, cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert " DEBUG " not in quiet.stderr
    loud = kiosk(*(["-v", *sample] if where == "before" else [*sample, "-v"]), cwd=tmp_path)
    assert loud.returncode == 0, loud.stderr
    assert " DEBUG " in loud.stderr


@pytest.mark.parametrize("argv, config, verbose", [
    (["run"], None, False),
    (["--config", "a.toml", "run"], "a.toml", False),
    (["run", "--config", "a.toml"], "a.toml", False),
    (["-v", "run"], None, True),
    (["run", "-v"], None, True),
    (["--config", "a.toml", "-v", "doctor", "--scan-wait", "1"], "a.toml", True),
    (["doctor", "--scan-wait", "1", "--verbose", "--config", "a.toml"], "a.toml", True),
    (["office", "add-user", "lan", "--role", "admin", "--config", "a.toml", "-v"], "a.toml", True),
    (["office", "--config", "a.toml", "purge", "--days", "30"], "a.toml", False),
    (["--config", "a.toml", "serve", "--port", "9000"], "a.toml", False),
])
def test_parsed_options_are_the_same_in_either_position(argv, config, verbose):
    args = _parser().parse_args(argv)
    assert args.config == config and args.verbose is verbose


def test_an_option_given_before_is_kept_when_the_subcommand_has_none():
    """The subcommand's copy of --config defaults to nothing at all, so it cannot reset the
    value given before it."""
    args = _parser().parse_args(["--config", "x.toml", "-v", "print-sample"])
    assert args.config == "x.toml" and args.verbose is True


def test_subcommand_help_lists_the_global_options():
    r = kiosk("run", "--help")
    assert r.returncode == 0 and "--config PATH" in r.stdout and "--verbose" in r.stdout
