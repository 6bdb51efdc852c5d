"""Kiosk heartbeats (printer and scanner status) and the list staff see."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office.api import schemas
from kiosk.office.api.deps import KioskDep, OfficeDep, StaffDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.errors import Forbidden
from kiosk.office.operations import json_views, ward
from kiosk.office.operations.context import audit
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import Kiosk

router = OfficeRouter(prefix="/api/kiosks", tags=["kiosks"])


class DeviceStatus(BaseModel):
    online: bool | None = None
    paper: str | None = Field(None, max_length=20, description="ok | near_end | out | unknown")
    detail: str | None = Field(None, max_length=300)


class ScannerStatus(BaseModel):
    state: Literal["connected", "disconnected", "reconnecting", "stopped", "unknown"] | None = None
    kind: str | None = Field(None, max_length=20, description="serial | hid | none")
    detail: str | None = Field(None, max_length=300)


class HeartbeatBody(BaseModel):
    printer: DeviceStatus | None = None
    scanner: ScannerStatus | None = None
    version: str | None = Field(None, max_length=40)


@router.post("/{kiosk_id}/heartbeat", response_model=schemas.HeartbeatOut)
def heartbeat(kiosk_id: str, body: HeartbeatBody, caller: KioskDep, office: OfficeDep):
    if caller.id != kiosk_id:
        raise Forbidden("wrong_kiosk", f"this API key belongs to kiosk {caller.id}, not {kiosk_id}", "kiosk_id")
    status: dict[str, Any] = body.model_dump(exclude_none=True)
    with office.db.write() as s:
        ctx = office.ctx(caller.actor)
        k = s.get(Kiosk, kiosk_id, with_for_update=True)
        changed = (k.status or {}) != status
        k.status, k.last_seen = status, ctx.now
        if changed:  # only changes are audited and pushed; a heartbeat itself is not news
            audit(s, ctx, "status", "kiosk", kiosk_id, **status)
            publish(s, "kiosk", {"kiosk_id": kiosk_id, **status, "at": ctx.now.isoformat()}, ctx.now)
        return {"ok": True, "server_time": ctx.now.isoformat(),
                "ward": ward.public_view(ward.identity(s, office.settings))}


@router.get("", response_model=schemas.KioskList)
def list_kiosks(user: StaffDep, office: OfficeDep):
    with office.db.read() as s:
        return {"kiosks": [json_views.kiosk_device_view(k) for k in s.scalars(select(Kiosk).order_by(Kiosk.id))]}
