"""One error hierarchy in the office: kiosk/office/errors.py. (The office's import layers are an
import-linter contract in .importlinter, checked by tests/architecture/test_layers.py.)"""

import ast
from pathlib import Path

OFFICE = Path(__file__).resolve().parents[2] / "kiosk" / "office"


def test_no_office_error_class_outside_errors_py():
    """One error hierarchy: kiosk/office/errors.py (the API maps it to JSON in api/errors.py)."""
    defined = []
    for p in sorted(OFFICE.rglob("*.py")):
        if p.name == "errors.py" and p.parent == OFFICE:
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in node.bases):
                defined.append(f"{p.relative_to(OFFICE)}: {node.name}")
    assert defined == []
