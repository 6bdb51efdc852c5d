"""Which counters serve a field, in the words a citizen reads: "quầy số 1 hoặc 3", "counter 1 or 3".

One place for the screen, the printed ticket and the dossier slip, so they never disagree. The
numbers themselves always come from the queue's configuration (the office's services with their
open counters, the same list a ticket carries), never from free text in the procedure catalogue:
`handover_text` puts them before the catalogue's place and drops any counter number that text
still names (a catalogue seeded before counters were taken from the queue).

Plain Python.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

WORDS = {
    # (one counter, several): the citizen goes to one of them, so "hoặc"/"or" joins the last two
    "vi": ("quầy số {n}", "quầy số {ns} hoặc {last}"),
    "en": ("counter {n}", "counter {ns} or {last}", "counters {ns} or {last}"),
}

# "Quầy số 2 – ", "Quầy 1, 3: ", "Counter 2 - ", "Counters 1 and 3 – " at the start of a place
_LEADING_COUNTERS = re.compile(
    r"^\s*(?:quầy|counters?)\s*(?:số\s*)?\d+(?:\s*(?:,|và|hoặc|or|and|/)\s*\d+)*\s*(?:[–—:\-]\s*|$)",
    re.IGNORECASE)


def counter_numbers(counters: Iterable[Any] | None) -> list[str]:
    """The counters' numbers as text, each once, in number order. Counters may come as numbers,
    strings or {"number": ...} objects (the office's answers)."""
    found: list[str] = []
    for c in counters or ():
        if isinstance(c, dict):
            c = c.get("number") if c.get("number") not in (None, "") else c.get("name")
        if c is None or isinstance(c, bool):
            continue
        text = unicodedata.normalize("NFC", str(c)).strip()
        if text and text not in found:
            found.append(text)
    return sorted(found, key=lambda s: (0, int(s), "") if s.isdigit() else (1, 0, s))


def counters_text(counters: Iterable[Any] | None, lang: str = "vi", *, capital: bool = False) -> str:
    """"quầy số 2", "quầy số 1 hoặc 3", "quầy số 1, 2 hoặc 3"; "counter 2", "counter 1 or 3",
    "counters 1, 2 or 3". "" when no counter is known. capital=True starts it with a capital
    letter (a value standing alone: "Quầy số 1 hoặc 3")."""
    numbers = counter_numbers(counters)
    if not numbers:
        return ""
    words = WORDS["en" if lang == "en" else "vi"]
    if len(numbers) == 1:
        text = words[0].format(n=numbers[0])
    else:
        several = words[2] if lang == "en" and len(numbers) > 2 else words[1]
        text = several.format(ns=", ".join(numbers[:-1]), last=numbers[-1])
    return text[:1].upper() + text[1:] if capital else text


def place_without_counters(place: str) -> str:
    """A catalogue's handover place without the counter numbers it may start with:
    "Quầy số 2 – Trung tâm Phục vụ hành chính công" -> "Trung tâm Phục vụ hành chính công"."""
    place = unicodedata.normalize("NFC", place or "").strip()
    return _LEADING_COUNTERS.sub("", place, count=1).strip()


def handover_text(counters: Iterable[Any] | None, place: str, lang: str = "vi") -> str:
    """Where a procedure's originals are handed in, for the procedure page and the dossier slip:
    the queue's counters for its field, then the catalogue's place ("Quầy số 1 hoặc 3 – Trung
    tâm Phục vụ hành chính công"); the place alone while the counters are not known."""
    where = counters_text(counters, lang, capital=True)
    place = place_without_counters(place)
    return " – ".join(part for part in (where, place) if part)


def counters_for_field(services: Iterable[dict] | None, field_code: str) -> list[Any]:
    """The open counters the office's services list gives the queue of a catalogue field (the
    same numbers a ticket in that field carries); [] when the field has no queue or the list is
    not known yet."""
    from kiosk.domain.queue_rules import service_for_field

    service = service_for_field(list(services or ()), field_code)
    return list(service.get("counters") or ()) if service else []
