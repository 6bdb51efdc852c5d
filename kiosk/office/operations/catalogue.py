"""The procedure catalogue kept in the office database: seeded from the bundled file on first
start, read by kiosks, edited by admins (each edit checked like the bundled file)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.domain.catalogue import Catalogue, CatalogueError, Procedure, check_catalogue
from kiosk.office.errors import Invalid
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import CatalogueMeta, ProcedureRow


def catalogue_dict(s: Session) -> dict[str, Any]:
    """The catalogue as kiosk.domain.catalogue's to_dict() shape: top-level keys plus "procedures"."""
    meta = s.get(CatalogueMeta, 1)
    rows = s.scalars(select(ProcedureRow).order_by(ProcedureRow.position, ProcedureRow.code)).all()
    return {**(meta.data if meta else {}), "procedures": [r.data for r in rows]}


def procedure(s: Session, code: str, field: str = "procedure_code") -> Procedure:
    row = s.get(ProcedureRow, code)
    if row is None:
        raise Invalid("unknown_procedure", f"no procedure with code {code!r}", field)
    return Catalogue({"procedures": [row.data]}).by_code(code)  # checked when it was stored


def seed_catalogue(s: Session, ctx: Ctx, data: dict[str, Any]) -> bool:
    """Store the bundled catalogue when the database has none yet; True if it did."""
    if s.scalar(select(func.count()).select_from(ProcedureRow)):
        return False
    check_catalogue(data)
    s.merge(CatalogueMeta(id=1, data={k: v for k, v in data.items() if k != "procedures"}, updated_at=ctx.now))
    for i, p in enumerate(data["procedures"]):
        s.add(ProcedureRow(code=p["code"], position=i, data=p, updated_at=ctx.now, updated_by=ctx.actor))
    s.flush()
    audit(s, ctx, "catalogue_seed", "procedure", None, procedures=len(data["procedures"]))
    return True


def seed_catalogue_once(office, data: dict[str, Any] | None = None) -> None:
    """Seed at start; several workers may race, the loser's insert conflicts and is dropped."""
    if data is None:
        from kiosk.domain.catalogue import load_catalogue
        data = load_catalogue().to_dict()
    try:
        office.run("system", seed_catalogue, data)
    except IntegrityError:
        pass  # another worker seeded it first


def _error_key(message: str) -> str | None:
    """The key a CatalogueError names ('procedure X: "fee_vnd" must ...' → fee_vnd)."""
    m = re.search(r'"([^"]+)"', message)
    return m.group(1) if m else None


def put_procedure(s: Session, ctx: Ctx, code: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Replace the keys given in one procedure (or add a new procedure with a complete entry).

    The whole catalogue is checked with check_catalogue before anything is stored, so a broken
    edit is a 422 naming the key and the stored catalogue stays as it was.
    """
    if "code" in changes and changes["code"] != code:
        raise Invalid("code_mismatch", f'"code" must be {code!r}, the code in the address', "code")
    data = catalogue_dict(s)
    row = s.get(ProcedureRow, code, with_for_update=True)
    entry = {**(row.data if row else {}), **changes, "code": code}
    procs = [entry if p["code"] == code else p for p in data["procedures"]]
    if row is None:
        procs.append(entry)
    try:
        check_catalogue({**data, "procedures": procs})
    except CatalogueError as exc:
        raise Invalid("bad_procedure", str(exc), _error_key(str(exc))) from None
    if row is None:
        position = (s.scalar(select(func.max(ProcedureRow.position))) or 0) + 1
        s.add(ProcedureRow(code=code, position=position, data=entry, updated_at=ctx.now, updated_by=ctx.actor))
    else:
        row.data, row.updated_at, row.updated_by = entry, ctx.now, ctx.actor
    s.flush()
    audit(s, ctx, "procedure_update" if row else "procedure_create", "procedure", code,
              keys=sorted(changes))
    publish(s, "catalogue", {"action": "update", "procedure_code": code}, ctx.now)
    return entry
