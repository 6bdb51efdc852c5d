"""The flows' import rules, read from their source: no Kivy, no screens, no other flow (the App
hands a flow what it needs of another), and in kiosk/ only app.py, runner.py and kivy_setup.py
may name Kivy."""

import ast
from pathlib import Path

from kiosk.paths import ROOT

FLOWS = ROOT / "kiosk" / "flows"


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_flows_import_no_kivy_no_screens_and_no_other_flow():
    for path in FLOWS.glob("*.py"):
        for name in imported(path):
            assert not name.startswith(("kivy", "screens")), f"{path.name} imports {name}"
            if name.startswith("kiosk.flows."):
                assert name == "kiosk.flows.base", f"{path.name} imports {name}: hand it in through the App"


def test_only_the_app_and_its_starters_import_kivy():
    allowed = {"app.py", "runner.py", "kivy_setup.py"}
    for path in (ROOT / "kiosk").rglob("*.py"):
        if path.name in allowed and path.parent == ROOT / "kiosk":
            continue
        assert not any(n.startswith("kivy") for n in imported(path)), f"{path.relative_to(ROOT)} imports Kivy"


def test_the_app_and_the_test_double_both_implement_the_shell_port(shell):
    from kiosk.flows.base import Shell

    port = {n for n in vars(Shell) if not n.startswith("_")} | set(Shell.__annotations__)
    app_source = ast.parse((ROOT / "kiosk" / "app.py").read_text(encoding="utf-8"))
    kiosk_app = next(n for n in app_source.body if isinstance(n, ast.ClassDef) and n.name == "KioskApp")
    app_members = {n.name for n in kiosk_app.body if isinstance(n, ast.FunctionDef)}
    app_members |= {t.id for n in kiosk_app.body if isinstance(n, ast.Assign) for t in n.targets
                    if isinstance(t, ast.Name)}
    assert port - app_members == set()
    assert port - set(dir(shell)) == set()  # the recording double of tests/flows
