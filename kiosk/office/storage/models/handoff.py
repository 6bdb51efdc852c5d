"""The hand-off outbox: one row per dossier to deliver to the province's one-stop system.

The row is written in the same transaction that makes the dossier `received`, so a crash (even
kill -9) between reception and delivery loses nothing: the delivery worker finds the row again.
A worker claims a due row by taking a lease (`lease_owner`, `lease_until`), so two office
processes never send the same dossier at once; the `Idempotency-Key` header (the local code)
covers a crash after the province got the request but before the answer was stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from kiosk.office.storage.models.base import Base
from kiosk.office.storage.models.dossier import Dossier


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoff_due", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # the connector when enqueued: http | folder
    state: Mapped[str] = mapped_column(String(10))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer)  # sends since the last enqueue or "Gửi lại"
    next_attempt_at: Mapped[dt.datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[dt.datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)  # the province's HTTP status, if any
    last_error: Mapped[str | None] = mapped_column(Text)  # shown to staff
    official_code: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
    delivered_by: Mapped[str | None] = mapped_column(String(80))  # connector:http | connector:folder | user:NAME

    # `dossier.handoff` without a line in dossier.py; loaded with the dossier list in one query
    dossier: Mapped[Dossier] = relationship(backref=backref("handoff", uselist=False, lazy="selectin"))
