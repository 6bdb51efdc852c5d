"""What a queue ticket says: ticket data + ward settings + language -> layout blocks.

Plain Python (no Pillow, no printer). The printer in devices/printer renders the blocks.
A ticket never carries the citizen's name or ID number: only the number, the field, the
counter(s), the wait, the time, the priority category and a QR to the public ticket page.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from devices.printer.blocks import QR, Block, Cut, Rule, Spacer, Text
from kiosk.domain.counters import counter_numbers, counters_text
from kiosk.i18n import fill

# The ticket's own words, in one place (vi first, en as the switch).
WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "your_number": "SỐ THỨ TỰ",
        "counter": "Mời ông/bà đến {counters}",
        "ahead_none": "Ông/bà là người tiếp theo",
        "ahead": "Trước ông/bà còn {n} người",
        "wait": "Dự kiến chờ khoảng {n} phút",
        "wait_soon": "Sắp đến lượt ông/bà",
        "priority": "Ưu tiên: {category}\u00a0— xác nhận tại quầy",
        "scan": "Quét mã để xem lượt gọi",
        "issued": "{date}  {time}",
        "advice": "Xin chú ý màn hình gọi số.",
        "phone": "Điện thoại: {phone}",
    },
    "en": {
        "your_number": "YOUR NUMBER",
        "counter": "Please go to {counters}",
        "ahead_none": "You are next",
        "ahead": "{n} {n:person|people} before you",
        "wait": "Estimated wait: about {n} min",
        "wait_soon": "Your turn is coming soon",
        "priority": "Priority: {category}\u00a0— confirm at the counter",
        "scan": "Scan to follow the queue",
        "issued": "{date}  {time}",
        "advice": "Please watch the number screen.",
        "phone": "Phone: {phone}",
    },
}

# One name per kiosk.domain.contract.PRIORITY_CATEGORIES code (checked by a test).
PRIORITY_NAMES: dict[str, dict[str, str]] = {
    "elderly": {"vi": "Người cao tuổi", "en": "elderly"},
    "disability": {"vi": "Người khuyết tật", "en": "disability"},
    "pregnant": {"vi": "Phụ nữ mang thai", "en": "pregnancy"},
    "merit": {"vi": "Người có công với cách mạng", "en": "meritorious service"},
    "child_carer": {"vi": "Người đưa theo trẻ nhỏ", "en": "young child"},
}


def _nfc(s: Any) -> str:
    return unicodedata.normalize("NFC", str(s)).strip()


def _issued_local(issued_at: Any, tz: str) -> datetime:
    if isinstance(issued_at, datetime):
        when = issued_at
    else:
        when = datetime.fromisoformat(str(issued_at).replace("Z", "+00:00"))
    if when.tzinfo is None:  # the office service stores UTC
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(ZoneInfo(tz))


def ward_contact(ward: Any, phone_words: str) -> list[Block]:
    """The ward's address and phone under its name (a ticket and a slip), when it has them."""
    address, phone = _nfc(getattr(ward, "address", "")), _nfc(getattr(ward, "phone", ""))
    return ([Text(address, size=16)] if address else []) + ([Text(phone_words.format(phone=phone), size=16)]
                                                            if phone else [])


def ticket_blocks(ticket: dict, ward: Any, lang: str = "vi", *, public_url_base: str) -> list[Block]:
    """The printed ticket for `ticket` (the office API's ticket JSON) at `ward` (kiosk.domain.ward.WardIdentity,
    or the config's [ward]: name, department, address, phone, timezone)."""
    lang = lang if lang in WORDS else "vi"
    w = WORDS[lang]
    blocks: list[Block] = [
        Text(_nfc(ward.name), size=22, bold=True),
        Text(_nfc(ward.department), size=20),
        *ward_contact(ward, w["phone"]),
        Rule(),
        Text(w["your_number"], size=22, bold=True),
        Spacer(4),
        Text(_nfc(ticket["number"]), size=120, bold=True),
        Spacer(6),
    ]
    service = ticket.get(f"service_name_{lang}") or ticket.get("service_name_vi") or ticket.get("service", "")
    if service:
        blocks.append(Text(_nfc(service), size=26, bold=True))
    if counter_numbers(ticket.get("counters")):  # the queue's open counters for this field
        blocks.append(Text(w["counter"].format(counters=counters_text(ticket["counters"], lang)), size=24))

    ahead = ticket.get("ahead")
    if ahead is not None:
        blocks.append(Text(w["ahead_none"] if int(ahead) <= 0 else fill(w["ahead"], n=int(ahead)), size=20))
    wait = ticket.get("estimated_wait_minutes")
    if wait is not None:
        blocks.append(Text(w["wait_soon"] if int(wait) <= 0 else w["wait"].format(n=int(wait)), size=20))

    priority = ticket.get("priority")
    if priority:
        names = PRIORITY_NAMES.get(priority, {})
        category = names.get(lang) or _nfc(priority)
        blocks += [Spacer(4), Text(w["priority"].format(category=category), size=20, bold=True)]

    if public_url_base:  # [office] public_url: without it no QR (no phone could open the office's own address)
        url = f"{public_url_base.rstrip('/')}/t/{ticket['public_token']}"
        blocks += [Spacer(8), QR(url, size=5), Text(w["scan"], size=18)]
    else:
        blocks.append(Spacer(8))

    when = _issued_local(ticket["issued_at"], ward.timezone)
    blocks += [
        Text(w["issued"].format(time=when.strftime("%H:%M"), date=when.strftime("%d/%m/%Y")), size=20),
        Spacer(10),
        Text(w["advice"], size=20),
        Cut(),
    ]
    return blocks
