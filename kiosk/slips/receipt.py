"""What the dossier receipt says: dossier + procedure + ward settings + language -> layout blocks.

Modelled on the "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" handed out at one-stop desks: who
received what, from whom, when, when the result is due, which papers to bring in original, the
fee, and how to follow the dossier. It is the citizen's own paper, so it carries their name,
but the ID number only masked.

Two variants:
- sent: the office gave a dossier code -> the code (large, and as a QR the kiosk's scanner and a
  phone both understand), the appointment date;
- saved: the office was unreachable -> "saved, will be sent automatically" with the outbox's
  local reference, which later resolves to the code (Outbox.resolve, or at the counter).

Plain Python (no Pillow, no printer), built like kiosk/slips/ticket.py and reusing its helpers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from devices.printer.blocks import QR, Block, Cut, Rule, Spacer, Text
from kiosk.domain.cccd import mask_id
from kiosk.domain.counters import handover_text
from kiosk.domain.scan import DOSSIER_PREFIX, classify
from kiosk.slips.ticket import _issued_local, _nfc

NATIONAL_PORTAL = "dichvucong.gov.vn"

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập\u00a0- Tự do\u00a0- Hạnh phúc",
        "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "code": "Mã hồ sơ",
        "saved_title": "HỒ SƠ ĐÃ ĐƯỢC LƯU",
        "saved": "Hồ sơ đã được lưu và sẽ được gửi tự động đến Bộ phận Tiếp nhận và trả kết quả.",
        "local_ref": "Số tham chiếu",
        "saved_later": "Mã hồ sơ và ngày hẹn trả sẽ có khi hồ sơ được gửi. Ông/bà tra cứu bằng số tham chiếu "
                       "này tại máy tự phục vụ (quét mã QR) hoặc hỏi tại quầy.",
        "procedure": "Thủ tục: {name}",
        "applicant": "Người nộp: {name}",
        "id_number": "Số định danh: {masked}",
        "received": "Nhận lúc: {time}, {date}",
        "saved_at": "Lưu lúc: {time}, {date}",
        "appointment": "Hẹn trả kết quả: {day}",
        "processing": "Thời gian giải quyết: {text}",
        "originals": "Mang theo bản chính khi đến nộp/nhận kết quả:",
        "no_originals": "Không cần mang thêm giấy tờ bản chính.",
        "handover": "Nộp bản chính và nhận kết quả tại: {place}",
        "fee": "Lệ phí: {fee}",
        "fee_amount": "{amount} đồng",
        "fee_free": "Miễn lệ phí",
        "track": "Tra cứu hồ sơ:",
        "track_kiosk": "• Tại máy tự phục vụ: quét mã QR này",
        "track_phone": "• Bằng điện thoại, mở địa chỉ:",
        "track_portal": "• Cổng Dịch vụ công quốc gia: " + NATIONAL_PORTAL,
        "keep": "Xin ông/bà giữ giấy này để nhận kết quả.",
    },
    "en": {
        "nation": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence\u00a0- Freedom\u00a0- Happiness",
        "title": "DOSSIER RECEIPT AND APPOINTMENT",
        "code": "Dossier code",
        "saved_title": "YOUR DOSSIER IS SAVED",
        "saved": "Your dossier is saved and will be sent automatically to the reception department.",
        "local_ref": "Reference",
        "saved_later": "The dossier code and the appointment date come once it is sent. Look it up "
                       "with this reference at the kiosk (scan the QR) or ask at the counter.",
        "procedure": "Procedure: {name}",
        "applicant": "Applicant: {name}",
        "id_number": "ID number: {masked}",
        "received": "Received: {time}, {date}",
        "saved_at": "Saved: {time}, {date}",
        "appointment": "Result due: {day}",
        "processing": "Processing time: {text}",
        "originals": "Bring these papers in original:",
        "no_originals": "No original papers needed.",
        "handover": "Hand in originals and collect the result at: {place}",
        "fee": "Fee: {fee}",
        "fee_amount": "{amount} VND",
        "fee_free": "Free",
        "track": "Follow your dossier:",
        "track_kiosk": "• At the kiosk: scan this QR code",
        "track_phone": "• On your phone, open:",
        "track_portal": "• National public service portal: " + NATIONAL_PORTAL,
        "keep": "Please keep this paper to collect your result.",
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


def tracking_qr(code: str, tracking_url_base: str, *, url: bool = True) -> str | None:
    """What the receipt's QR holds: the tracking URL when the kiosk's scanner reads it back as this
    dossier (a phone can open it too), else "MCHS:<code>", else nothing. url=False: only the
    "MCHS:" form (a local reference, which only the kiosk can resolve before the office has it)."""
    candidates = [f"{tracking_url_base.rstrip('/')}/d/{quote(code, safe='')}"] if url else []
    for data in candidates + [DOSSIER_PREFIX + code]:
        found = classify(data)
        if found.kind == "dossier" and found.code == code:
            return data
    return None


def _field(procedure: Any, key: str, default: Any = None) -> Any:
    """Procedures come as catalogue dicts (procedures.json, the office API) or catalogue.Procedure."""
    if isinstance(procedure, dict):
        return procedure.get(key, default)
    return getattr(procedure, key, default)


def _originals(procedure: Any, lang: str) -> list[str]:
    names = []
    for doc in _field(procedure, "documents", ()) or ():
        if not isinstance(doc, dict):  # catalogue.Document
            doc = {"vi": doc.vi, "en": doc.en, "original_required": doc.original_required}
        if doc.get("original_required"):
            names.append(_nfc(doc.get(lang) or doc.get("vi") or ""))
    return names


def _localized(procedure: Any, key: str, lang: str) -> str:
    return _nfc(_field(procedure, f"{key}_{lang}") or _field(procedure, f"{key}_vi") or "")


def receipt_blocks(dossier: dict, procedure: Any, ward: Any, lang: str = "vi", *,
                   tracking_url_base: str, counters: Any = None) -> list[Block]:
    """The printed receipt for a submitted dossier.

    `dossier`: {"code" (None while only saved), "local_ref", "received_at" (the office's, or when the
    outbox stored it), "appointment_date"?, "applicant": {"full_name", "id_number"?}, "fee_vnd"?}
    (see `dossier_for_receipt`). `procedure`: the catalogue entry. `ward`: config.Ward.
    `counters`: the queue's open counters for the procedure's field (the office's services list,
    as a ticket in that field prints them); None or [] while not known: the place alone.
    """
    lang = lang if lang in WORDS else "vi"
    w = WORDS[lang]
    code = dossier.get("code")
    code = _nfc(code) if code else None
    local_ref = _nfc(dossier.get("local_ref") or "")
    applicant = dossier.get("applicant") or {}

    blocks: list[Block] = [
        Text(_nfc(ward.name).upper(), size=20, bold=True),
        Text(_nfc(ward.department), size=18),
        Spacer(4),
        Text(w["nation"], size=16, bold=True),
        Text(w["motto"], size=16),
        Rule(),
    ]
    qr_data = None
    if code:
        qr_data = tracking_qr(code, tracking_url_base)
        blocks += [
            Text(w["title"], size=24, bold=True),
            Spacer(6),
            Text(w["code"], size=20),
            Text(code, size=36, bold=True),
        ]
    else:
        if local_ref:
            qr_data = tracking_qr(local_ref, tracking_url_base, url=False)
        blocks += [
            Text(w["saved_title"], size=26, bold=True),
            Spacer(4),
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
    if dossier.get("received_at"):
        when = _issued_local(dossier["received_at"], ward.timezone)
        key = "received" if code else "saved_at"
        details.append(w[key].format(time=when.strftime("%H:%M"), date=when.strftime("%d/%m/%Y")))
    blocks += [Spacer(6)] + [Text(t, size=22, align="left") for t in details]
    if code and dossier.get("appointment_date"):
        blocks.append(Text(w["appointment"].format(day=day_text(dossier["appointment_date"], lang)),
                           size=24, bold=True, align="left"))
    elif not code and _localized(procedure, "processing_text", lang):
        blocks.append(Text(w["processing"].format(text=_localized(procedure, "processing_text", lang)),
                           size=20, align="left"))

    originals = _originals(procedure, lang)
    blocks += [Spacer(6), Text(w["originals"] if originals else w["no_originals"], size=20, bold=True, align="left")]
    blocks += [Text(f"• {doc}", size=20, align="left") for doc in originals]
    handover = handover_text(counters, _localized(procedure, "handover", lang), lang)
    if handover:
        blocks.append(Spacer(4))
        blocks.append(Text(w["handover"].format(place=handover), size=20, align="left"))

    fee_vnd = dossier.get("fee_vnd")
    fee = fee_text(int(fee_vnd), lang) if isinstance(fee_vnd, int) else _localized(procedure, "fee_text", lang)
    if fee:
        blocks.append(Text(w["fee"].format(fee=fee), size=20, align="left"))

    track_id = code or local_ref
    blocks += [Rule(), Text(w["track"], size=20, bold=True, align="left")]
    if qr_data:
        blocks.append(Text(w["track_kiosk"], size=20, align="left"))
    if qr_data and qr_data.startswith(("http://", "https://")):
        blocks += [Text(w["track_phone"], size=20, align="left"), Text(qr_data, size=16)]
    if code:
        blocks.append(Text(w["track_portal"], size=20, align="left"))
    blocks += [Spacer(8), Text(w["keep"], size=18)]
    if track_id:
        blocks.append(Text(track_id, size=18))
    blocks.append(Cut())
    return blocks


def dossier_for_receipt(entry: Any, applicant: dict, *, fee_vnd: int | None = None) -> dict:
    """The receipt's `dossier` from an outbox Entry (sent or still pending) and the session's applicant.

    Once sent, the entry keeps the office's code and dates but not the payload, so the name comes
    from the session."""
    response = entry.response or {}
    dossier = {
        "code": entry.code,
        "local_ref": entry.local_ref,
        "received_at": response.get("received_at") or entry.created_at,
        "appointment_date": response.get("appointment_date"),
        "applicant": {k: applicant.get(k) for k in ("full_name", "id_number") if applicant.get(k)},
    }
    if fee_vnd is not None:
        dossier["fee_vnd"] = fee_vnd
    return dossier
