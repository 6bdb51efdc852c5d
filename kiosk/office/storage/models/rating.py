"""Citizens' ratings of the service at a counter, and the rating devices (a tablet or phone on the
counter, locked to it by a device key whose hash only is stored).

A rating says nothing about the citizen: one per finished ticket, a score 1–4 and tap-only reasons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.office.storage.models.base import Base


class CounterDevice(Base):
    """The rating device of one counter: the key an admin issued (rotating replaces it)."""
    __tablename__ = "counter_devices"
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[dt.datetime]
    issued_by: Mapped[str] = mapped_column(String(80))


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (Index("ix_rating_counter_created", "counter_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    officer: Mapped[str | None] = mapped_column(String(60))  # username of who pressed "finish", if staff
    score: Mapped[int] = mapped_column(Integer)  # 1 Không hài lòng … 4 Rất hài lòng
    reasons: Mapped[list[Any]] = mapped_column(JSON)  # codes from operations.ratings.REASONS, only for scores 1–2
    created_at: Mapped[dt.datetime]
    via: Mapped[str] = mapped_column(String(10))  # counter | phone
