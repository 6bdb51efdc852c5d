"""The QR code on a Vietnamese citizen ID card (CCCD 2021-2024, thẻ căn cước from 2024-07-01).

The QR holds UTF-8 text, fields separated by "|":

- 7 fields (CCCD): id|old 9-digit number|name|ddmmyyyy birth|Nam/Nữ|address|ddmmyyyy issued
- 11+ fields (căn cước 2024): the same seven, then fields that are usually empty
- 6 fields (some phone apps): id|name|dd/mm/yyyy|sex|address|dd/mm/yyyy (no old number)

`parse` accepts what real scanners and terminals deliver (BOM, CR/LF, NFD, Latin-1/cp1252
mojibake, upper-case names) and raises `InvalidIdQR`, with a reason a citizen can read in
Vietnamese and English, for anything that is not a whole, valid card.

Plain Python: no Kivy, no I/O besides reading the bundled province list once.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from kiosk.paths import DATA

# Cards issued from this day are "thẻ căn cước" (Identification Law 2023), issued by the Ministry.
CC_START = date(2024, 7, 1)
ISSUER_CCCD = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
ISSUER_CC = "Bộ Công an"

# The gender/century digit G of PPP G YY NNNNNN: first year of the century for each pair.
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}

_REASONS = {
    # Where the QR is: front of the chip-based CCCD (TT 06/2021/TT-BCA), back of the thẻ căn cước
    # issued from 1/7/2024 (TT 16/2024/TT-BCA art. 6: "mã QR và chíp điện tử được gắn ở mặt sau").
    "not_id_card": (
        "Mã QR này không phải của thẻ căn cước. Thẻ căn cước công dân gắn chíp có mã QR ở mặt trước; "
        "thẻ căn cước cấp từ 1/7/2024 có mã QR ở mặt sau.",
        "This QR code is not from a citizen ID card. The chip-based citizen ID card (CCCD) has its QR "
        "code on the front; the ID card issued from 1 July 2024 has it on the back.",
    ),
    "truncated": (
        "Máy chưa đọc hết mã QR trên thẻ. Xin ông/bà giữ thẻ yên trước máy quét rồi quét lại.",
        "The QR code on the card was only partly read. Please hold the card still in front of the scanner "
        "and scan again.",
    ),
    "bad_date": (
        "Ngày tháng trong mã QR không hợp lệ. Xin quét lại hoặc nhờ cán bộ hỗ trợ.",
        "A date in the QR code is not valid. Please scan again or ask a staff member for help.",
    ),
    "bad_id_number": (
        "Số định danh trong mã QR không đủ 12 chữ số. Xin quét lại hoặc nhờ cán bộ hỗ trợ.",
        "The ID number in the QR code is not 12 digits. Please scan again or ask a staff member for help.",
    ),
    "bad_sex": (
        "Không đọc được giới tính trong mã QR. Xin quét lại hoặc nhờ cán bộ hỗ trợ.",
        "The sex field in the QR code could not be read. Please scan again or ask a staff member for help.",
    ),
    "missing_name": (
        "Mã QR không có họ tên. Xin quét lại hoặc nhờ cán bộ hỗ trợ.",
        "The QR code has no name. Please scan again or ask a staff member for help.",
    ),
}

# Warnings are codes (no personal data); the text is for staff.
WARNINGS = {
    "id_sex_mismatch": (
        "Giới tính không khớp với số định danh.",
        "The sex does not match the ID number.",
    ),
    "id_birth_year_mismatch": (
        "Năm sinh không khớp với số định danh.",
        "The birth year does not match the ID number.",
    ),
    "unknown_province": (
        "Mã tỉnh trong số định danh không có trong danh mục.",
        "The province code of the ID number is not in the list.",
    ),
    "old_id_format": (
        "Số CMND cũ không đúng 9 hoặc 12 chữ số.",
        "The old ID number is not 9 or 12 digits.",
    ),
    "text_lost_diacritics": (
        "Mã QR đã mất dấu tiếng Việt: hãy chuyển máy quét sang chế độ cổng nối tiếp (USB COM).",
        "The scan lost its Vietnamese letters: switch the scanner to USB serial (COM) mode.",
    ),
}


class InvalidIdQR(ValueError):
    """A scanned QR that is not a whole, valid ID card; `code` is stable, reasons are for citizens."""

    def __init__(self, code: str):
        self.code = code
        self.reason_vi, self.reason_en = _REASONS[code]
        super().__init__(code)  # args == (code,): the exception pickles and copies cleanly

    def __str__(self) -> str:
        return f"{self.code}: {self.reason_en}"

    def reason(self, lang: str = "vi") -> str:
        return self.reason_en if lang == "en" else self.reason_vi


def warning_text(code: str, lang: str = "vi") -> str:
    vi, en = WARNINGS.get(code, (code, code))
    return en if lang == "en" else vi


@lru_cache(maxsize=1)
def provinces() -> dict[str, str]:
    """Province code -> name (Circular 07/2016/TT-BCA), from assets/data/provinces.json."""
    with open(DATA / "provinces.json", encoding="utf-8") as f:
        return dict(json.load(f)["provinces"])


def mask_id(number: str) -> str:
    """First 3 and last 3 characters shown, the rest as '*' (safe for logs)."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 6) + number[-3:]


def title_name(name: str) -> str:
    """'NGUYỄN VĂN AN' -> 'Nguyễn Văn An'; keeps 'H'Hen' and 'Y-Moan' style names right."""
    return re.sub(r"[^\W\d_]+", lambda m: m[0][0].upper() + m[0][1:].lower(), name)


@dataclass(frozen=True, repr=False)
class CitizenId:
    id_number: str
    old_id_number: str | None
    full_name: str
    date_of_birth: date
    sex: str  # "Nam" or "Nữ"
    address: str
    issue_date: date | None
    card_type: str  # "CCCD" before 2024-07-01, "CC" from then
    issuer: str
    extra: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def age(self, on: date) -> int:
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))

    def masked_id(self) -> str:
        return mask_id(self.id_number)

    def applicant(self) -> dict[str, str]:
        """The applicant fields of a dossier (POST /api/dossiers), dates as ISO strings."""
        return {
            "id_number": self.id_number,
            "full_name": self.display_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
            "address": self.address,
        }

    @property
    def display_name(self) -> str:
        """The name in title case when the card gives it all upper (or all lower) case."""
        n = self.full_name
        return title_name(n) if n in (n.upper(), n.lower()) else n

    @property
    def province_code(self) -> str:
        return self.id_number[:3]

    @property
    def province_name(self) -> str | None:
        """Where the birth was registered (pre-2025 province names; the mergers kept the numbers)."""
        return provinces().get(self.province_code)

    # Personal data never lands in a log line by accident: only the masked number is shown.
    def __repr__(self) -> str:
        return f"CitizenId({self.masked_id()}, {self.card_type})"

    __str__ = __repr__


# --- text clean-up -------------------------------------------------------------------------

# cp1252's 0x80-0x9F printable characters, mapped back to their bytes.
_CP1252_BACK = {}
for _b in range(0x80, 0xA0):
    try:
        _CP1252_BACK[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
_MOJIBAKE_RUN = re.compile("[\u0080-\u00ff" + "".join(_CP1252_BACK) + "]+")


def _unmojibake_run(run: str) -> str:
    try:
        raw = bytes(_CP1252_BACK.get(c, ord(c)) for c in run)
        return raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return run


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 or cp1252 ('Nguyá»…n' -> 'Nguyễn').

    Each run of Latin-1/cp1252 characters is re-encoded to bytes and kept only if those bytes
    are valid UTF-8: real Vietnamese text ('Lê Hà') never is, so it is left alone.
    """
    for _ in range(2):  # some paths double-encode
        fixed = _MOJIBAKE_RUN.sub(lambda m: _unmojibake_run(m[0]), text)
        if fixed == text:
            break
        text = fixed
    return text


def clean(text: str) -> str:
    """BOM, mojibake, NFC, outer whitespace and line ends."""
    text = repair_mojibake(text)
    text = unicodedata.normalize("NFC", text)
    return text.replace("\ufeff", "").strip()


def _collapse(s: str) -> str:
    return " ".join(s.split())


# --- fields --------------------------------------------------------------------------------

_DATE = re.compile(r"([0-9]{2})[/.\-]?([0-9]{2})[/.\-]?([0-9]{4})")


def _parse_date(s: str, *, last: bool) -> date:
    m = _DATE.fullmatch(s)
    if not m:
        # A short run of digits at the very end is a scan cut off mid-date.
        if last and re.fullmatch(r"[0-9/.\-]{0,9}", s):
            raise InvalidIdQR("truncated")
        raise InvalidIdQR("bad_date")
    d, mth, y = (int(g) for g in m.groups())
    if not 1800 <= y <= 2299:  # the range the ID number's century digit can express
        raise InvalidIdQR("bad_date")
    try:
        return date(y, mth, d)
    except ValueError:
        raise InvalidIdQR("bad_date") from None


_SEX = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ", "nư": "Nữ", "nũ": "Nữ"}
_LOST = re.compile(r"[?\ufffd]")


def _parse_sex(s: str) -> tuple[str, bool]:
    """(sex, lost_diacritics). 'Nu' or 'N?' is a keyboard-mode scan of 'Nữ' ('Nam' has no marks)."""
    key = s.strip().lower()
    if key in ("nam", "nữ"):
        return _SEX[key], False
    if key in _SEX or (len(key) == 2 and key[0] == "n" and _LOST.match(key[1])):
        return "Nữ", True
    raise InvalidIdQR("bad_sex")


def _split(text: str) -> tuple[str, str | None, str, str, str, str, str | None, list[str]]:
    """The fields of any form, as (id, old, name, dob, sex, address, issued, extra)."""
    if "|" not in text:
        # Only the number came through (scan cut at the first separator), or something else.
        raise InvalidIdQR("truncated" if re.fullmatch(r"[0-9]{12}", text) else "not_id_card")
    f = text.split("|")
    if not re.fullmatch(r"[0-9]+", f[0].strip()):
        # Card-shaped text with a broken number, or some other "|"-separated code.
        raise InvalidIdQR("bad_id_number" if len(f) >= 6 and f[0].strip() else "not_id_card")
    if len(f) < 6:
        raise InvalidIdQR("truncated")
    second = f[1].strip()
    if re.fullmatch(r"[0-9]*", second):  # 7-field form: an old number (maybe empty)
        if len(f) < 7:
            raise InvalidIdQR("truncated")
        return f[0], second or None, f[2], f[3], f[4], f[5], f[6], f[7:]
    return f[0], None, f[1], f[2], f[3], f[4], f[5], f[6:]  # 6-field form


def id_number_warnings(id_number: str, dob: date, sex: str) -> list[str]:
    """Cross-check a 12-digit number (PPP G YY NNNNNN) against the birth year, sex and province
    code. Warnings, not rejections: numbers are sometimes re-issued. Used for scanned cards and
    for numbers a volunteer types by hand."""
    warnings = []
    g, yy = int(id_number[3]), int(id_number[4:6])
    if _CENTURY[g] + yy != dob.year:
        warnings.append("id_birth_year_mismatch")
    if ("Nữ" if g % 2 else "Nam") != sex:
        warnings.append("id_sex_mismatch")
    if id_number[:3] not in provinces():
        warnings.append("unknown_province")
    return warnings


def parse(text: str, *, today: date | None = None) -> CitizenId:
    """Parse the text of an ID-card QR; raise InvalidIdQR with a citizen-readable reason."""
    if not isinstance(text, str):
        raise InvalidIdQR("not_id_card")
    text = clean(text)
    id_raw, old, name, dob_s, sex_s, address, issued_s, extra = _split(text)
    warnings: list[str] = []

    id_number = id_raw.strip()
    if not re.fullmatch(r"[0-9]{12}", id_number):
        raise InvalidIdQR("bad_id_number")
    if old is not None and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old):
        warnings.append("old_id_format")

    name = _collapse(name)
    if not name:
        raise InvalidIdQR("missing_name")
    if not dob_s.strip():
        raise InvalidIdQR("bad_date")
    dob = _parse_date(dob_s.strip(), last=False)
    sex, lost = _parse_sex(sex_s)
    issued_s = issued_s.strip()
    issue_date = _parse_date(issued_s, last=not extra) if issued_s else None

    today = today or date.today()
    # A Pi without a real-time clock may boot in 1970; only trust a clock past the first chip cards.
    if today.year >= 2021 and (dob > today or (issue_date and issue_date > today)):
        raise InvalidIdQR("bad_date")
    if issue_date and issue_date < dob:
        raise InvalidIdQR("bad_date")

    warnings += id_number_warnings(id_number, dob, sex)
    if lost or _LOST.search(name) or _LOST.search(address):
        warnings.append("text_lost_diacritics")

    extra_t = tuple(_collapse(e) for e in extra if e.strip())
    if issue_date is not None:
        card_type = "CC" if issue_date >= CC_START else "CCCD"
    else:  # no issue date: the 11-field layout only exists on the 2024 card
        card_type = "CC" if len(extra) >= 4 else "CCCD"
    return CitizenId(
        id_number=id_number,
        old_id_number=old,
        full_name=name,
        date_of_birth=dob,
        sex=sex,
        address=_collapse(address),
        issue_date=issue_date,
        card_type=card_type,
        issuer=ISSUER_CC if card_type == "CC" else ISSUER_CCCD,
        extra=extra_t,
        warnings=tuple(warnings),
    )


# A keyboard-mode (HID) scanner cannot type Vietnamese on Linux: an ID card read that way loses
# its letters, and the kiosk must tell staff to switch the scanner to USB serial mode.
_ID_FRAME = re.compile(r"\s*\ufeff?[0-9]{12}\|")
_LOST = re.compile(r"[?\ufffd]")
# What a US layout can type, plus the Vietnamese letters a scan must carry when it is complete.
_VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
_ALLOWED = set(chr(c) for c in range(0x20, 0x7F)) | set(_VI_LETTERS) | set(_VI_LETTERS.upper())


def needs_serial_mode(text: str) -> bool:
    """True when TEXT is an ID-card QR that lost its Vietnamese letters on the way.

    Signs: a '?' or U+FFFD; a sex field that is neither "Nam" nor "Nữ" ("Nu", "N?"); characters
    a keyboard could not have meant (Alt-code debris); or name and address in plain ASCII, which
    a real card practically never has (its address always carries Vietnamese letters).
    """
    if not _ID_FRAME.match(text):
        return False
    t = unicodedata.normalize("NFC", text).strip().lstrip("\ufeff")
    if _LOST.search(t):
        return True
    fields = t.split("|")
    if re.fullmatch(r"[0-9]*", fields[1].strip()):  # the 7-field form (as `_split` decides)
        if len(fields) < 7:
            return False  # truncated: the parser's reason says "scan again"
        name, sex, address = fields[2], fields[4], fields[5]
    elif len(fields) >= 6:
        name, sex, address = fields[1], fields[3], fields[4]
    else:
        return False  # truncated: the parser's reason says "scan again"
    if sex.strip() not in ("Nam", "Nữ", "NAM", "NỮ"):
        return True
    body = name + address
    if any(ch not in _ALLOWED for ch in body):
        return True
    return body.isascii()
