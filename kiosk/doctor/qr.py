"""The QR codes' address ([office] public_url, issue 15): set, not this machine's loopback, answering.

Without it tickets and slips print no QR code, which works, so every finding here is a warning.
The check asks /api/health at that address from the kiosk: a phone on the lobby Wi-Fi may still see
another network, but a typo or a server that is off shows up here.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from kiosk.config import PUBLIC_URL_HINT
from kiosk.doctor.base import PASS, WARN, Context, Result
from kiosk.doctor.office import _net_reason, _verify


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_public_url(ctx: Context) -> Result:
    import requests

    url = ctx.settings.office.public_url
    if not url:
        return Result(WARN, "qr", "no [office] public_url: tickets and slips print no QR code", PUBLIC_URL_HINT)
    if _loopback(urlsplit(url).hostname or ""):
        return Result(WARN, "qr", f"{url} is this machine's own address: no phone can open it", PUBLIC_URL_HINT)
    try:
        r = requests.get(f"{url}/api/health", timeout=ctx.settings.office.timeout, verify=_verify(ctx))
        r.raise_for_status()
    except requests.RequestException as exc:
        return Result(WARN, "qr", f"{url} does not answer from this kiosk ({_net_reason(exc)})",
                      "check [office] public_url, and that the office server is on and reachable at that address")
    return Result(PASS, "qr", f"tickets' QR codes open {url}/t/… (it answers here)")
