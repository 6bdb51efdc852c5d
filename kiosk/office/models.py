"""SQLAlchemy models of the office service. Times are stored as naive UTC and read back aware."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON}


counter_services = Table(
    "counter_services",
    Base.metadata,
    Column("counter_id", ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Service(Base):
    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    prefix: Mapped[str] = mapped_column(String(3), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Counter(Base):
    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    # priority interleaving: the kind of the last calls from this counter and how many in a row
    streak_kind: Mapped[str | None] = mapped_column(String(10))
    streak_len: Mapped[int] = mapped_column(Integer, default=0)
    services: Mapped[list[Service]] = relationship(secondary=counter_services, order_by=Service.sort_order,
                                                   lazy="selectin")


class DailyCounter(Base):
    __tablename__ = "daily_counters"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("issued_service_id", "day", "number", name="uq_ticket_number"),
        UniqueConstraint("kiosk_id", "idempotency_key", name="uq_ticket_idempotency"),
        Index("ix_ticket_queue", "day", "status", "service_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # numbering belongs to the service the ticket was issued for; a transfer changes service_id only
    issued_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    priority: Mapped[str | None] = mapped_column(String(20))
    kiosk_id: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    volunteer_code: Mapped[str | None] = mapped_column(String(40))
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"))
    printed: Mapped[bool | None] = mapped_column(Boolean)  # None until the kiosk reports
    print_error: Mapped[str | None] = mapped_column(String(300))
    reprint_count: Mapped[int] = mapped_column(Integer, default=0)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_reason: Mapped[str | None] = mapped_column(String(40))
    issued_at: Mapped[dt.datetime]
    queued_at: Mapped[dt.datetime]  # when it (re-)entered the waiting line
    called_at: Mapped[dt.datetime | None]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    no_show_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    transferred_at: Mapped[dt.datetime | None]
    reprint_requested_at: Mapped[dt.datetime | None]

    service: Mapped[Service] = relationship(foreign_keys=[service_id], lazy="selectin")
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id], lazy="selectin")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(10))  # staff | admin
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class AuthSession(Base):
    __tablename__ = "auth_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempt_key", "username", "ip", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    ip: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime]
    success: Mapped[bool] = mapped_column(Boolean)


class Kiosk(Base):
    __tablename__ = "kiosks"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_seen: Mapped[dt.datetime | None]
    status: Mapped[dict[str, Any] | None]


class AuditEntry(Base):
    """Append-only: the code only ever inserts here."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(80))  # user:NAME | kiosk:ID | system
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict[str, Any] | None]


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]]


class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


# registered on Base.metadata; imported last because they build on Base
from kiosk.office import models_dossier  # noqa: E402,F401
from kiosk.office import models_volunteer  # noqa: E402,F401
