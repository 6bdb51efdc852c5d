"""The Shell port: what flows may ask of the UI. The App and the recording double of tests/flows
must both implement all of it. (The flows' import rules are import-linter contracts in
.importlinter, checked by tests/architecture/test_layers.py.)"""

import ast

from kiosk.paths import ROOT


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
