"""Models of dossiers (online submissions) and the procedure catalogue kept in the database.

Personal data lives only in `Dossier.applicant`, `Dossier.fields` and `Dossier.id_number`; the purge
replaces them with a tombstone and keeps the code, status and dates for statistics.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.office.storage.models.base import Base


class DossierCounter(Base):
    """Last dossier sequence number of a local day (the code's `{seq:04d}`; storage.db.next_in_sequence)."""
    __tablename__ = "dossier_counters"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossier_day_status", "day", "status"),
        Index("ix_dossier_id_number", "id_number"),
        Index("ix_dossier_public_token", "public_token", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    day: Mapped[dt.date] = mapped_column(Date)  # local day declared, the code's date
    seq: Mapped[int] = mapped_column(Integer)
    procedure_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)  # staff's internal last note: never in public/kiosk views
    citizen_note: Mapped[str | None] = mapped_column(Text)  # the note written for the citizen (public view)
    # unguessable: the slip's QR and URL carry it; the public look-up answers only for it
    public_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_urlsafe(16))
    id_number: Mapped[str | None] = mapped_column(String(20))  # for the citizen's own look-up
    masked_id: Mapped[str] = mapped_column(String(20))
    applicant: Mapped[dict[str, Any] | None]
    fields: Mapped[dict[str, Any] | None]
    declared_at: Mapped[dt.datetime]  # when the kiosk (or the counter) filed it
    received_at: Mapped[dt.datetime | None]  # when an officer accepted the papers ("Tiếp nhận")
    appointment_date: Mapped[dt.date | None] = mapped_column(Date)  # set on reception
    appointment_at: Mapped[dt.datetime | None]  # date and hour of the result, set on reception
    received_by: Mapped[str | None] = mapped_column(String(120))  # the officer's display name
    received_by_user: Mapped[str | None] = mapped_column(String(80))  # the officer's username
    documents_received: Mapped[list[str] | None] = mapped_column(JSON)  # names from the catalogue
    sets: Mapped[int | None] = mapped_column(Integer)  # number of sets (bộ) handed in
    missing_documents: Mapped[list[str] | None] = mapped_column(JSON)  # asked for with more_documents
    updated_at: Mapped[dt.datetime]
    kiosk_id: Mapped[str | None] = mapped_column(String(40))
    volunteer_code: Mapped[str | None] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    local_ref: Mapped[str | None] = mapped_column(String(80))
    purged_at: Mapped[dt.datetime | None]
    official_code: Mapped[str | None] = mapped_column(String(60))  # the province's code (models/handoff.py)

    history: Mapped[list["DossierHistory"]] = relationship(
        order_by="DossierHistory.id", lazy="selectin", cascade="all, delete-orphan")


class DossierHistory(Base):
    __tablename__ = "dossier_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))  # user:NAME | kiosk:ID | system (not shown to kiosks)


class ProcedureRow(Base):
    """One catalogue entry as the JSON the kiosks get; the catalogue's top level is a SettingRow."""
    __tablename__ = "procedures"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(80))


class CatalogueMeta(Base):
    """The catalogue's top level without "procedures" (sources, status_date, fields…); one row, id 1."""
    __tablename__ = "catalogue_meta"
    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[dt.datetime]
