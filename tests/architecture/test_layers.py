"""The layers of the house (README, "Architecture") are import-linter contracts in .importlinter.

The contracts run here on the real tree, and once on a copy with a forbidden import planted, so a
contract that can no longer fail (a renamed package, a typo in a module name) is noticed too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("kiosk", "screens", "devices")


def lint(root: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.fail("import-linter is not installed: it is in the [test] extra of pyproject.toml")
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})


def test_the_tree_keeps_every_layer_contract():
    result = lint(REPO)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize("planted, contract", [
    (("kiosk/domain/cccd.py", "import kivy.clock\n"), "Domain rules are plain Python"),
    (("screens/home.py", "import devices.printer\n"), "Screens touch no device"),
    (("devices/keyboard_wedge.py", "import kiosk.config\n"), "Devices know nothing of the kiosk"),
    (("kiosk/office/errors.py", "import kiosk.slips.ticket\n"), "The office service imports no kiosk UI"),
    (("kiosk/domain/forms.py", "import kiosk.domain.submission\n"), "No import cycles"),
    (("kiosk/flows/lookup.py", "import kiosk.flows.ticket\n"), "No flow imports another flow"),
    (("kiosk/flows/ticket.py", "import kivy.clock\n"), "Only the App, the runner and kivy_setup"),
    (("kiosk/flows/dossier.py", "import kiosk.office.errors\n"), "Flows reach the office only through"),
    (("kiosk/office/storage/db.py", "import kiosk.office.operations.tickets\n"), "Office layers go down"),
    (("kiosk/office/forms/layout.py", "import sqlalchemy\n"), "Office forms only render"),
])
def test_a_planted_forbidden_import_breaks_its_contract(tmp_path, planted, contract):
    for name in PACKAGES:
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    path, line = planted
    target = tmp_path / path
    target.write_text(target.read_text(encoding="utf-8") + "\n" + line, encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(ln.startswith(contract) for ln in broken), result.stdout[-4000:]
