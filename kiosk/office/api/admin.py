"""Admin CRUD: services, counters, users, kiosks, runtime settings. Deleting deactivates (history stays)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from kiosk.office.api import schemas
from kiosk.office.api.deps import AdminDep, OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.operations import configuration, json_views
from kiosk.office.operations.auth import hash_password
from kiosk.office.operations.context import runtime_settings
from kiosk.office.storage.models import AuditEntry, Counter, Kiosk, Service, User

router = OfficeRouter(prefix="/api/admin", tags=["admin"])

Code = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,29}$", description="lowercase letters, digits, dashes")
Prefix = Field(pattern=r"^[A-Z]{1,3}$", description="1-3 capital letters printed before the number")


class ServiceIn(BaseModel):
    code: str = Code
    prefix: str = Prefix
    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    active: bool = True
    sort_order: int = 0


class ServicePatch(BaseModel):
    prefix: str | None = Prefix
    name_vi: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, min_length=1, max_length=200)
    active: bool | None = None
    sort_order: int | None = None


class CounterIn(BaseModel):
    number: int = Field(ge=1, le=999)
    name: str = Field("", max_length=200)
    services: list[str] = Field(default_factory=list)
    active: bool = True


class CounterPatch(BaseModel):
    number: int | None = Field(None, ge=1, le=999)
    name: str | None = Field(None, max_length=200)
    services: list[str] | None = None
    active: bool | None = None


class UserIn(BaseModel):
    username: str = Field(pattern=r"^[a-z0-9_.\-]{2,60}$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["staff", "admin"] = "staff"
    full_name: str = Field("", max_length=200)
    active: bool = True


class UserPatch(BaseModel):
    password: str | None = Field(None, min_length=8, max_length=200)
    role: Literal["staff", "admin"] | None = None
    full_name: str | None = Field(None, max_length=200)
    active: bool | None = None


class KioskIn(BaseModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,40}$")
    api_key: str = Field(min_length=12, max_length=200)
    name: str = Field("", max_length=200)


class SettingsIn(BaseModel):
    priority_ratio_normal: int | None = Field(None, ge=0, le=20)
    priority_ratio_priority: int | None = Field(None, ge=0, le=20)
    max_wait_minutes: float | None = Field(None, gt=0, le=24 * 60)
    help_request_timeout_minutes: float | None = Field(None, gt=0, le=24 * 60)


def _changes(body: BaseModel) -> dict:
    return body.model_dump(exclude_unset=True, exclude_none=True)


# ---- services
@router.get("/services", response_model=schemas.AdminServiceList)
def list_services(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        return {"services": [json_views.service_view(x) for x in s.scalars(select(Service).order_by(Service.sort_order))]}


@router.post("/services", status_code=201, response_model=schemas.ServiceOut)
def create_service(body: ServiceIn, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.service_view(configuration.create_service(s, ctx, body.model_dump())))


@router.patch("/services/{code}", response_model=schemas.ServiceOut)
def update_service(code: str, body: ServicePatch, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.service_view(configuration.update_service(s, ctx, code, _changes(body))))


@router.delete("/services/{code}", response_model=schemas.ServiceOut)
def deactivate_service(code: str, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.service_view(configuration.update_service(s, ctx, code, {"active": False})))


# ---- counters
@router.get("/counters", response_model=schemas.AdminCounterList)
def list_counters(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        return {"counters": [json_views.counter_view(c) for c in s.scalars(select(Counter).order_by(Counter.number))]}


@router.post("/counters", status_code=201, response_model=schemas.CounterOut)
def create_counter(body: CounterIn, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.counter_view(
        configuration.create_counter(s, ctx, body.number, body.name, body.services, body.active)))


@router.patch("/counters/{counter_id}", response_model=schemas.CounterOut)
def update_counter(counter_id: int, body: CounterPatch, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.counter_view(
        configuration.update_counter(s, ctx, counter_id, _changes(body))))


@router.delete("/counters/{counter_id}", response_model=schemas.CounterOut)
def deactivate_counter(counter_id: int, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.counter_view(
        configuration.update_counter(s, ctx, counter_id, {"active": False})))


# ---- users
@router.get("/users", response_model=schemas.UserList)
def list_users(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        return {"users": [json_views.user_view(u) for u in s.scalars(select(User).order_by(User.username))]}


@router.post("/users", status_code=201, response_model=schemas.UserOut)
def create_user(body: UserIn, user: AdminDep, office: OfficeDep):
    hashed = hash_password(body.password)  # slow: outside the write transaction
    return office.run(user.actor, lambda s, ctx: json_views.user_view(configuration.create_user(
        s, ctx, body.username, body.password, body.role, body.full_name, body.active, password_hash=hashed)))


@router.patch("/users/{user_id}", response_model=schemas.UserOut)
def update_user(user_id: int, body: UserPatch, user: AdminDep, office: OfficeDep):
    changes = _changes(body)
    if "password" in changes:  # hash outside the write transaction
        changes["password_hash"] = hash_password(changes.pop("password"))
    return office.run(user.actor, lambda s, ctx: json_views.user_view(configuration.update_user(s, ctx, user_id, changes)))


@router.delete("/users/{user_id}", response_model=schemas.UserOut)
def deactivate_user(user_id: int, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: json_views.user_view(configuration.update_user(s, ctx, user_id, {"active": False})))


# ---- kiosks
@router.get("/kiosks", response_model=schemas.KioskList)
def list_kiosks(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        return {"kiosks": [json_views.kiosk_device_view(k) for k in s.scalars(select(Kiosk).order_by(Kiosk.id))]}


@router.put("/kiosks", response_model=schemas.KioskOut)
def save_kiosk(body: KioskIn, user: AdminDep, office: OfficeDep):
    # its commit empties the worker's cache of kiosk keys: the old key stops working now (auth.KnownTokens)
    return office.run(user.actor, lambda s, ctx: json_views.kiosk_device_view(configuration.save_kiosk(s, ctx, body.id, body.api_key, body.name)))


# ---- runtime settings
@router.get("/settings", response_model=schemas.RuntimeSettings)
def get_settings(user: AdminDep, office: OfficeDep):
    with office.db.read() as s:
        return runtime_settings(s)


@router.put("/settings", response_model=schemas.RuntimeSettings)
def put_settings(body: SettingsIn, user: AdminDep, office: OfficeDep):
    return office.run(user.actor, lambda s, ctx: configuration.update_settings(s, ctx, _changes(body)))


# ---- audit log (read-only)
@router.get("/audit", response_model=schemas.AuditList)
def audit_log(user: AdminDep, office: OfficeDep, ticket_id: Annotated[int | None, Query()] = None,
              limit: Annotated[int, Query()] = 200):
    with office.db.read() as s:
        q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 2000)))
        if ticket_id is not None:
            q = q.where(AuditEntry.ticket_id == ticket_id)
        return {"entries": [{"id": a.id, "at": json_views.iso(a.at), "actor": a.actor, "action": a.action,
                             "entity": a.entity, "entity_id": a.entity_id, "ticket_id": a.ticket_id,
                             "details": a.details or {}} for a in s.scalars(q)]}
