"""The department's papers for a dossier as A4 PDFs, printed from the officer's browser:
GET /api/dossiers/{code}/forms/{form}.pdf, form = receipt (Mẫu 01), supplement (Mẫu 02),
refusal (Mẫu 03) or declaration (the citizen's tờ khai). Staff only: they carry personal data.
`?paper=80mm` gives the receipt on 80 mm roll paper, for a thermal printer installed at the
counter (a CUPS/Windows printer the browser prints to).

A form that does not apply yet (a receipt before "Tiếp nhận", a refusal of a dossier not
refused) answers 409 with the reason; the rendering itself is kiosk.office.forms."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import Response

from kiosk.domain.ward import fill_ward_all
from kiosk.office import forms
from kiosk.office.api.deps import OfficeDep, StaffDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Conflict, Invalid, NotFound
from kiosk.office.operations import catalogue, dossiers, ward

router = OfficeRouter(prefix="/api", tags=["dossiers"])


def ward_identity(settings, s=None) -> dict[str, Any]:
    """The forms' ward dict: with a session, the stored identity (/admin "Thông tin đơn vị") and
    its logo; without one, the config's (an office whose database is not at hand)."""
    if s is None:
        return {"name": settings.ward_name, "department": settings.ward_department, "address": settings.ward_address,
                "phone": settings.ward_phone, "timezone": settings.timezone}
    ident = ward.identity(s, settings)
    return {"name": ident.name, "department": ident.department, "address": ident.address,
            "phone": ident.phone, "timezone": settings.timezone, "logo_png": ward.logo(s)}


def stored_ward_identity(office) -> dict[str, Any]:
    with office.db.read() as s:
        return ward_identity(office.settings, s)


@router.get("/dossiers/{code}/forms/{form}.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "the form, A4"},
                       404: {"description": "no such dossier or form"},
                       409: {"description": "the form does not apply to the dossier yet"}})
def dossier_form(code: str, form: str, user: StaffDep, office: OfficeDep, paper: Literal["a4", "80mm"] = "a4"):
    if form not in forms.FORMS:
        raise NotFound("unknown_form", f"form must be one of {', '.join(forms.FORMS)}", "form")
    if paper != "a4" and form != "receipt":
        raise Invalid("paper_not_available", "only the receipt prints on 80 mm thermal paper", "paper")
    with office.db.read() as s:
        d = dossiers.by_code(s, code)
        view = dossiers.staff_view(d, dossiers.names(s, [d.procedure_code])[d.procedure_code],
                                  office.settings.timezone)
        try:
            procedure = catalogue.procedure(s, d.procedure_code).raw
        except Invalid:  # removed from the catalogue since: the dossier's own data still prints
            procedure = {"code": d.procedure_code}
        ident = ward_identity(office.settings, s)
    procedure = fill_ward_all(procedure, ident)  # catalogue texts say {department}, {address}...
    why = forms.not_applicable(form, view)
    if why is not None:
        raise Conflict("form_not_applicable", f"{form}: {why}", "form", status=view.get("status"))
    pdf = forms.render(form, view, procedure, ident, officer=user.full_name, paper=paper)
    name = f"{view['code']}-{form}" + ("" if paper == "a4" else f"-{paper}")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"',
                             "Cache-Control": "no-store"})
