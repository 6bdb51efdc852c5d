"""The ward's identity as the office keeps it (issue 15): read for every page, ticket, slip and
PDF; seeded once from the config; changed by an admin (audited, and pushed as a "ward" event so
boards, consoles and kiosks follow without a restart)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kiosk.domain.ward import FIELDS, WardIdentity
from kiosk.office.operations.context import Ctx, audit
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import WardIdentityRow

ROW_ID = 1


def _from_settings(settings: Any) -> WardIdentity:
    return WardIdentity(name=settings.ward_name, department=settings.ward_department,
                        address=settings.ward_address, phone=settings.ward_phone,
                        hours_text=settings.ward_hours_text, timezone=settings.timezone).with_defaults()


def _logo_bytes(path: str) -> bytes | None:
    # the config checked the file at start; a file gone since then only means no logo
    try:
        return Path(path).read_bytes() if path else None
    except OSError:
        return None


def seed(s: Session, ctx: Ctx, settings: Any, *, always: bool = False) -> bool:
    """Store the config's identity when the office has none yet; True when it did. An office
    built without a config (no ward name) seeds nothing unless `always` (an admin's first change)."""
    if s.get(WardIdentityRow, ROW_ID) is not None or not (settings.ward_name or always):
        return False
    ident = _from_settings(settings)
    s.add(WardIdentityRow(id=ROW_ID, **{f: getattr(ident, f) for f in FIELDS},
                          logo_png=_logo_bytes(settings.ward_logo), updated_at=ctx.now))
    s.flush()
    return True


def identity(s: Session, settings: Any) -> WardIdentity:
    """The stored identity, or the config's while none is stored (an office not yet prepared)."""
    row = s.get(WardIdentityRow, ROW_ID)
    base = _from_settings(settings)
    if row is None:
        return base
    return base.updated({**{f: getattr(row, f) for f in FIELDS}, "has_logo": bool(row.logo_png)})


def logo(s: Session) -> bytes | None:
    row = s.get(WardIdentityRow, ROW_ID)
    return row.logo_png if row is not None else None


def public_view(ident: WardIdentity) -> dict[str, Any]:
    """What GET /api/ward answers: nothing personal, only what the ward posts at its door."""
    return {**{f: getattr(ident, f) for f in FIELDS}, "has_logo": ident.has_logo}


def update(s: Session, ctx: Ctx, settings: Any, changes: dict[str, str]) -> WardIdentity:
    seed(s, ctx, settings, always=True)
    row = s.get(WardIdentityRow, ROW_ID, with_for_update=True)
    before = {f: getattr(row, f) for f in FIELDS}
    for key, value in changes.items():
        setattr(row, key, value)
    row.updated_at = ctx.now
    s.flush()
    changed = {k: v for k, v in changes.items() if before[k] != v}
    audit(s, ctx, "update", "ward", ROW_ID, **changed)
    ident = identity(s, settings)
    publish(s, "ward", public_view(ident), ctx.now)
    return ident
