"""Models of youth volunteers, their assisted-mode sessions at kiosks and the kiosks' help requests (assisted mode).

A volunteer is a person the office knows by name only: no phone, no ID number. The badge code is
the volunteer's public handle (it rides on tickets and dossiers as `volunteer_code`); the PIN is
stored only as an argon2 hash.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.office.storage.models.base import Base


class Volunteer(Base):
    __tablename__ = "volunteers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # random, on the badge after VOLUNTEER_BADGE_PREFIX
    name: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]
    deactivated_at: Mapped[dt.datetime | None]


class VolunteerAssist(Base):
    """A volunteer started assisted mode at a kiosk: one citizen helped."""
    __tablename__ = "volunteer_assists"
    __table_args__ = (Index("ix_volunteer_assist_started", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(10))  # badge | pin
    started_at: Mapped[dt.datetime]


class HelpRequest(Base):
    """"Cần hỗ trợ" pressed on a kiosk: which kiosk, which screen, never who the citizen is."""
    __tablename__ = "help_requests"
    __table_args__ = (Index("ix_help_request_day_status", "day", "status"),
                      Index("ix_help_request_kiosk_status", "kiosk_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(40))
    screen: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # open | taken | closed
    day: Mapped[dt.date] = mapped_column(Date)  # local day it was asked
    created_at: Mapped[dt.datetime]
    taken_at: Mapped[dt.datetime | None]
    taken_by_volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    taken_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taker_name: Mapped[str | None] = mapped_column(String(200))  # first name shown on the kiosk
    closed_at: Mapped[dt.datetime | None]
    closed_reason: Mapped[str | None] = mapped_column(String(20))  # done | cancelled
