"""Settings of the office service: one validated object built from the kiosk config plus overrides."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from kiosk.config import Audio, Connector
from kiosk.domain import opening_hours as hours_rules
from kiosk.domain.timezone import check_timezone

TimeZone = Annotated[str, AfterValidator(check_timezone)]


class OfficeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str
    timezone: TimeZone = "Asia/Ho_Chi_Minh"
    ward_name: str = ""
    # the ward's identity on the official forms (receipt, requests, refusals)
    ward_department: str = "Trung tâm Phục vụ hành chính công"
    ward_address: str = ""
    ward_phone: str = ""
    ward_hours_text: str = ""
    ward_logo: str = ""  # path of a PNG (checked by the config); stored with the identity at seeding
    office_code: str = "BT"
    demo: bool = False
    # kiosks registered at start (id -> API key); the embedded office registers its own kiosk
    kiosk_keys: dict[str, str] = Field(default_factory=dict)
    session_hours: float = Field(12.0, gt=0)
    login_max_failures: int = Field(5, ge=1)
    login_window_minutes: float = Field(15.0, gt=0)
    cookie_secure: bool = False
    event_poll_seconds: float = Field(0.1, gt=0)
    sse_heartbeat_seconds: float = Field(15.0, gt=0)
    default_minutes_per_person: float = Field(5.0, gt=0)
    estimate_sample: int = Field(20, ge=1)
    rating_window_minutes: float = Field(10.0, gt=0, le=24 * 60)  # a finished ticket may be rated this long
    migrate: bool = True  # run `alembic upgrade head` when the app starts
    # dossiers: appointment calendar on top of VN public holidays, and data retention
    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()
    dossier_cutoff: dt.time = dt.time(15, 0)  # received later counts from the next working day
    dossier_retention_days: int = Field(365, ge=1)
    dossier_stale_days: int = Field(3, ge=1)  # a dossier declared longer ago than this is followed up in /dossiers
    audio: Audio = Audio()  # [audio]: the board's calls in the kiosks' voice, said board_repeat times
    connector: Connector = Connector()  # [office.connector]: hand-off to the province (operations/handoff.py)
    # limits against cheap ways to stop the office (issue 19; API.md "Limits")
    max_body_bytes: int = Field(256 * 1024, ge=1024)  # larger only where a route needs it:
    max_body_bytes_by_path: dict[str, int] = Field(default_factory=lambda: {"/api/admin/procedures/": 1024 * 1024})
    max_header_bytes: int = Field(16 * 1024, ge=4096)  # request line + headers (uvicorn's h11)
    max_event_streams: int = Field(256, ge=1)  # open /api/events per worker process
    max_event_streams_per_address: int = Field(32, ge=1)
    login_max_failures_per_address: int = Field(30, ge=1)  # across usernames, per login window
    password_hash_slots: int = Field(2, ge=1)  # argon2 verifications at once (each ~64 MiB, ~0.3 s)
    # a request blocked by another writer (SQLite) or waiting for a pooled connection gives up after
    # this long and answers 503 unavailable (Retry-After: 1), instead of hanging 30 s
    db_busy_timeout_seconds: float = Field(5.0, gt=0, le=60)
    trusted_origins: tuple[str, ...] = ()  # other sites allowed to post with the console's cookie
    trusted_proxies: tuple[str, ...] = ()  # peers whose X-Forwarded-Proto/-For are believed (TLS proxy)
    # issue 15: the address citizens' phones reach (the board's QR); empty: no QR
    public_url: str = ""
    # when tickets are issued ([office.hours]; not given: the usual week, or all hours in demo; fixed
    # at construction, so the workers of `kiosk serve --demo`, copied with demo off, stay open) and
    # daily caps per service code ([office.caps]); the rules are kiosk/domain/opening_hours.py
    opening_hours: dict[str, tuple[str, ...]] = Field(default_factory=lambda: dict(hours_rules.DEFAULT_HOURS))
    daily_caps: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _demo_hours(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("opening_hours") is None:
            data = {k: v for k, v in data.items() if k != "opening_hours"}
            if data.get("demo"):
                data["opening_hours"] = dict(hours_rules.ALWAYS_OPEN)
        return data

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        hours_rules.Schedule.parse(v)
        return v

    @field_validator("daily_caps")
    @classmethod
    def _caps(cls, v: dict[str, int]) -> dict[str, int]:
        return hours_rules.check_caps(v)

    def schedule(self) -> hours_rules.Schedule:
        return _schedule(tuple(sorted(self.opening_hours.items())))

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "OfficeSettings":
        """Build from the kiosk's Settings (sections ward, office, kiosk); overrides win."""
        url = overrides.pop("database_url", None) or settings.office.database or sqlite_url(
            settings.kiosk.state_path() / "office.db")
        base: dict[str, Any] = {
            "database_url": url,
            "timezone": settings.ward.timezone,
            "ward_name": settings.ward.name,
            "ward_department": settings.ward.department,
            "ward_address": settings.ward.address,
            "ward_phone": getattr(settings.ward, "phone", ""),
            "ward_hours_text": getattr(settings.ward, "hours_text", ""),
            "ward_logo": getattr(settings.ward, "logo", ""),
            "office_code": settings.ward.office_code,
        }
        # dossier calendar and retention, once the kiosk config's [office] section has them
        for ours, theirs in (("dossier_retention_days", "retention_days"), ("dossier_stale_days", "stale_declared_days"),
                             ("extra_holidays", "extra_holidays"), ("extra_workdays", "extra_workdays"),
                             *((n, n) for n in LIMITS)):
            value = getattr(settings.office, theirs, None)
            if value is not None:
                base[ours] = value
        base["audio"] = settings.audio
        connector = getattr(settings.office, "connector", None)
        if connector is not None:
            base["connector"] = connector
        base["public_url"] = getattr(settings.office, "public_url", "")
        base["daily_caps"] = dict(getattr(settings.office, "caps", {}))
        if not overrides.get("demo"):  # --demo is open at all hours, whatever the config says
            hours = getattr(settings.office, "hours", None)
            base["opening_hours"] = hours.table() if hours is not None else None
        base.update(overrides)
        return cls(**base)


LIMITS = ("max_body_bytes", "max_header_bytes", "max_event_streams", "max_event_streams_per_address",
          "login_max_failures_per_address", "password_hash_slots", "trusted_origins", "trusted_proxies",
          "db_busy_timeout_seconds")


@lru_cache(maxsize=8)
def _schedule(table: tuple) -> hours_rules.Schedule:
    return hours_rules.Schedule.parse(dict(table))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"
