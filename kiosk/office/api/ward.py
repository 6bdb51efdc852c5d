"""The ward's identity: GET /api/ward (public: what the ward posts at its door), PUT
/api/admin/ward (admin; audited; a "ward" event tells boards, consoles and kiosks). The logo
comes from the config's [ward] logo (stored at seeding): printed on the PDFs, served at
/api/ward/logo.png for the pages' headers."""

from __future__ import annotations

import unicodedata

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.office.api.deps import AdminDep, OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import NotFound
from kiosk.office.operations import ward

router = OfficeRouter(prefix="/api", tags=["ward"])


class WardOut(BaseModel):
    name: str
    department: str
    address: str
    phone: str
    hours_text: str
    has_logo: bool


class WardIn(BaseModel):
    """Fields left out keep their value. Name and department cannot be blank: they head every page."""
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200)
    department: str | None = Field(None, min_length=1, max_length=200)
    address: str | None = Field(None, max_length=300)
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+().\- ]*$")
    hours_text: str | None = Field(None, max_length=300)

    @field_validator("*", mode="before")
    @classmethod
    def _tidy(cls, v):
        return unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v


@router.get("/ward", response_model=WardOut)
def get_ward(office: OfficeDep):
    with office.db.read() as s:
        return ward.public_view(ward.identity(s, office.settings))


@router.get("/ward/logo.png", response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "the ward's logo ([ward] logo)"},
                       404: {"description": "the ward has no logo"}})
def get_ward_logo(office: OfficeDep):
    """The logo the pages head themselves with (board, public pages, the console)."""
    with office.db.read() as s:
        png = ward.logo(s)
    if not png:
        raise NotFound("no_logo", "the ward has no logo: set [ward] logo in the config", "logo")
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})


@router.put("/admin/ward", response_model=WardOut)
def put_ward(body: WardIn, user: AdminDep, office: OfficeDep):
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    return office.run(user.actor, lambda s, ctx: ward.public_view(ward.update(s, ctx, office.settings, changes)))
