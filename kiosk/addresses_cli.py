"""`kiosk addresses`: install the province's full old -> current commune list, and try it.

  import FILE.csv   the province's list (kiosk/domain/address_import.py) -> the state folder's
                    address_changes.json, which the kiosk prefers to the bundled sample
  export [FILE]     the table in use as CSV (the bundled sample shows the format with real rows)
  check ADDRESS     what the kiosk would say about a card's address
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from kiosk.domain import address_import, addresses


def main(settings, args) -> int:
    state = settings.kiosk.state_path()
    if args.addresses_command == "import":
        return _import(state, args)
    if args.addresses_command == "export":
        text = address_import.to_csv(json.loads(addresses.table_path(state).read_text(encoding="utf-8")))
        if args.file:
            Path(args.file).write_text(text, encoding="utf-8-sig")  # with a BOM: Excel reads UTF-8
        else:
            sys.stdout.write(text)
        return 0
    result = addresses.check(args.address, addresses.load(addresses.table_path(state)))
    print(f"{result.status}: {result.address}")
    if result.proposal:
        print(f"  now: {result.proposal}")
    if result.status == "split":
        print(f"  {result.old_unit} was divided between: {', '.join(result.new_units)} (the street decides)")
    if result.province_now:
        print(f"  province now: {result.province_now}")
    if result.source:
        print(f"  source: {result.source}")
    return 0


def _import(state: Path, args) -> int:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.date):
        print(f"--date {args.date!r}: the resolution's date as YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.file}: cannot be read as UTF-8 text ({exc}); save it from the spreadsheet as "
              "CSV UTF-8", file=sys.stderr)
        return 2
    bundled = json.loads(addresses.BUNDLED.read_text(encoding="utf-8"))
    # the national province mergers are the same for every province: carried over with their source
    national = {p["source"] for p in bundled["provinces"]}
    try:
        table = address_import.from_csv(
            text, province=args.province, source_id=args.source_id, source_title=args.title,
            source_date=args.date, provinces=bundled["provinces"], province_aliases=args.alias,
            extra_sources={s: bundled["sources"][s] for s in national if s != args.source_id})
    except address_import.ImportProblems as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else state / addresses.FILE_NAME
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out)  # a kiosk reading the table meanwhile sees the old file or the new one
    olds = {(f["old"], f["district"]) for c in table["communes"] for f in c["from"]}
    print(f"{out}: {len(olds)} old units into {len(table['communes'])} communes of {table['province']}")
    return 0


def add_parser(sub) -> None:
    addr = sub.add_parser("addresses", help="the old -> current commune list for card addresses")
    addr_sub = addr.add_subparsers(dest="addresses_command", metavar="ACTION", required=True)
    imp = addr_sub.add_parser("import", help="install the province's list from a CSV (Đơn vị mới, Đơn vị "
                              "cũ, Quận/huyện cũ[, Toàn bộ])")
    imp.add_argument("file")
    imp.add_argument("--province", required=True, help='e.g. "Thành phố Hồ Chí Minh"')
    imp.add_argument("--title", required=True, help="the source, e.g. the resolution's number and title")
    imp.add_argument("--date", required=True, help="the source's date, YYYY-MM-DD")
    imp.add_argument("--alias", action="append", default=[],
                     help='another way addresses write the province, e.g. "TP.HCM" (repeatable)')
    imp.add_argument("--source-id", default="NQ", help="a short name for the source (default NQ)")
    imp.add_argument("--out", help="where to write (default: address_changes.json in the state folder)")
    exp = addr_sub.add_parser("export", help="the table in use as CSV (stdout, or FILE)")
    exp.add_argument("file", nargs="?")
    chk = addr_sub.add_parser("check", help="what the kiosk says about an address")
    chk.add_argument("address")
