"""scripts/_common.sh ensure_venv: install what is missing, nothing more. scripts/demo.sh right
after scripts/test.sh must not install again: a venv installed with [test] holds the base install.

Run in a throwaway folder whose .venv/bin/python is a stand-in that records the pip calls.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COMMON = REPO / "scripts" / "_common.sh"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/pip-calls"\n')
    python.chmod(0o755)
    return tmp_path


def ensure_venv(checkout: Path, extra: str = "") -> list[str]:
    """Run ensure_venv EXTRA in checkout; the pip calls it made."""
    calls = checkout / "pip-calls"
    calls.unlink(missing_ok=True)
    proc = subprocess.run(["bash", "-c", f'set -euo pipefail; . "{COMMON}"; ensure_venv {extra}'],
                          cwd=checkout, capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PYTHON": sys.executable})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return calls.read_text().splitlines() if calls.exists() else []


def test_first_run_installs_and_the_second_does_not(checkout):
    calls = ensure_venv(checkout, "test")
    assert any(c.endswith("install -q -e .[test]") for c in calls), calls
    assert ensure_venv(checkout, "test") == []


def test_demo_after_test_installs_nothing(checkout):
    ensure_venv(checkout, "test")  # scripts/test.sh
    assert ensure_venv(checkout) == []  # scripts/demo.sh: the base install is already there


def test_test_after_demo_installs_the_test_extra(checkout):
    ensure_venv(checkout)  # scripts/demo.sh
    calls = ensure_venv(checkout, "test")
    assert any(c.endswith("install -q -e .[test]") for c in calls), calls


def test_a_changed_pyproject_installs_again(checkout):
    ensure_venv(checkout, "test")
    earlier = time.time() - 60
    os.utime(checkout / ".venv" / ".installed-test", (earlier, earlier))  # pyproject.toml edited since
    calls = ensure_venv(checkout)
    assert any(c.endswith("install -q -e .") for c in calls), calls
    assert ensure_venv(checkout) == []
