"""The province's full old -> current commune list, from a spreadsheet an installer can make.

Provinces publish the 2025 arrangement as the resolution's Article 1 ("Sắp xếp toàn bộ diện tích
tự nhiên, quy mô dân số của các phường A, B và một phần của phường C thành phường mới có tên gọi
là phường X") and usually as a table; typing that table into JSON by hand is where mistakes
happen. `from_csv` reads a CSV saved from a spreadsheet, one row per old unit in a new one:

    Đơn vị mới,Đơn vị cũ,Quận/huyện cũ,Toàn bộ
    Phường Bến Thành,Phường Phạm Ngũ Lão,Quận 1,có
    Phường Bến Thành,Phường Cầu Ông Lãnh,Quận 1,một phần

English headers (new, old, district, whole) work too; the "whole" column may be left out: an old
unit listed under one new unit went whole, one listed under several was divided (the rule
`addresses.validate` checks). Comma, semicolon or tab separated; UTF-8 with or without the BOM
Excel writes. `to_csv` writes a table back in the same shape, so the bundled sample shows the
format with real rows. Plain Python: stdlib only.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from kiosk.domain.addresses import fold, validate

COLUMNS = {  # folded header -> column
    "don vi moi": "new", "ten don vi moi": "new", "phuong xa moi": "new", "new": "new",
    "don vi cu": "old", "ten don vi cu": "old", "phuong xa cu": "old", "old": "old",
    "quan huyen cu": "district", "quan huyen": "district", "district": "district",
    "toan bo": "whole", "whole": "whole",
}
YES = {"co", "yes", "true", "1", "x", "toan bo", "whole"}
NO = {"khong", "no", "false", "0", "mot phan", "part"}
HEADER = ("Đơn vị mới", "Đơn vị cũ", "Quận/huyện cũ", "Toàn bộ")


class ImportProblems(ValueError):
    """The CSV cannot become a table; `problems` lists each, naming its row."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


def _text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _rows(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def from_csv(text: str, *, province: str, source_id: str, source_title: str, source_date: str,
             provinces: list | None = None, province_aliases: list | None = None,
             extra_sources: dict | None = None) -> dict:
    """A table (the address_changes.json shape) from the CSV's text; `provinces` (the national
    mergers, the same for every province) and the sources they name are carried over as given."""
    rows = _rows(text)
    if not rows:
        raise ImportProblems(["the file has no rows"])
    header = [COLUMNS.get(fold(h).replace("/", " ")) for h in rows[0]]
    missing = [c for c in ("new", "old", "district") if c not in header]
    if missing:
        raise ImportProblems([f"row 1: the header needs the columns {', '.join(HEADER[:3])} "
                              f"(missing: {', '.join(missing)}; found: {', '.join(rows[0])})"])
    at = {name: header.index(name) for name in ("new", "old", "district", "whole") if name in header}
    problems: list[str] = []
    communes: dict[str, dict] = {}
    marks: list[tuple[int, dict, str]] = []  # (row, from-entry, whole as written) to settle below
    for n, row in enumerate(rows[1:], start=2):
        cell = {name: _text(row[i]) if i < len(row) else "" for name, i in at.items()}
        empty = [HEADER[("new", "old", "district").index(c)] for c in ("new", "old", "district") if not cell[c]]
        if empty:
            problems.append(f"row {n}: {', '.join(empty)} is empty")
            continue
        entry = {"old": cell["old"], "district": cell["district"], "whole": True}
        communes.setdefault(fold(cell["new"]), {"new": cell["new"], "source": source_id, "from": []})["from"].append(entry)
        marks.append((n, entry, cell.get("whole", "")))
    # how many new units each old one went into decides "whole" when the column is left out
    spread: dict[tuple[str, str], int] = {}
    for _n, e, _w in marks:
        key = (fold(e["old"]), fold(e["district"]))
        spread[key] = spread.get(key, 0) + 1
    for n, entry, written in marks:
        if not written:
            entry["whole"] = spread[(fold(entry["old"]), fold(entry["district"]))] == 1
        elif fold(written) in YES:
            entry["whole"] = True
        elif fold(written) in NO:
            entry["whole"] = False
        else:
            problems.append(f"row {n}: {HEADER[3]} is {written!r}: write có or một phần (yes or no)")
    if problems:
        raise ImportProblems(problems)
    sources = {source_id: {"title": _text(source_title), "date": source_date}, **(extra_sources or {})}
    table = {"province": _text(province), "province_aliases": list(province_aliases or []),
             "sources": sources, "provinces": list(provinces or []), "communes": list(communes.values())}
    problems = validate(table)
    if problems:
        raise ImportProblems(problems)
    return table


def to_csv(table: dict) -> str:
    """The table's communes as the CSV `from_csv` reads (Vietnamese header, "whole" written out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for c in table["communes"]:
        for f in c["from"]:
            writer.writerow((c["new"], f["old"], f["district"], "có" if f["whole"] else "một phần"))
    return out.getvalue()
