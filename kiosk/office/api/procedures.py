"""The procedure catalogue: public reads for kiosks, admin edits checked like the bundled file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body

from kiosk.office.api import schemas
from kiosk.office.api.deps import AdminDep, OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import NotFound
from kiosk.office.operations import catalogue

router = OfficeRouter(prefix="/api", tags=["procedures"])


@router.get("/procedures", response_model=schemas.CatalogueOut)
def whole_catalogue(office: OfficeDep):
    """The whole catalogue in the shape of assets/data/procedures.json (kiosks keep a copy)."""
    with office.db.read() as s:
        return catalogue.catalogue_dict(s)


@router.get("/procedures/{code}", response_model=schemas.ProcedureOut)
def one_procedure(code: str, office: OfficeDep):
    with office.db.read() as s:
        for p in catalogue.catalogue_dict(s)["procedures"]:
            if p["code"] == code:
                return p
    raise NotFound("procedure_not_found", f"no procedure with code {code!r}")


@router.put("/admin/procedures/{code}", response_model=schemas.ProcedureOut)
def put_procedure(code: str, changes: Annotated[dict[str, Any], Body(examples=[{"fee_vnd": 8000}])],
                  user: AdminDep, office: OfficeDep):
    """Replace the keys given (fee, processing days, documents…); an unknown code needs a complete
    entry and adds it. The result must pass the catalogue check, else 422 naming the key."""
    return office.run(user.actor, catalogue.put_procedure, code, changes)
