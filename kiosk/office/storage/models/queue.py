"""The queue: services, counters, their per-day numbering and the tickets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.office.storage.models.base import Base

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
    """Last ticket number of a service on a local day (taken with storage.db.next_in_sequence)."""
    __tablename__ = "daily_counters"
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("issued_service_id", "day", "number", name="uq_ticket_number"),
        UniqueConstraint("kiosk_id", "idempotency_key", name="uq_ticket_idempotency"),
        # the line in order, normal and priority apart (call-next's first tickets; people ahead),
        # and the few sent to one counter (0013)
        Index("ix_ticket_call", "day", "status", "service_id", "priority", "queued_at", "id"),
        Index("ix_ticket_target", "day", "status", "target_counter_id", "queued_at", "id",
              sqlite_where=text("target_counter_id IS NOT NULL"), postgresql_where=text("target_counter_id IS NOT NULL")),
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
