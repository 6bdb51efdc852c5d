"""The office service checks: reachable, this kiosk's API key accepted, and the clocks agree."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from typing import Any

from kiosk import __version__
from kiosk.doctor.base import FAIL, PASS, SKIP, WARN, Context, Result, brief, one_line

CLOCK_WARN = 60.0  # seconds between this kiosk's clock and the office's
CLOCK_FAIL = 300.0  # ticket times and appointment dates visibly wrong

_NET_REASONS = ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
                "No route to host", "Network is unreachable", "timed out", "Connection reset")


def _net_reason(exc: BaseException) -> str:
    text = str(exc)
    for reason in _NET_REASONS:
        if reason in text:
            return reason.lower() if reason != "Connection refused" else "connection refused"
    return brief(exc, 100)


def _verify(ctx: Context) -> str | bool:
    """What the kiosk's client trusts (kiosk/link/client.py): [office] ca_file, else the system CAs."""
    return getattr(ctx.settings.office, "ca_file", "") or True


# --------------------------------------------------------------------------------------------
# office service and clock

def check_office(ctx: Context) -> list[Result]:
    if ctx.embedded:
        return _check_embedded_office(ctx) + [check_local_clock(ctx)]
    return _check_remote_office(ctx, ctx.settings.office.url)


def _check_embedded_office(ctx: Context) -> list[Result]:
    from kiosk.office.embedded import start_embedded

    try:
        office = start_embedded(ctx.settings, database_url=ctx.settings.office.database or None, demo=False)
    except Exception as exc:
        return [Result(FAIL, "office", f"embedded office service did not start ({brief(exc, 200)})",
                       "see the database line above; details with `kiosk -v doctor` or `journalctl -u kiosk -b`")]
    try:
        results = _check_remote_office(ctx, office.url, embedded=True)
    finally:
        office.stop()
    return [r for r in results if r.name == "office"]


def _check_remote_office(ctx: Context, url: str, *, embedded: bool = False) -> list[Result]:
    import requests

    s = ctx.settings
    timeout = s.office.timeout
    where = f"embedded office service (on {url} for this check)" if embedded else url
    no_clock = Result(SKIP, "clock", "not compared: the office service did not answer")
    try:
        t0 = time.time()
        r = requests.get(f"{url}/api/health", timeout=timeout, verify=_verify(ctx))
        t1 = time.time()
    except requests.exceptions.SSLError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc) and "hostname mismatch" not in str(exc).lower():
            return [Result(FAIL, "office", f"{url}: certificate not trusted: set [office] ca_file",
                           "copy the office's certificate (or the ward's CA) to this kiosk and name it in "
                           "[office] ca_file; see docs/DEPLOY.md, TLS"), no_clock]
        return [Result(FAIL, "office", f"{url}: TLS certificate not accepted ({brief(exc)})",
                       "check the server's certificate and that [office] url uses the right name"), no_clock]
    except requests.exceptions.Timeout:
        return [Result(FAIL, "office", f"{url} did not answer within {timeout:g} s",
                       "check the network cable or Wi-Fi and that the office server is on; raise [office] timeout "
                       "on a slow network"), no_clock]
    except requests.exceptions.RequestException as exc:
        return [Result(FAIL, "office", f"{url} not reachable ({_net_reason(exc)})",
                       "check that `kiosk serve` runs on the office server, the network, and [office] url"),
                no_clock]
    try:
        health = r.json()
        server_time = _parse_time(health["server_time"])
    except (ValueError, KeyError, TypeError):
        return [Result(FAIL, "office", f"{url}/api/health answered HTTP {r.status_code} without the service's "
                       "health data", "check [office] url: it must be the motcua-kiosk office service "
                       "(e.g. http://192.168.1.10:8080)"), no_clock]
    if r.status_code != 200 or not health.get("ok"):
        return [Result(FAIL, "office", f"{url}/api/health answered HTTP {r.status_code}",
                       "the office service cannot read its database: check it with `kiosk doctor` on the server"),
                no_clock]
    elapsed_ms = (t1 - t0) * 1000
    office = _check_key(ctx, url, where, elapsed_ms)
    skew = (server_time - dt.datetime.fromtimestamp((t0 + t1) / 2, dt.timezone.utc)).total_seconds()
    return [office, clock_result(skew, health.get("timezone"), s.ward.timezone)]


def _check_key(ctx: Context, url: str, where: str, elapsed_ms: float) -> Result:
    import requests

    s = ctx.settings
    body: dict[str, Any] = {"version": __version__}
    for device in ("printer", "scanner"):
        if device in ctx.facts:
            body[device] = ctx.facts[device]
    try:
        r = requests.post(f"{url}/api/kiosks/{s.kiosk.id}/heartbeat", json=body, timeout=s.office.timeout,
                          headers={"Authorization": f"Bearer {s.kiosk.api_key}"}, verify=_verify(ctx))
    except requests.exceptions.RequestException as exc:
        return Result(FAIL, "office", f"{where} answered health but not the heartbeat ({brief(exc)})",
                      "check the network; raise [office] timeout on a slow network")
    reached = f"{where} answers ({elapsed_ms:.0f} ms)"
    if r.status_code == 200:
        return Result(PASS, "office", f"{reached}; API key of kiosk {s.kiosk.id} accepted")
    error = _error_field(r)
    if r.status_code == 401:
        return Result(FAIL, "office", f"{reached}; API key of kiosk {s.kiosk.id} NOT accepted ({error})",
                      "set [kiosk] api_key to the key the office administrator created for this kiosk")
    if r.status_code == 403:
        return Result(FAIL, "office", f"{reached}; the API key belongs to another kiosk ({error})",
                      "set [kiosk] id to the kiosk this key was made for, or ask the administrator for this "
                      "kiosk's key")
    return Result(FAIL, "office", f"{reached}; heartbeat refused with HTTP {r.status_code} ({error})",
                  "check that kiosk and office service run the same version (sudo scripts/install-pi.sh)")


def _error_field(r: Any) -> str:
    try:
        data = r.json()
    except ValueError:
        return f"HTTP {r.status_code}"
    err = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(err, dict):
        return one_line(err.get("message") or err.get("code") or err)[:120]
    return one_line(err)[:120]


def _parse_time(value: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def clock_result(skew: float, office_tz: str | None, ward_tz: str) -> Result:
    """Compare the office's clock with ours; skew > 0: the office is ahead."""
    direction = "ahead of" if skew > 0 else "behind"
    found = f"office clock {abs(skew):.0f} s {direction} this kiosk"
    if abs(skew) < 1:
        found = "office clock and this kiosk agree (within 1 s)"
    fix = ("set the clocks right: `timedatectl status` on this kiosk and on the office server, then "
           "`sudo timedatectl set-ntp true` (the Pi has no battery clock and needs network time)")
    if abs(skew) > CLOCK_FAIL:
        return Result(FAIL, "clock", found + "; ticket times and appointment dates would be wrong", fix)
    if abs(skew) > CLOCK_WARN:
        return Result(WARN, "clock", found, fix)
    if office_tz and office_tz != ward_tz:
        return Result(WARN, "clock", f"{found}; the office uses time zone {office_tz}, this kiosk {ward_tz}",
                      f"set [ward] timezone = \"{office_tz}\" on the kiosk (or fix it on the office server)")
    return Result(PASS, "clock", found)


def check_local_clock(ctx: Context) -> Result:
    """The embedded office uses this machine's clock: is it plausible and synchronised?"""
    now = dt.datetime.now(dt.timezone.utc)
    fix = ("connect the kiosk to the network so it gets the time (sudo timedatectl set-ntp true), or set it: "
           "sudo timedatectl set-time 'YYYY-MM-DD HH:MM:SS'")
    if now.year < 2025:
        return Result(FAIL, "clock", f"this machine's clock says {now:%Y-%m-%d %H:%M} UTC", fix)
    try:
        r = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
                           capture_output=True, text=True, timeout=5)
        synced = r.stdout.strip() if r.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        synced = ""
    shown = f"{now:%Y-%m-%d %H:%M} UTC"
    if synced == "yes":
        return Result(PASS, "clock", f"{shown}, synchronised with network time")
    if synced == "no":
        return Result(WARN, "clock", f"{shown}, NOT synchronised with network time", fix)
    return Result(SKIP, "clock", f"{shown}; cannot tell whether it is synchronised (no timedatectl answer)")
