"""Addresses after the July 2025 reform: which card addresses are written the old way, and the
current commune-level name an old ward or commune now has.

ID cards issued before 1 July 2025 print four-level addresses ("12 Lê Lợi, Phường Bến Thành,
Quận 1, TP. Hồ Chí Minh"); districts are gone since then and many wards were merged. `check`
reads an address as cards and people write it (abbreviations "P." "Q.1" "TP.HCM", no commas,
no diacritics, capitals, NFD) and answers:

  current   no district named: written the new way (the citizen confirms it)
  renamed   the old unit went whole into one new unit: the address to propose
  split     the old unit was divided: the new units it went to (the street decides)
  outdated  names a district, but the table does not know the commune

The table (assets/data/address_changes.json, format in assets/data/SOURCES-addresses.md) holds
old -> new commune-level names for one province, each with its source. An installer may put the
province's full list at <state folder>/address_changes.json: `table_path` prefers it, and
`validate` (run by `kiosk doctor`) checks either file. Plain Python: stdlib only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kiosk.paths import DATA

FILE_NAME = "address_changes.json"
BUNDLED = DATA / FILE_NAME

# Words that open a part of an address, folded (no diacritics, lower case) -> its level and kind.
_COMMUNE = {"phuong": "phường", "p": "phường", "xa": "xã", "x": "xã", "thi tran": "thị trấn", "tt": "thị trấn",
            "dac khu": "đặc khu"}
_DISTRICT = {"quan": "quận", "q": "quận", "huyen": "huyện", "h": "huyện", "thi xa": "thị xã", "tx": "thị xã",
             "thanh pho": "thành phố", "tp": "thành phố"}
_PROVINCE = {"tinh": "tỉnh", "t": "tỉnh"}
_MARKERS = {**{k: ("commune", v) for k, v in _COMMUNE.items()},
            **{k: ("district", v) for k, v in _DISTRICT.items()},
            **{k: ("province", v) for k, v in _PROVINCE.items()}}
# Markers too common as ordinary syllables ("Xa lộ", "Hẻm", "Quan Hoa") to open a part in the
# middle of a run of words unless written with a dot or with their diacritics.
_WEAK_MID = {"p", "x", "h", "t", "q", "xa", "quan", "tt", "tx", "tp"}
_TOKEN = re.compile(r"\w+|[,;\n]|\.|[-–—/]")


def fold(text: str) -> str:
    """'Phường Bến Thành' -> 'phuong ben thanh': lower case, no diacritics, đ -> d, one space."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").casefold()
    words = re.findall(r"[^\W_]+", text)
    # "Phường 01" is "Phường 1"
    return " ".join(w.lstrip("0") or "0" if w.isascii() and w.isdigit() else w for w in words)


@dataclass(frozen=True)
class Part:
    level: str  # street | commune | district | province
    kind: str  # "phường", "quận", ... ("" when the address wrote no word for it)
    name: str  # as written (original spelling)
    start: int  # character offsets in the address (start: of its marker word, if any)
    end: int

    @property
    def key(self) -> str:
        return fold(self.name)


def split(address: str) -> list[Part]:
    """The address's parts in order. Commas separate parts; without commas, a part starts at a
    marker word ('Phường', 'P.', 'Q.1', 'TP.HCM'). The first run with no marker is the street."""
    text = unicodedata.normalize("NFC", address)
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    parts: list[Part] = []
    cur: dict | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None and cur["words"]:
            ws = cur["words"]
            start = cur.get("start", ws[0][1])
            if cur["level"] in ("commune", "district") and ws[0][0].isascii() and ws[0][0].isdigit() \
                    and len(ws) > 1:
                # "Quan 1 Ho Chi Minh" (no commas): a numbered unit ends at its number
                parts.append(Part(cur["level"], cur["kind"], ws[0][0], start, ws[0][2]))
                ws = ws[1:]
                parts.append(Part("unmarked", "", text[ws[0][1]:ws[-1][2]], ws[0][1], ws[-1][2]))
            else:
                parts.append(Part(cur["level"], cur["kind"], text[ws[0][1]:ws[-1][2]], start, ws[-1][2]))
        cur = None

    i = 0
    at_start = True  # at the start of a comma-separated part
    while i < len(tokens):
        tok, s, e = tokens[i]
        if tok in ",;\n":
            close()
            at_start = True
            i += 1
            continue
        if not re.fullmatch(r"\w+", tok):
            i += 1
            continue
        marker = _marker_at(tokens, i, text, at_start)
        if marker is not None:
            (level, kind), width, rest = marker
            close()
            cur = {"level": level, "kind": kind, "words": [], "start": s}
            if rest is not None:  # "Q1": the number glued to the marker
                cur["words"].append(rest)
            i += width
            at_start = False
            continue
        if _is_province_alias(tokens, i) and (cur is None or cur["level"] != "province" or not cur["words"]):
            close()
            cur = {"level": "province", "kind": "", "words": []}
        if cur is None:
            cur = {"level": "street" if not parts else "unmarked", "kind": "", "words": []}
        cur["words"].append((tok, s, e))
        at_start = False
        i += 1
    close()
    return parts


def _marker_at(tokens: list, i: int, text: str, at_start: bool):
    """((level, kind), tokens used, glued rest) when a marker word starts at token i."""
    tok, s, e = tokens[i]
    low = fold(tok)
    glued = re.fullmatch(r"(q|p|quan|phuong)([0-9]+)", low)
    if glued:
        word = glued.group(1)
        digits = tok[len(tok) - len(glued.group(2)):]
        return _MARKERS[word], 1, (digits, e - len(digits), e)
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    two = f"{low} {fold(nxt[0])}" if nxt is not None and re.fullmatch(r"\w+", nxt[0]) else None
    if two in _MARKERS:
        following = tokens[i + 2] if i + 2 < len(tokens) else None
        if following is None or not re.fullmatch(r"\w+", following[0]):
            return None  # "thị xã" / "thành phố" with no name after it is a name, not a marker
        return _MARKERS[two], 2, None
    if low not in _MARKERS or (low == "xa" and two == "xa lo"):  # "Xa lộ Hà Nội" is a road
        return None
    if nxt is None or nxt[0] in ",;\n":
        return None  # a marker needs a name after it
    dotted = nxt[0] == "."
    if dotted:
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if after is None or not re.fullmatch(r"\w+", after[0]):
            return None
    accented = tok != fold(tok) and not tok.isascii()  # "Quận", "Xã": not a plain syllable
    if low in _WEAK_MID and not (dotted or accented or at_start or nxt[0][:1] in "0123456789"):
        return None  # "Quan 1" and "P 5" mid-run are markers; "Quan Hoa", "h", "xa" are not
    return _MARKERS[low], 2 if dotted else 1, None


# Ways of writing Hồ Chí Minh City without a marker word ("TP.HCM" is TP + HCM).
_HCM_ALIASES = {"hcm", "tphcm", "sai gon"}


def _is_province_alias(tokens: list, i: int) -> bool:
    return fold(tokens[i][0]) in ("hcm", "tphcm")


# -- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    new: str  # "Phường Bến Thành"
    whole: bool
    source: str  # the source's title


@dataclass(frozen=True)
class Table:
    province: str
    province_keys: frozenset[str]  # folded names and aliases of the table's province, old and new
    old_units: dict = field(default_factory=dict)  # (commune key, district key) -> tuple[Destination]
    provinces: dict = field(default_factory=dict)  # folded old province name -> (new name, source title)


def table_path(state_dir: str | Path | None = None) -> Path:
    """The province's own list in the state folder when an installer put one there, else the
    bundled one."""
    if state_dir:
        local = Path(state_dir) / FILE_NAME
        if local.is_file():
            return local
    return BUNDLED


def _province_key(name: str) -> str:
    key = fold(name)
    for prefix in ("thanh pho ", "tinh ", "tp "):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _unit_key(name: str) -> str:
    """'Phường Bến Thành' -> 'ben thanh'; 'Quận 1' -> '1' (kinds differ in how people write them)."""
    parts = split(name)
    return parts[0].key if parts else fold(name)


def validate(raw: object) -> list[str]:
    """Problems of a table file's content, one sentence each (empty when it is usable)."""
    if not isinstance(raw, dict):
        return ["the file is not a JSON object"]
    problems = []
    sources = raw.get("sources")
    if not isinstance(sources, dict) or not sources:
        problems.append("'sources' must map source ids to {title, date}")
        sources = {}
    for sid, src in sources.items():
        if not isinstance(src, dict) or not str(src.get("title", "")).strip():
            problems.append(f"source {sid!r} has no title")
        elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(src.get("date", ""))):
            problems.append(f"source {sid!r} has no date (YYYY-MM-DD)")
    if not isinstance(raw.get("province"), str) or not raw["province"].strip():
        problems.append("'province' must name the province")

    def text_ok(value: object, where: str) -> None:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: a name is missing")
        elif unicodedata.normalize("NFC", value) != value:
            problems.append(f"{where}: {value!r} is not NFC")

    text_ok(raw.get("province"), "province")
    for n, p in enumerate(raw.get("provinces") or []):
        where = f"provinces[{n}]"
        if not isinstance(p, dict):
            problems.append(f"{where}: not an object")
            continue
        text_ok(p.get("new"), where)
        olds = p.get("old")
        if not isinstance(olds, list) or not olds:
            problems.append(f"{where}: 'old' must list the provinces merged")
        for o in olds or []:
            text_ok(o, where)
        if p.get("source") not in sources:
            problems.append(f"{where}: source {p.get('source')!r} is not in 'sources'")
    communes = raw.get("communes")
    if not isinstance(communes, list) or not communes:
        problems.append("'communes' must list the new communes")
        communes = []
    seen_new = set()
    for n, c in enumerate(communes):
        where = f"communes[{n}]"
        if not isinstance(c, dict):
            problems.append(f"{where}: not an object")
            continue
        text_ok(c.get("new"), where)
        if isinstance(c.get("new"), str):
            if not split(c["new"]) or split(c["new"])[0].level != "commune":
                problems.append(f"{where}: {c['new']!r} must start with Phường, Xã, Thị trấn or Đặc khu")
            if fold(c["new"]) in seen_new:
                problems.append(f"{where}: {c['new']!r} is listed twice")
            seen_new.add(fold(c["new"]))
        if c.get("source") not in sources:
            problems.append(f"{where}: source {c.get('source')!r} is not in 'sources'")
        froms = c.get("from")
        if not isinstance(froms, list) or not froms:
            problems.append(f"{where}: 'from' must list the old units")
            continue
        for m, f in enumerate(froms):
            fw = f"{where}.from[{m}]"
            if not isinstance(f, dict):
                problems.append(f"{fw}: not an object")
                continue
            text_ok(f.get("old"), fw)
            text_ok(f.get("district"), fw)
            if not isinstance(f.get("whole"), bool):
                problems.append(f"{fw}: 'whole' must be true or false")
    if not problems:
        # an old unit that went whole somewhere cannot also have gone (in part) elsewhere
        table = _build(raw)
        for (unit, district), dests in table.old_units.items():
            if len(dests) > 1 and any(d.whole for d in dests):
                problems.append(f"old unit {unit!r} of {district!r} is marked whole but listed under "
                                f"{len(dests)} new units")
            if len(dests) == 1 and not dests[0].whole:
                problems.append(f"old unit {unit!r} of {district!r} is only in part in {dests[0].new!r}: "
                                "where did the rest go?")
    return problems


def _build(raw: dict) -> Table:
    sources = {sid: s["title"] for sid, s in raw["sources"].items()}
    olds: dict = {}
    for c in raw["communes"]:
        for f in c["from"]:
            key = (_unit_key(f["old"]), _unit_key(f["district"]))
            olds.setdefault(key, []).append(Destination(c["new"], f["whole"], sources[c["source"]]))
    provinces = {}
    keys = {_province_key(raw["province"])} | {_province_key(a) for a in raw.get("province_aliases", [])}
    for p in raw.get("provinces") or []:
        for o in p["old"]:
            provinces[_province_key(o)] = (p["new"], sources[p["source"]])
        if _province_key(p["new"]) == _province_key(raw["province"]):
            keys |= {_province_key(o) for o in p["old"]}
    keys |= _HCM_ALIASES if "ho chi minh" in keys else set()
    return Table(raw["province"], frozenset(keys), {k: tuple(v) for k, v in olds.items()}, provinces)


class TableError(ValueError):
    """The table file cannot be used; the message lists its problems."""


def load(path: str | Path | None = None) -> Table:
    """Read and check a table file (the bundled one by default); read again when it changed
    (an installer's `kiosk addresses import` reaches a running kiosk)."""
    path = Path(path) if path else BUNDLED
    return _load(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> Table:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    problems = validate(raw)
    if problems:
        raise TableError("; ".join(problems[:5]))
    return _build(raw)


# -- checking an address -------------------------------------------------------------------------


def _known_provinces(table: Table) -> set[str]:
    from kiosk.domain.cccd import provinces  # the 63 names before the 2025 mergers

    return {_province_key(n) for n in provinces().values()} | set(table.provinces) | set(table.province_keys)


def _as_province(part: Part, known: set[str]) -> Part:
    """'TP. Hồ Chí Minh', 'Thành phố Hà Nội', 'Hồ Chí Minh': a province, not a district's city.
    known: _known_provinces(table), built once per address."""
    if part.level in ("district", "unmarked") and part.kind in ("thành phố", "") \
            and _province_key(part.name) in known:
        return Part("province", part.kind, part.name, part.start, part.end)
    return part


@dataclass(frozen=True)
class AddressCheck:
    address: str  # as on the card
    status: str  # current | renamed | split | outdated
    proposal: str = ""  # for "renamed": the address with the current names
    new_units: tuple[str, ...] = ()  # "renamed": one; "split": the candidates
    old_unit: str = ""  # "Phường Bến Thành, Quận 1" as written
    province_now: str = ""  # a merged province's current name, when the address names an old one
    source: str = ""


def check(address: str, table: Table | None = None) -> AddressCheck:
    """What the kiosk can say about an address from an ID card (see the module's docstring)."""
    table = table or load()
    address = " ".join(unicodedata.normalize("NFC", address).split())
    parts = split(address)
    known = _known_provinces(table)
    # "TP. Bắc Ninh, Bắc Ninh": a city named as its province is the district when a province follows
    parts = [p if any(q.level == "province" or _province_key(q.name) in known for q in parts[i + 1:])
             else _as_province(p, known) for i, p in enumerate(parts)]
    commune = next((p for p in parts if p.level == "commune"), None)
    district = next((p for p in parts if p.level == "district"), None)
    province = next((p for p in reversed(parts) if p.level == "province"), None)
    if province is None and parts and parts[-1].level == "unmarked":
        province = parts[-1]  # "…, Quận 1, Hồ Chí Minh": the last unmarked part is the province
    if commune is None and district is not None:
        # "Bến Thành, Quận 1": the unmarked part just before the district is the commune
        before = [p for p in parts if p.end <= district.start and p.level in ("unmarked", "street")]
        if before and (len(before) > 1 or before[-1].level == "unmarked"):
            commune = before[-1]
    province_now, province_source = "", ""
    if province is not None:
        merged = table.provinces.get(_province_key(province.name))
        if merged and _province_key(merged[0]) != _province_key(province.name):
            province_now, province_source = merged
    if district is None or (district.kind == "thành phố" and province is None and commune is None):
        return AddressCheck(address, "current", province_now=province_now, source=province_source)
    if commune is None:
        return AddressCheck(address, "outdated", province_now=province_now, source=province_source)
    old_unit = address[commune.start:district.end]
    in_province = province is None or _province_key(province.name) in table.province_keys
    dests = table.old_units.get((commune.key, district.key)) if in_province else None
    if not dests:
        return AddressCheck(address, "outdated", old_unit=old_unit, province_now=province_now,
                            source=province_source)
    if len(dests) == 1 and dests[0].whole:
        new = dests[0].new
        street = address[:commune.start].rstrip(" ,;-") if commune.start > 0 else ""
        proposal = ", ".join(p for p in (street, new, table.province) if p)
        return AddressCheck(address, "renamed", proposal, (new,), old_unit, source=dests[0].source)
    return AddressCheck(address, "split", "", tuple(d.new for d in dests), old_unit, source=dests[0].source)
