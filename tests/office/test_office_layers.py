"""The office's layers import downwards only: storage knows no operation, operations know no HTTP."""

import ast
from pathlib import Path

import pytest

OFFICE = Path(__file__).resolve().parents[2] / "kiosk" / "office"

# layer -> office modules it must not import (prefixes of kiosk.office.*)
FORBIDDEN = {
    "storage": ("kiosk.office.operations", "kiosk.office.api", "kiosk.office.web", "kiosk.office.service",
                "kiosk.office.app"),
    "operations": ("kiosk.office.api", "kiosk.office.web", "kiosk.office.service", "kiosk.office.app"),
}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(layer):
    files = sorted((OFFICE / layer).rglob("*.py"))
    assert files
    wrong = [f"{p.relative_to(OFFICE)} imports {name}" for p in files for name in sorted(imports_of(p))
             if name.startswith(FORBIDDEN[layer])]
    assert wrong == []


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
