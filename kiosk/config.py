"""The kiosk's configuration: one TOML file, validated at start.

Every setting has a default that serves `kiosk demo`, so an empty file is a valid config.
A bad file raises `ConfigError` whose message is one line naming the key, the bad value and
what is allowed; the CLI prints that line and exits 2 (no traceback).
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kiosk.domain import opening_hours
from kiosk.domain.timezone import check_timezone
from kiosk.domain.ward import DEFAULT_DEPARTMENT
from kiosk.paths import default_state_dir

TimeZone = Annotated[str, AfterValidator(check_timezone)]

ENV_VAR = "KIOSK_CONFIG"


class ConfigError(Exception):
    """A configuration problem, worded for the installer in one line."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Ward(_Section):
    """[ward]: the ward's identity (kiosk.domain.ward). It seeds the office's stored identity at
    first start; after that /admin ("Thông tin đơn vị") is the one source, and the kiosk shows
    this section only while the office is unreachable."""
    name: str = Field("UBND phường Bến Thành", min_length=1, max_length=200)
    department: str = Field(DEFAULT_DEPARTMENT, min_length=1, max_length=200)
    office_code: str = Field("BT", pattern=r"^[A-Za-z0-9.\-]{1,20}$")
    address: str = Field("Số 1 đường Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh", max_length=300)
    phone: str = Field("", max_length=40)  # printed on tickets, slips and the office's forms
    hours_text: str = Field("Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00", max_length=300)
    logo: str = ""  # optional PNG printed on the PDFs' header
    timezone: TimeZone = "Asia/Ho_Chi_Minh"

    @field_validator("logo")
    @classmethod
    def _png(cls, v: str) -> str:
        if not v:
            return v
        path = Path(v).expanduser()
        try:
            head = path.read_bytes()[:8]
        except OSError:
            raise ValueError("cannot read the file (a PNG image is expected)") from None
        if head != b"\x89PNG\r\n\x1a\n":
            raise ValueError("not a PNG image")
        return str(path)


class Display(_Section):
    fullscreen: Literal["auto", "yes", "no"] = "auto"
    width: int = Field(1024, ge=320, le=7680)
    height: int = Field(600, ge=240, le=4320)
    rotation: Literal[0, 90, 180, 270] = 0
    maxfps: int = Field(30, ge=1, le=120)
    idle_fps: int = Field(10, ge=1, le=120, description="frames per second on an untouched screen (at most maxfps)")
    idle_fps_after: int = Field(5, ge=1, le=3600, description="seconds without a touch, key or scan before idle_fps")
    idle_timeout: int = Field(60, ge=10, le=3600, description="seconds without a touch before asking")
    idle_countdown: int = Field(30, ge=30, le=120, description="seconds the question stays up (30 at least: elderly citizens read slowly)")
    language: Literal["vi", "en"] = "vi"
    show_cursor: bool = False


class Printer(_Section):
    # usb:VID:PID | serial:/dev/...?baudrate=N | network:HOST[:PORT] | cups:QUEUE | file:PATH
    # | preview:DIR | preview (state dir) | none
    connection: str = "preview"
    paper_width: Literal[58, 80] = 80
    profile: str = "default"
    mode: Literal["raster", "text"] = "raster"

    @field_validator("connection")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        scheme = v.split(":", 1)[0]
        allowed = ("usb", "serial", "network", "cups", "file", "preview", "none")
        if scheme not in allowed:
            raise ValueError(f"must start with one of {', '.join(allowed)}")
        return v


class Scanner(_Section):
    # pty (simulated) | serial:/dev/serial/by-id/...?baudrate=N | hid | none
    connection: str = "pty"
    terminator: Literal["auto", "CR", "LF", "CRLF"] = "auto"
    quiet_gap_ms: int = Field(120, ge=20, le=2000)

    @field_validator("connection")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        scheme = v.split(":", 1)[0]
        allowed = ("pty", "serial", "hid", "none")
        if scheme not in allowed:
            raise ValueError(f"must start with one of {', '.join(allowed)}")
        return v


class Connector(_Section):
    """[office.connector]: how received dossiers reach the province's one-stop system (issue 14).

    none: staff type the official code by hand; http: POST each dossier to `url` (retried with
    backoff until it succeeds); folder: write `<local code>.json` into `folder` (a file drop).
    `secret` lets the provincial side report status changes to POST /api/connector/status.
    """
    kind: Literal["none", "http", "folder"] = "none"
    url: str = ""
    token: str = ""
    folder: str = ""
    timeout: float = Field(10.0, gt=0, le=120)
    secret: str = ""
    retry_first_seconds: float = Field(5.0, gt=0, le=3600)  # first retry after a 5xx/timeout, doubling
    retry_max_seconds: float = Field(900.0, gt=0, le=86400)  # cap between two retries

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s):// URL")
        return v

    @field_validator("token", "secret")
    @classmethod
    def _header_safe(cls, v: str) -> str:
        # sent or compared in an Authorization header: HTTP headers carry ASCII only
        if v and not (v.isascii() and v.isprintable() and " " not in v):
            raise ValueError("use ASCII letters, digits and punctuation only (no spaces, no accents)")
        return v

    @model_validator(mode="after")
    def _kind_needs(self) -> "Connector":
        if self.kind == "http" and not self.url:
            raise ValueError('kind = "http" needs url = "http(s)://…"')
        if self.kind == "folder" and not self.folder:
            raise ValueError('kind = "folder" needs folder = "/path/to/the/drop"')
        return self


class Hours(_Section):
    """[office.hours]: when tickets are issued, per weekday, as "HH:MM-HH:MM" ranges. A day left
    out of the table is closed; without the table, Monday–Friday 07:30–11:30 and 13:30–17:00."""
    mon: list[str] = []
    tue: list[str] = []
    wed: list[str] = []
    thu: list[str] = []
    fri: list[str] = []
    sat: list[str] = []
    sun: list[str] = []

    @field_validator(*opening_hours.DAYS)
    @classmethod
    def _ranges(cls, v: list[str]) -> list[str]:
        opening_hours.parse_day(v)
        return v

    @model_validator(mode="after")
    def _some_day(self) -> "Hours":
        if not any(getattr(self, d) for d in opening_hours.DAYS):
            raise ValueError("no opening hours on any day; give at least one day, e.g. mon = [\"07:30-11:30\"]")
        return self

    def table(self) -> dict[str, tuple[str, ...]]:
        return {d: tuple(getattr(self, d)) for d in opening_hours.DAYS if getattr(self, d)}


PUBLIC_URL_HINT = ('set public_url = "http://<address citizens\' phones reach>" in the [office] section of the '
                   'config: the ward\'s web address, or this server\'s name on the lobby Wi-Fi (docs/DEPLOY.md)')


def _public_url(v: str) -> str:
    from urllib.parse import urlsplit

    if not v:
        return v
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("must be an http(s):// address citizens' phones can open, e.g. https://motcua.example.gov.vn")
    return v.rstrip("/")


class Office(_Section):
    url: str = "embedded"  # "embedded" runs the office service inside the kiosk process
    database: str = ""  # for embedded: SQLAlchemy URL; empty = SQLite in the state folder
    timeout: float = Field(5.0, gt=0, le=60)
    # personal data of closed dossiers is purged after this many days (`kiosk office purge`)
    retention_days: int = Field(365, ge=30, le=3650)
    # a dossier declared at the kiosk and not brought to the counter after this many days is
    # listed in /dossiers for staff to follow up or cancel
    stale_declared_days: int = Field(3, ge=1, le=90)
    # local announcements on top of the national calendar, for appointment dates
    extra_holidays: list[date] = []
    extra_workdays: list[date] = []
    connector: Connector = Connector()
    # TLS (docs/DEPLOY.md, "TLS"): `kiosk serve` answers https with this certificate and key (PEM)
    tls_cert: str = ""
    tls_key: str = ""
    # the kiosk trusts an https office signed by this CA or self-signed certificate (PEM); empty = system CAs
    ca_file: str = ""
    # addresses of a reverse proxy terminating TLS: from them X-Forwarded-Proto/-For are believed
    trusted_proxies: list[str] = []
    # the address citizens' phones reach (the ward's public web address, or the office's LAN name
    # over the lobby Wi-Fi): tickets, slips and the board encode it + /t/…, /d/…, /board.
    # Empty: tickets and slips print no QR code and no address (`kiosk doctor` warns)
    public_url: Annotated[str, AfterValidator(_public_url)] = ""
    # [office.hours] and [office.caps] (numbers a day per service code); `--demo` is open at all hours
    hours: Hours = Hours(**{d: list(r) for d, r in opening_hours.DEFAULT_HOURS.items()})
    caps: dict[str, int] = {}

    @field_validator("caps")
    @classmethod
    def _caps(cls, v: dict[str, int]) -> dict[str, int]:
        return opening_hours.check_caps(v)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v != "embedded" and not v.startswith(("http://", "https://")):
            raise ValueError('must be "embedded" or an http(s):// URL')
        return v.rstrip("/")

    @field_validator("ca_file")
    @classmethod
    def _readable(cls, v: str) -> str:
        # checked here: requests would only fail at the first call, with an OSError
        if v and not Path(v).expanduser().is_file():
            raise ValueError("file not found")
        return str(Path(v).expanduser()) if v else v

    @model_validator(mode="after")
    def _tls_pair(self) -> "Office":
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("tls_cert and tls_key go together: set both or neither")
        return self


class Audio(_Section):
    """The kiosk's and the lobby board's voice (kiosk/voice)."""

    enabled: bool = True
    engine: Literal["espeak-ng", "piper", "none"] = "espeak-ng"
    voice: str = Field("vi", pattern=r"^[A-Za-z0-9_+\-]{1,40}$")  # espeak-ng voice for Vietnamese
    voice_en: str = Field("en", pattern=r"^[A-Za-z0-9_+\-]{1,40}$")  # and for English
    piper_model: str = ""  # a Piper .onnx voice model (its .onnx.json beside it); for engine = "piper"
    rate: int = Field(140, ge=80, le=300)  # words per minute
    volume: int = Field(100, ge=0, le=200)
    # default | hdmi | jack | alsa:DEVICE | file:DIR (writes WAVs, as the printer's file:) | none
    output: str = "default"
    quiet_hours: str = ""  # "21:00-06:00": no voice in these hours (a kiosk left on overnight)
    board_repeat: int = Field(2, ge=1, le=3)  # the board says each call this many times
    cache_dir: str = ""  # rendered prompts; empty = the state folder's voice/

    @field_validator("output")
    @classmethod
    def _output(cls, v: str) -> str:
        if v in ("default", "hdmi", "jack", "none") or (v.startswith(("alsa:", "file:")) and len(v) > 5):
            return v
        raise ValueError("must be default, hdmi, jack, none, alsa:DEVICE or file:DIR")

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        from kiosk.voice.speaker import parse_quiet_hours

        try:
            parse_quiet_hours(v)
        except ValueError:
            raise ValueError('must be "HH:MM-HH:MM" (for example "21:00-06:00") or empty') from None
        return v

    @model_validator(mode="after")
    def _model(self) -> "Audio":
        if self.engine == "piper" and not self.piper_model:
            raise ValueError('engine "piper" needs piper_model, the path of a .onnx voice model')
        return self


class Kiosk(_Section):
    id: str = Field("kiosk-1", pattern=r"^[A-Za-z0-9_.\-]{1,40}$")
    api_key: str = "demo-kiosk-key"
    state_dir: str = ""

    def state_path(self) -> Path:
        return Path(self.state_dir).expanduser() if self.state_dir else default_state_dir()


class Settings(_Section):
    ward: Ward = Ward()
    display: Display = Display()
    printer: Printer = Printer()
    scanner: Scanner = Scanner()
    office: Office = Office()
    kiosk: Kiosk = Kiosk()
    audio: Audio = Audio()
    source: str = Field("", exclude=True)  # the file it came from, for messages


def _describe(error: dict[str, Any], source: str) -> str:
    loc = [str(p) for p in error["loc"]]
    where = f"[{loc[0]}] {'.'.join(loc[1:])}" if len(loc) > 1 else f"[{loc[0]}]" if loc else "(top)"
    kind = error["type"]
    if kind == "extra_forbidden":
        model: Any = Settings
        for part in loc[:-1]:  # down to the table holding the unknown key ([office.connector] too)
            field = getattr(model, "model_fields", {}).get(part)
            model = field.annotation if field else None
        allowed = sorted(getattr(model, "model_fields", None) or Settings.model_fields)
        allowed = [a for a in allowed if a != "source"]
        msg = f"unknown key; allowed: {', '.join(allowed)}"
        return f"config error in {source}: {where}: {msg}"
    msg = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    secret = loc and loc[-1] in ("token", "secret", "api_key")  # the error line may end up in a log
    shown = f" = {value!r}" if not isinstance(value, dict) and not secret else ""
    return f"config error in {source}: {where}{shown}: {msg}"


def parse(data: dict[str, Any], source: str = "<config>") -> Settings:
    try:
        return Settings.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0], source)) from None


def load(path: str | os.PathLike[str] | None = None) -> Settings:
    """Load the config from PATH, $KIOSK_CONFIG, or defaults when neither is given."""
    path = path or os.environ.get(ENV_VAR)
    if not path:
        return Settings()
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config error: file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config error: cannot read {p}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config error in {p}: not valid TOML: {exc}") from None
    return parse(data, str(p))
