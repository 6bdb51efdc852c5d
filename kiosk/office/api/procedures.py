"""The procedure catalogue: public reads for kiosks, admin edits checked like the bundled file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from kiosk.office import dossiers
from kiosk.office.api.deps import Staff, admin, office
from kiosk.office.errors import NotFound
from kiosk.office.runtime import Office

router = APIRouter(prefix="/api", tags=["procedures"])


@router.get("/procedures")
def catalogue(o: Office = Depends(office)):
    """The whole catalogue in the shape of assets/data/procedures.json (kiosks keep a copy)."""
    with o.db.read() as s:
        return dossiers.catalogue_dict(s)


@router.get("/procedures/{code}")
def one_procedure(code: str, o: Office = Depends(office)):
    with o.db.read() as s:
        for p in dossiers.catalogue_dict(s)["procedures"]:
            if p["code"] == code:
                return p
    raise NotFound("procedure_not_found", f"no procedure with code {code!r}")


@router.put("/admin/procedures/{code}")
def put_procedure(code: str, changes: dict[str, Any] = Body(..., examples=[{"fee_vnd": 8000}]),
                  user: Staff = Depends(admin), o: Office = Depends(office)):
    """Replace the keys given (fee, processing days, documents…); an unknown code needs a complete
    entry and adds it. The result must pass the catalogue check, else 422 naming the key."""
    return o.run(user.actor, dossiers.put_procedure, code, changes)
