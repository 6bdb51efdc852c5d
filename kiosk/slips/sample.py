"""`kiosk print-sample`: the installer's first test: a sample Vietnamese ticket, with the QR code
of a real ticket when [office] public_url is set, without one (as real tickets) when not.

With `file:PATH` the file receives exactly the bytes a printer would; with `preview` the PNG
shows what the paper would look like.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from kiosk.config import PUBLIC_URL_HINT
from kiosk.slips.ticket import ticket_blocks

SAMPLE_TICKET = {
    "id": 0,
    "number": "A001",
    "service": "HT",
    "service_name_vi": "Hộ tịch (in thử)",
    "service_name_en": "Civil status (test print)",
    "status": "waiting",
    "priority": "elderly",
    "ahead": 3,
    "estimated_wait_minutes": 12,
    "public_token": "in-thu-mau",
    "counters": [1, 2],
}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def sample_blocks(settings, *, issued_at: datetime | None = None, lang: str = "vi"):
    ticket = {**SAMPLE_TICKET, "issued_at": (issued_at or _now()).isoformat()}
    # the real ticket's rule: a QR only with [office] public_url (an address phones can open)
    return ticket_blocks(ticket, settings.ward, lang, public_url_base=settings.office.public_url)


def main(settings, *, printer: str | None, width: int | None) -> int:
    from devices.printer import PrinterSpecError, open_printer

    spec = printer or settings.printer.connection
    try:
        device = open_printer(spec, paper_width=width or settings.printer.paper_width,
                              profile=settings.printer.profile, mode=settings.printer.mode,
                              state_dir=settings.kiosk.state_path())
    except PrinterSpecError as exc:
        print(f"print-sample: {exc}", file=sys.stderr)
        return 2
    result = device.print_blocks(sample_blocks(settings), "sample-ticket")
    if not result.ok:
        fault = result.fault
        print(f"print-sample: not printed on {device.describe()}: {fault.kind}: {fault.detail}", file=sys.stderr)
        return 1
    where = f"; preview: {result.preview_png}" if result.preview_png else ""
    print(f"sample ticket sent to {device.describe()} ({result.bytes_sent} bytes){where}")
    if not settings.office.public_url:
        print(f"note: no QR code on the ticket: {PUBLIC_URL_HINT}")
    return 0
