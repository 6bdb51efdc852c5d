"""The department's papers as A4 PDFs: the receipt (Mẫu 01), the request for more documents
(Mẫu 02) and the refusal (Mẫu 03) of Circular 01/2018/TT-VPCP, and the procedure's declaration
for the citizen to sign.

Pure rendering: plain dicts in (the dossier's staff view, the procedure from the catalogue, the
ward), bytes out; no web or database code, so the layers keep it below the API. `refusal_reason`
says why a form does not apply to a dossier yet; the API answers that with 409.
"""

from __future__ import annotations

from typing import Any

from kiosk.office.forms import declaration, receipt, refusal, supplement

FORMS = ("receipt", "supplement", "refusal", "declaration")


def _statuses(view: dict[str, Any]) -> set[str]:
    return {h.get("status") for h in view.get("history") or []} | {view.get("status")}


def not_applicable(form: str, view: dict[str, Any]) -> str | None:
    """Why `form` cannot be printed for this dossier yet (a sentence), or None when it can."""
    status = view.get("status")
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}")
    if view.get("purged_at"):
        return "the dossier's personal data was purged (retention period over)"
    if form == "receipt":
        # issued on "Tiếp nhận": a declared dossier, or one refused or sent back at the counter
        # before it was ever received, has none
        if status == "declared" or "received" not in _statuses(view):
            return "the dossier has not been received yet (Tiếp nhận), so there is no receipt"
        return None
    if form == "supplement":
        if "more_documents" not in _statuses(view):
            return "no documents were asked for (Yêu cầu bổ sung) on this dossier"
        return None
    if form == "refusal":
        if status != "rejected":
            return "the dossier was not refused (Từ chối)"
        return None
    return None  # the declaration: always


PAPERS = ("a4", "80mm")  # 80 mm: the counter's thermal printer (receipt only)


def render(form: str, view: dict[str, Any], procedure: dict[str, Any], ward: dict[str, Any],
           officer: str = "", *, paper: str = "a4") -> bytes:
    """The PDF of `form` for a dossier; `officer` is the staff member's display name to print
    when the dossier does not name one (the receipt prefers the view's `received_by`)."""
    if paper not in PAPERS or (paper != "a4" and form != "receipt"):
        raise ValueError(f"{form} cannot be printed on {paper!r}")
    if form == "receipt":
        return receipt.render(view, procedure, ward, view.get("received_by") or officer, roll=paper == "80mm")
    modules = {"supplement": supplement, "refusal": refusal, "declaration": declaration}
    if form not in modules:
        raise ValueError(f"unknown form {form!r}")
    return modules[form].render(view, procedure, ward, officer)
