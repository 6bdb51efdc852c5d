"""What the office keeps about itself: the audit log, the event log behind live screens, runtime settings,
the reports' cache of closed days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.office.storage.models.base import Base


class AuditEntry(Base):
    """Append-only: the code only ever inserts here."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(80))  # user:NAME | kiosk:ID | volunteer:CODE | system
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


class WardIdentityRow(Base):
    """The ward's identity (kiosk.domain.ward): one row (id 1), seeded from the config's [ward] at
    first start, then changed by admins in /admin ("Thông tin đơn vị")."""
    __tablename__ = "ward_identity"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(40))
    hours_text: Mapped[str] = mapped_column(String(300))
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)  # the config's logo file, read at seeding
    updated_at: Mapped[dt.datetime]


class ReportDay(Base):
    """A closed day's report figures (operations/report_rollup.py): a cache the reports read instead
    of the day's tickets and ratings. Safe to empty: the next report rebuilds it."""
    __tablename__ = "report_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)  # report_rollup.VERSION that built it
    built_at: Mapped[dt.datetime]
    figures: Mapped[dict[str, Any]]
