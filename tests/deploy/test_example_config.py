"""kiosk.example.toml: the file an installer edits on the Pi must match kiosk/config.py."""

from __future__ import annotations

import re
import tomllib
import typing
import unicodedata
from pathlib import Path

import annotated_types as at
import pytest

from kiosk.config import Settings, load

EXAMPLE = Path(__file__).resolve().parents[2] / "kiosk.example.toml"
# Keys the example sets on purpose to something other than the default: the Pi's devices.
PI_CHOICES = {("printer", "connection"): "file:/dev/kiosk-printer",
              ("scanner", "connection"): "serial:/dev/kiosk-scanner"}
SECTIONS = [name for name in Settings.model_fields if name != "source"]


def _model(section: str):
    """The model of a table: "office" or a nested one such as "office.connector"."""
    model = Settings
    for part in section.split("."):
        model = model.model_fields[part].annotation
    return model


def _is_table(model, key: str) -> bool:
    return isinstance(model.model_fields[key].annotation, type) and hasattr(model.model_fields[key].annotation,
                                                                            "model_fields")


def _fields(section: str) -> list[tuple[str, str]]:
    model = _model(section)
    out = []
    for key in model.model_fields:
        out += _fields(f"{section}.{key}") if _is_table(model, key) else [(section, key)]
    return out


FIELDS = [f for s in SECTIONS for f in _fields(s)]


def _get(settings, section: str, key: str):
    for part in section.split("."):
        settings = getattr(settings, part)
    return getattr(settings, key)


def _table(data: dict, section: str) -> dict:
    for part in section.split("."):
        data = data.get(part, {})
    return data


def blocks() -> dict[tuple[str, str], str]:
    """For each key: the comment above it (and sibling keys sharing it), up to its own line."""
    out, section, run = {}, "", []
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped:
            run = []
            continue
        if stripped.startswith("["):
            section, run = stripped.strip("[]"), []
            continue
        if stripped.startswith("#") and run and not run[-1].startswith("#"):
            run = []  # a comment after a key starts the next key's block
        run.append(stripped)
        if not stripped.startswith("#"):
            out[(section, stripped.split("=", 1)[0].strip())] = "\n".join(run)
    return out


def test_it_loads_and_equals_the_defaults_except_the_pi_devices():
    example = load(EXAMPLE)
    defaults = Settings()
    for section, key in FIELDS:
        got = _get(example, section, key)
        want = PI_CHOICES.get((section, key), _get(defaults, section, key))
        assert got == want, f"[{section}] {key}"
    for (section, key), value in PI_CHOICES.items():
        assert value != _get(defaults, section, key)


@pytest.mark.parametrize(("section", "key"), FIELDS, ids=[f"{s}.{k}" for s, k in FIELDS])
def test_every_setting_is_in_the_example_with_a_comment(section, key):
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert key in _table(data, section), f"[{section}] {key} is missing from kiosk.example.toml"
    block = blocks()[(section, key)]
    assert block.startswith("#"), f"[{section}] {key} has no comment above it"
    assert ("CHANGED FOR THE PI" in block) == ((section, key) in PI_CHOICES)


@pytest.mark.parametrize(("section", "key"), FIELDS, ids=[f"{s}.{k}" for s, k in FIELDS])
def test_the_comment_names_the_allowed_values(section, key):
    field = _model(section).model_fields[key]
    block = blocks()[(section, key)]
    if typing.get_origin(field.annotation) is typing.Literal:
        for choice in typing.get_args(field.annotation):
            shown = f'"{choice}"' if isinstance(choice, str) else str(choice)
            assert shown in block, f"[{section}] {key}: {shown} not explained"
    bounds = {type(m): m for m in field.metadata}
    low = bounds.get(at.Ge)
    high = bounds.get(at.Le)
    if low and high:
        assert f"{low.ge}-{high.le}" in block, f"[{section}] {key}: range {low.ge}-{high.le} not given"
    elif high:
        assert re.search(rf"\b{high.le:g}\b", block), f"[{section}] {key}: limit {high.le} not given"


def test_no_unknown_keys_and_text_is_nfc():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    data = tomllib.loads(text)
    assert set(data) == set(SECTIONS)
    for section, key in [(s, k) for s, keys in data.items() for k in keys]:
        assert key in _model(section).model_fields, f"[{section}] {key}"
        if _is_table(_model(section), key):
            assert set(data[section][key]) <= set(_model(f"{section}.{key}").model_fields)
