"""Who may call the office: staff users, kiosks, web sessions (staff and volunteers) and login attempts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.office.storage.models.base import Base


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(10))  # staff | admin
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class WebSession(Base):
    """A browser logged in: staff on the console pages, or a volunteer on the /volunteer page.

    The cookie (or bearer header) holds the token, the table only its hash. `subject_id` is a
    users.id for kind "staff" and a volunteers.id for kind "volunteer", so there is no foreign
    key; deactivating a user or volunteer deletes their sessions explicitly.
    """
    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_session_subject", "kind", "subject_id"),)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # staff | volunteer
    subject_id: Mapped[int] = mapped_column(Integer)
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
