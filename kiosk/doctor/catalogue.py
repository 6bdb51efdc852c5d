"""The catalogue check: the procedure catalogue this kiosk would show, and its review date.

The catalogue's facts follow laws that change (`review_before`, e.g. a new Law on Civil Status
taking effect); past that date the kiosk still works, but the ward must check the procedures.
"""

from __future__ import annotations

import json
from datetime import date

from kiosk.doctor.base import FAIL, PASS, WARN, Context, Result, brief

REVIEW_FIX = ("check every procedure against the province's published list and the new law, then update "
              "the catalogue in /admin (Thủ tục) or assets/data/procedures.json and its review_before date")


UNCHECKED_FIX = ("look each code up on the national public service portal (dichvucong.gov.vn), correct the "
                 "entry and drop \"code\" from its \"unverified\" list (/admin, Thủ tục, or "
                 "assets/data/procedures.json)")


def catalogue_verdict(catalogue, where: str, today: date) -> Result:
    """PASS; WARN once the catalogue's review_before date has passed, or while a procedure's national
    code itself is marked unverified (a wrong code would send its dossiers to the wrong procedure)."""
    due = catalogue.review_before
    found = f"{len(catalogue)} procedures in {len(catalogue.fields())} fields ({where})"
    if catalogue.review_overdue(today):
        return Result(WARN, "catalogue", f"{found}: to be reviewed before {due.isoformat()}, now past", REVIEW_FIX)
    unchecked = [p.code for p in catalogue if "code" in p.raw.get("unverified", [])]
    if unchecked:
        return Result(WARN, "catalogue", f"{found}: the national code of {len(unchecked)} procedure(s) is not "
                      f"checked at source ({', '.join(unchecked)})", UNCHECKED_FIX)
    partly = sum(1 for p in catalogue if p.raw.get("unverified"))
    return Result(PASS, "catalogue", found + (f", review before {due.isoformat()}" if due else "")
                  + (f"; {partly} with facts marked unverified (assets/data/SOURCES.md)" if partly else ""))


def check_catalogue(ctx: Context, today: date | None = None) -> Result:
    """The last copy the office sent (state folder), else the bundled file, as the kiosk reads them."""
    from kiosk.domain.catalogue import CatalogueError, catalogue_from_dict, load_catalogue

    saved = ctx.state_dir / "catalogue.json"
    try:
        if saved.exists():
            catalogue, where = catalogue_from_dict(json.loads(saved.read_text(encoding="utf-8"))), str(saved)
        else:
            catalogue, where = load_catalogue(), "bundled"
    except (OSError, ValueError, CatalogueError) as exc:
        return Result(FAIL, "catalogue", f"the catalogue cannot be used ({brief(exc)})",
                      "delete the kiosk's saved copy so it fetches the office's again, or fix the file it names")
    return catalogue_verdict(catalogue, where, today or date.today())
