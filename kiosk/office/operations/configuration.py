"""Admin changes: services, counters, users, kiosks and runtime settings. Each one is audited."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.office.errors import Conflict, Invalid, NotFound
from kiosk.office.operations import auth, web_sessions
from kiosk.office.operations.context import RUNTIME_DEFAULTS, Ctx, audit, runtime_settings
from kiosk.office.operations.tickets import service_by_code
from kiosk.office.storage.events import publish
from kiosk.office.storage.models import Counter, Kiosk, Service, SettingRow, User

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,3}$")


def _changed(s: Session, ctx: Ctx, what: str) -> None:
    publish(s, "queue", {"action": f"admin_{what}"}, ctx.now)


# ---- services

def create_service(s: Session, ctx: Ctx, data: dict[str, Any]) -> Service:
    if s.scalar(select(Service).where(Service.code == data["code"])):
        raise Conflict("duplicate_code", f"a service with code {data['code']!r} exists", "code")
    if s.scalar(select(Service).where(Service.prefix == data["prefix"])):
        raise Conflict("duplicate_prefix", f"prefix {data['prefix']!r} is taken", "prefix")
    svc = Service(**data)
    s.add(svc)
    s.flush()
    audit(s, ctx, "create", "service", svc.id, **data)
    _changed(s, ctx, "service")
    return svc


def update_service(s: Session, ctx: Ctx, code: str, changes: dict[str, Any]) -> Service:
    svc = s.scalar(select(Service).where(Service.code == code))
    if svc is None:
        raise NotFound("service_not_found", f"no service with code {code!r}")
    if "prefix" in changes and changes["prefix"] != svc.prefix and s.scalar(
            select(Service).where(Service.prefix == changes["prefix"])):
        raise Conflict("duplicate_prefix", f"prefix {changes['prefix']!r} is taken", "prefix")
    for k, v in changes.items():
        setattr(svc, k, v)
    s.flush()
    audit(s, ctx, "update", "service", svc.id, code=code, **changes)
    _changed(s, ctx, "service")
    return svc


# ---- counters

def _services(s: Session, codes: list[str]) -> list[Service]:
    return [service_by_code(s, c, field=f"services.{i}") for i, c in enumerate(codes)]


def create_counter(s: Session, ctx: Ctx, number: int, name: str, services: list[str], active: bool = True) -> Counter:
    if s.scalar(select(Counter).where(Counter.number == number)):
        raise Conflict("duplicate_number", f"counter {number} exists", "number")
    c = Counter(number=number, name=name or f"Quầy {number}", active=active, paused=False, streak_len=0)
    c.services = _services(s, services)
    s.add(c)
    s.flush()
    audit(s, ctx, "create", "counter", c.id, number=number, name=c.name, services=services)
    _changed(s, ctx, "counter")
    return c


def update_counter(s: Session, ctx: Ctx, counter_id: int, changes: dict[str, Any]) -> Counter:
    c = s.get(Counter, counter_id)
    if c is None:
        raise NotFound("counter_not_found", f"no counter with id {counter_id}")
    if "number" in changes and changes["number"] != c.number and s.scalar(
            select(Counter).where(Counter.number == changes["number"])):
        raise Conflict("duplicate_number", f"counter {changes['number']} exists", "number")
    for k, v in changes.items():
        if k == "services":
            c.services = _services(s, v)
        else:
            setattr(c, k, v)
    s.flush()
    audit(s, ctx, "update", "counter", c.id, **changes)
    _changed(s, ctx, "counter")
    return c


# ---- users

def create_user(s: Session, ctx: Ctx, username: str, password: str, role: str, full_name: str = "",
                active: bool = True, password_hash: str | None = None) -> User:
    if s.scalar(select(User).where(User.username == username)):
        raise Conflict("duplicate_username", f"user {username!r} exists", "username")
    u = User(username=username, full_name=full_name, role=role, password_hash=password_hash or auth.hash_password(password),
             active=active, created_at=ctx.now)
    s.add(u)
    s.flush()
    audit(s, ctx, "create", "user", u.id, username=username, role=role, full_name=full_name)
    return u


def update_user(s: Session, ctx: Ctx, user_id: int, changes: dict[str, Any]) -> User:
    u = s.get(User, user_id)
    if u is None:
        raise NotFound("user_not_found", f"no user with id {user_id}")
    shown = {k: v for k, v in changes.items() if k not in ("password", "password_hash")}
    if "password" in changes:
        changes["password_hash"] = auth.hash_password(changes.pop("password"))
    if "password_hash" in changes:
        u.password_hash = changes.pop("password_hash")
        shown["password_changed"] = True
    for k, v in changes.items():
        setattr(u, k, v)
    if not u.active or shown.get("password_changed"):
        web_sessions.end_all(s, web_sessions.STAFF, u.id)
    web_sessions.credentials_changed(s)  # a name or role that workers keep with a session token
    s.flush()
    audit(s, ctx, "update", "user", u.id, username=u.username, **shown)
    return u


# ---- kiosks

def save_kiosk(s: Session, ctx: Ctx, kiosk_id: str, api_key: str, name: str = "") -> Kiosk:
    try:
        k = auth.register_kiosk(s, kiosk_id, api_key, name)
    except ValueError as exc:
        raise Conflict("duplicate_key", str(exc), "api_key") from None
    audit(s, ctx, "save", "kiosk", kiosk_id, name=k.name)
    return k


# ---- runtime settings

def update_settings(s: Session, ctx: Ctx, changes: dict[str, Any]) -> dict[str, Any]:
    for k, v in changes.items():
        if k not in RUNTIME_DEFAULTS:
            raise Invalid("unknown_setting", f"unknown setting {k!r}", k)
        row = s.get(SettingRow, k)
        if row is None:
            s.add(SettingRow(key=k, value=v))
        else:
            row.value = v
    s.flush()
    audit(s, ctx, "update", "settings", None, **changes)
    _changed(s, ctx, "settings")
    return runtime_settings(s)
