"""The table of old -> current commune names the kiosk proposes card addresses from
(kiosk/domain/addresses.py): the province's own list in the state folder, else the bundled one."""

from __future__ import annotations

import json

from kiosk.doctor.base import FAIL, PASS, WARN, Context, Result
from kiosk.domain import addresses

FORMAT = "assets/data/SOURCES-addresses.md"


def check_addresses(ctx: Context) -> Result:
    path = addresses.table_path(ctx.state_dir)
    local = path != addresses.BUNDLED
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Result(FAIL, "address", f"{path}: cannot be read ({type(exc).__name__}: {exc})",
                      f"fix the file (format in {FORMAT}) or remove it to use the bundled table")
    problems = addresses.validate(raw)
    if problems:
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        fix = f"fix the file (format in {FORMAT})" + (" or remove it to use the bundled table" if local else "")
        return Result(FAIL, "address", f"{path}: " + "; ".join(problems[:3]) + more, fix)
    olds = {(f["old"], f["district"]) for c in raw["communes"] for f in c["from"]}
    found = f"{path}: {len(olds)} old units into {len(raw['communes'])} communes of {raw['province']}"
    if not local:
        return Result(WARN, "address", f"bundled sample table, {found.split(': ', 1)[1]}",
                      f"put the province's full list at {ctx.state_dir / addresses.FILE_NAME} "
                      f"(format in {FORMAT}; from a spreadsheet: kiosk addresses import FILE.csv): "
                      "other old addresses get no current name")
    return Result(PASS, "address", found)
