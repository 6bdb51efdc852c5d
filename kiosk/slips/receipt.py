"""The dossier declaration slip ("PHIẾU XÁC NHẬN KHAI HỒ SƠ"): dossier + procedure + ward settings
+ language -> layout blocks.

The kiosk only takes a declaration: nothing is received until an officer has checked the original
papers at the counter and pressed "Tiếp nhận" (then the office issues the official receipt, Mẫu 01,
with the real appointment). So this slip is not an official form and carries no national motto. It
says what to do next (take a number in the procedure's field and hand in the originals at the
queue's counters), which papers to bring, split into "Bắt buộc" and "Nếu có" (the catalogue's
`needed`), the fee, and the appointment expected if the dossier is complete. It is the citizen's
own paper, so it carries their name, but the ID number only masked. It never sends the citizen to
the national portal: the local code does not exist there.

Two variants:
- sent: the office gave a dossier code -> the code (large, and as a QR the kiosk's scanner, the
  officer's scanner in /dossiers and a phone all understand);
- saved: the office was unreachable -> "saved, will be sent automatically" with the outbox's
  local reference, which later resolves to the code (Outbox.resolve, or at the counter).

`next_steps` gives the same content as lines for the kiosk's result screen.

Plain Python (no Pillow, no printer), built like kiosk/slips/ticket.py and reusing its helpers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from devices.printer.blocks import QR, Block, Cut, Rule, Spacer, Text
from kiosk.domain.cccd import mask_id
from kiosk.domain.counters import counters_text, place_without_counters
from kiosk.domain.scan import DOSSIER_PREFIX, classify
from kiosk.domain.ward import fill_ward_all
from kiosk.slips.ticket import WORDS as TICKET_WORDS
from kiosk.slips.ticket import _issued_local, _nfc, ward_contact

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "PHIẾU XÁC NHẬN KHAI HỒ SƠ",
        "not_received": "Hồ sơ chưa được tiếp nhận: cán bộ sẽ kiểm tra bản chính tại quầy.",
        "code": "Mã hồ sơ",
        "saved": "Máy chưa gửi được hồ sơ. Hồ sơ đã được lưu và sẽ được gửi tự động đến hệ thống của phường.",
        "local_ref": "Số tham chiếu",
        "saved_later": "Mã hồ sơ sẽ có khi hồ sơ được gửi. Ông/bà tra cứu bằng số tham chiếu này tại máy tự "
                       "phục vụ (quét mã QR) hoặc hỏi tại quầy.",
        "procedure": "Thủ tục: {name}",
        "applicant": "Người khai: {name}",
        "id_number": "Số định danh: {masked}",
        "declared": "Khai lúc: {time}, {date}",
        "next": "Bước tiếp theo:",
        "next_step": "Lấy số thứ tự lĩnh vực {field} và nộp bản chính tại {counters}.",
        "next_step_place": "Lấy số thứ tự lĩnh vực {field} và nộp bản chính tại {place}.",
        "next_step_any": "Lấy số thứ tự lĩnh vực {field} và nộp bản chính tại quầy tiếp nhận.",
        "bring": "Giấy tờ cần mang theo:",
        "required": "Bắt buộc:",
        "if_any": "Nếu có:",
        "original": " (bản chính)",
        "no_documents": "Không cần mang thêm giấy tờ.",
        "fee": "Lệ phí: {fee}",
        "fee_amount": "{amount} đồng",
        "fee_free": "Miễn lệ phí",
        "expected": "Ngày hẹn dự kiến nếu hồ sơ đầy đủ: {day}",
        "expected_note": "Ngày hẹn chính thức ghi trên giấy tiếp nhận cán bộ cấp tại quầy.",
        "track": "Tra cứu hồ sơ:",
        "track_kiosk": "• Tại máy tự phục vụ: quét mã QR này",
        "track_phone": "• Bằng điện thoại, mở địa chỉ:",
        "keep": "Xin ông/bà giữ phiếu này và mang theo khi nộp bản chính.",
    },
    "en": {
        "title": "DOSSIER DECLARATION SLIP",
        "not_received": "Not received yet: an officer checks the originals at the counter.",
        "code": "Dossier code",
        "saved": "The kiosk could not send your dossier yet. It is saved and will be sent automatically "
                 "to the ward's system.",
        "local_ref": "Reference",
        "saved_later": "The dossier code comes once it is sent. Look it up with this reference at the "
                       "kiosk (scan the QR) or ask at the counter.",
        "procedure": "Procedure: {name}",
        "applicant": "Declared by: {name}",
        "id_number": "ID number: {masked}",
        "declared": "Declared: {time}, {date}",
        "next": "Next step:",
        "next_step": "Take a queue number for {field} and hand in the originals at {counters}.",
        "next_step_place": "Take a queue number for {field} and hand in the originals at {place}.",
        "next_step_any": "Take a queue number for {field} and hand in the originals at the reception counter.",
        "bring": "Papers to bring:",
        "required": "Required:",
        "if_any": "If applicable:",
        "original": " (original)",
        "no_documents": "No other papers needed.",
        "fee": "Fee: {fee}",
        "fee_amount": "{amount} VND",
        "fee_free": "Free",
        "expected": "Expected result date if the dossier is complete: {day}",
        "expected_note": "The official date is on the receipt the officer gives you at the counter.",
        "track": "Follow your dossier:",
        "track_kiosk": "• At the kiosk: scan this QR code",
        "track_phone": "• On your phone, open:",
        "keep": "Please keep this slip and bring it when you hand in the originals.",
    },
}

WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


def day_text(day: date | str, lang: str = "vi") -> str:
    """"Thứ Ba, 01/12/2026" / "Tuesday 1 December 2026" (a written-out month cannot be misread)."""
    d = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    if isinstance(d, datetime):
        d = d.date()
    if lang == "en":
        return f"{WEEKDAYS['en'][d.weekday()]} {d.day} {MONTHS_EN[d.month - 1]} {d.year}"
    return f"{WEEKDAYS['vi'][d.weekday()]}, {d.strftime('%d/%m/%Y')}"


def fee_text(amount: int, lang: str = "vi") -> str:
    """8000 -> "8.000 đồng" / "8,000 VND"; 0 -> "Miễn lệ phí" / "Free"."""
    w = WORDS[lang]
    if amount <= 0:
        return w["fee_free"]
    grouped = f"{amount:,}"
    return w["fee_amount"].format(amount=grouped.replace(",", ".") if lang == "vi" else grouped)


def tracking_qr(code: str, tracking_url_base: str, *, token: str | None = None, url: bool = True) -> str | None:
    """What the receipt's QR holds: the tracking URL `…/d/<token>` when the office gave the dossier
    an unguessable token and the kiosk's scanner reads the URL back as it (a phone can open it too;
    the public page answers only for the token, never for the sequential code), else
    "MCHS:<code>" (the kiosk looks a code up with its key), else nothing. url=False: only the
    "MCHS:" form (a local reference, which only the kiosk can resolve before the office has it)."""
    candidates: list[tuple[str, str]] = []
    if url and token and tracking_url_base:
        candidates.append((f"{tracking_url_base.rstrip('/')}/d/{quote(token, safe='')}", token))
    candidates.append((DOSSIER_PREFIX + code, code))
    for data, expected in candidates:
        found = classify(data)
        if found.kind == "dossier" and found.code == expected:
            return data
    return None


def _field(procedure: Any, key: str, default: Any = None) -> Any:
    """Procedures come as catalogue dicts (procedures.json, the office API) or catalogue.Procedure."""
    if isinstance(procedure, dict):
        return procedure.get(key, default)
    return getattr(procedure, key, default)


def documents_to_bring(procedure: Any, lang: str = "vi") -> tuple[list[str], list[str]]:
    """(required, if applicable): the procedure's papers in the citizen's language, "(bản chính)"
    added to an original unless its text already says so; "never" entries (notes) left out."""
    required: list[str] = []
    if_any: list[str] = []
    for doc in _field(procedure, "documents", ()) or ():
        if not isinstance(doc, dict):  # catalogue.Document
            doc = {"vi": doc.vi, "en": doc.en, "original_required": doc.original_required, "needed": doc.needed}
        needed = doc.get("needed", "always")
        if needed == "never":
            continue
        text = _nfc(doc.get(lang) or doc.get("vi") or "")
        if doc.get("original_required") and not any(w in text.lower() for w in ("bản chính", "original")):
            text += WORDS[lang]["original"]
        (if_any if needed == "if_applicable" else required).append(text)
    return required, if_any


def _localized(procedure: Any, key: str, lang: str) -> str:
    return _nfc(_field(procedure, f"{key}_{lang}") or _field(procedure, f"{key}_vi") or "")


def next_step(procedure: Any, counters: Any, lang: str = "vi") -> str:
    """"Lấy số thứ tự lĩnh vực Hộ tịch và nộp bản chính tại quầy số 1 hoặc 3." The counters come
    from the queue's configuration; while they are not known, the catalogue's place."""
    w = WORDS[lang]
    field = _localized(procedure, "field", lang)
    where = counters_text(counters, lang)
    if where:
        return w["next_step"].format(field=field, counters=where)
    place = place_without_counters(_localized(procedure, "handover", lang))
    if place:
        return w["next_step_place"].format(field=field, place=place)  # a department's name: as written
    return w["next_step_any"].format(field=field)


def _fee(dossier: dict, procedure: Any, lang: str) -> str:
    fee_vnd = dossier.get("fee_vnd")
    return fee_text(int(fee_vnd), lang) if isinstance(fee_vnd, int) else _localized(procedure, "fee_text", lang)


def _filled(procedure: Any, ward: Any) -> Any:
    """The catalogue's texts with {department}, {address}... of the ward (the dict form the kiosk
    prints from; a catalogue.Procedure is printed as it is)."""
    return fill_ward_all(procedure, ward) if isinstance(procedure, dict) and ward is not None else procedure


def next_steps(dossier: dict, procedure: Any, lang: str = "vi", *, counters: Any = None,
               ward: Any = None) -> list[str]:
    """The slip's guidance as lines for the kiosk's result screen: next step, the expected
    appointment, fee, papers to bring (required, then if applicable)."""
    lang = lang if lang in WORDS else "vi"
    w = WORDS[lang]
    procedure = _filled(procedure, ward)
    lines = [w["not_received"], w["next"] + " " + next_step(procedure, counters, lang)]
    # what fits on a small screen first: the date and the fee, then the list of papers
    if dossier.get("expected_date"):
        lines.append(w["expected"].format(day=day_text(dossier["expected_date"], lang)))
    fee = _fee(dossier, procedure, lang)
    if fee:
        lines.append(w["fee"].format(fee=fee))
    required, if_any = documents_to_bring(procedure, lang)
    if required or if_any:
        lines.append(w["bring"])
        if required:
            lines += [w["required"]] + [f"• {d}" for d in required]
        if if_any:
            lines += [w["if_any"]] + [f"• {d}" for d in if_any]
    else:
        lines.append(w["no_documents"])
    return lines


def receipt_blocks(dossier: dict, procedure: Any, ward: Any, lang: str = "vi", *,
                   tracking_url_base: str, counters: Any = None) -> list[Block]:
    """The printed declaration slip for a submitted dossier.

    `dossier`: {"code" (None while only saved), "public_token"? (the office's; the QR's URL), "local_ref", "declared_at" (the office's, or when the
    outbox stored it), "expected_date"? (the appointment if the dossier is complete, computed by the
    kiosk with the working-day calendar), "applicant": {"full_name", "id_number"?}, "fee_vnd"?}
    (see `dossier_for_receipt`). `procedure`: the catalogue entry (its {department}... filled from
    `ward`). `ward`: kiosk.domain.ward.WardIdentity (or the config's [ward]).
    `counters`: the queue's open counters for the procedure's field (the office's services list,
    as a ticket in that field prints them); None or [] while not known: the place alone.
    """
    lang = lang if lang in WORDS else "vi"
    w = WORDS[lang]
    procedure = _filled(procedure, ward)
    code = dossier.get("code")
    code = _nfc(code) if code else None
    local_ref = _nfc(dossier.get("local_ref") or "")
    applicant = dossier.get("applicant") or {}

    blocks: list[Block] = [
        Text(_nfc(ward.name).upper(), size=20, bold=True),
        Text(_nfc(ward.department), size=18),
        *ward_contact(ward, TICKET_WORDS[lang]["phone"]),
        Rule(),
        Text(w["title"], size=24, bold=True),
        Text(w["not_received"], size=18),
        Spacer(6),
    ]
    qr_data = None
    if code:
        qr_data = tracking_qr(code, tracking_url_base, token=dossier.get("public_token"))
        blocks += [Text(w["code"], size=20), Text(code, size=36, bold=True)]
    else:
        if local_ref:
            qr_data = tracking_qr(local_ref, tracking_url_base, url=False)
        blocks += [
            Text(w["saved"], size=20),
            Spacer(4),
            Text(w["local_ref"], size=20),
            Text(local_ref or "—", size=32, bold=True),
            Text(w["saved_later"], size=18),
        ]
    if qr_data:
        blocks.append(QR(qr_data, size=4))

    details: list[str] = []
    name = _localized(procedure, "name", lang)
    if name:
        details.append(w["procedure"].format(name=name))
    if applicant.get("full_name"):
        details.append(w["applicant"].format(name=_nfc(applicant["full_name"])))
    if applicant.get("id_number"):
        details.append(w["id_number"].format(masked=mask_id(_nfc(applicant["id_number"]))))
    when_text = dossier.get("declared_at") or dossier.get("received_at")
    if when_text:
        when = _issued_local(when_text, ward.timezone)
        details.append(w["declared"].format(time=when.strftime("%H:%M"), date=when.strftime("%d/%m/%Y")))
    blocks += [Spacer(6)] + [Text(t, size=22, align="left") for t in details]

    blocks += [Spacer(6), Text(w["next"], size=22, bold=True, align="left"),
               Text(next_step(procedure, counters, lang), size=22, align="left")]
    required, if_any = documents_to_bring(procedure, lang)
    blocks += [Spacer(6), Text(w["bring"] if required or if_any else w["no_documents"], size=20, bold=True,
                               align="left")]
    for heading, docs in ((w["required"], required), (w["if_any"], if_any)):
        if docs:
            blocks.append(Text(heading, size=20, bold=True, align="left"))
            blocks += [Text(f"• {doc}", size=20, align="left") for doc in docs]

    fee = _fee(dossier, procedure, lang)
    if fee:
        blocks += [Spacer(4), Text(w["fee"].format(fee=fee), size=20, align="left")]
    if dossier.get("expected_date"):
        blocks += [Text(w["expected"].format(day=day_text(dossier["expected_date"], lang)), size=22, bold=True,
                        align="left"),
                   Text(w["expected_note"], size=18, align="left")]

    track_id = code or local_ref
    blocks += [Rule(), Text(w["track"], size=20, bold=True, align="left")]
    if qr_data:
        blocks.append(Text(w["track_kiosk"], size=20, align="left"))
    if qr_data and qr_data.startswith(("http://", "https://")):
        blocks += [Text(w["track_phone"], size=20, align="left"), Text(qr_data, size=16)]
    blocks += [Spacer(8), Text(w["keep"], size=18)]
    if track_id:
        blocks.append(Text(track_id, size=18))
    blocks.append(Cut())
    return blocks


def dossier_for_receipt(entry: Any, applicant: dict, *, fee_vnd: int | None = None,
                        expected_date: date | str | None = None) -> dict:
    """The slip's `dossier` from an outbox Entry (sent or still pending) and the session's applicant.

    Once sent, the entry keeps the office's code and dates but not the payload, so the name comes
    from the session. `expected_date`: the appointment if the dossier is complete."""
    response = entry.response or {}
    dossier = {
        "code": entry.code,
        "public_token": response.get("public_token"),
        "local_ref": entry.local_ref,
        "declared_at": response.get("declared_at") or response.get("received_at") or entry.created_at,
        "expected_date": expected_date,
        "applicant": {k: applicant.get(k) for k in ("full_name", "id_number") if applicant.get(k)},
    }
    if fee_vnd is not None:
        dossier["fee_vnd"] = fee_vnd
    return dossier
