"""Vietnamese input composition (Telex and VNI), in plain Python.

Our own composer, following the usual Unikey conventions, because the one library on PyPI
(bogo) is GPL-3 and unmaintained since 2014. It is stateless per word: the composer keeps the
composed text, and each key is applied to the trailing word of it. This lets the on-screen
keyboard continue a word the user typed earlier, and tone buttons act on the last word.

Telex: aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, uow/uwow ươ, w alone ư, dd đ;
tones s sắc, f huyền, r hỏi, x ngã, j nặng, z removes the tone. A doubled key undoes
(aaa → aa, ass → as, ddd → dd). Tone keys may be typed anywhere after the vowel.
VNI: 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng, 6 circumflex, 7 horn, 8 breve, 9 đ, 0 no tone.

Tone placement, `style`:
  "old" (default): hòa, hòe, thủy — the tone sits on the first vowel of an open oa/oe/uy.
  "new": hoà, hoè, thuỷ.
Both are correct Vietnamese. We default to "old" because it is Unikey's default, and it is how
most names on ID cards, birth certificates and other civil-status papers are spelled — a dossier
should spell "Hòa" the way the citizen's papers do. (Search in kiosk.domain.catalogue ignores the tone
anyway.) All output is NFC.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["Composer", "telex", "vni", "TONES", "STYLES"]

STYLES = ("old", "new")
VOWELS = frozenset("aeiouy")

# Tone numbers: 0 none, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng.
TONES = {1: "\u0301", 2: "\u0300", 3: "\u0309", 4: "\u0303", 5: "\u0323"}
_TONE_OF_MARK = {v: k for k, v in TONES.items()}
# Letter marks: circumflex, breve, horn.
_MARKS = {"circ": "\u0302", "breve": "\u0306", "horn": "\u031b"}
_MARK_OF_COMBINING = {v: k for k, v in _MARKS.items()}

_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_VNI_TONES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


@dataclass
class _Letter:
    base: str  # lower-case ASCII letter (or a literal character that is not a letter)
    upper: bool = False
    mark: str | None = None  # "circ" | "breve" | "horn" | "stroke" (đ)
    from_w: bool = False  # an ư typed as a lone Telex w: undoing it gives back the w

    @property
    def is_vowel(self) -> bool:
        return self.base in VOWELS


class _Word:
    """One word as letters plus a single tone, rendered by the orthography rules."""

    def __init__(self, letters: list[_Letter] | None = None, tone: int = 0):
        self.letters = letters or []
        self.tone = tone

    # -- parsing and rendering ---------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> "_Word":
        word = cls()
        for ch in text:
            decomposed = unicodedata.normalize("NFD", ch)
            base, marks = decomposed[0], decomposed[1:]
            if base in "đĐ":
                word.letters.append(_Letter("d", base == "Đ", "stroke"))
                continue
            letter = _Letter(base.lower(), base.isupper())
            for m in marks:
                if m in _TONE_OF_MARK:
                    word.tone = _TONE_OF_MARK[m]
                elif m in _MARK_OF_COMBINING:
                    letter.mark = _MARK_OF_COMBINING[m]
            word.letters.append(letter)
        return word

    def marks(self) -> list[str | None]:
        """Letter marks as spelled: ươ before a final, uơ at the end (thuở), ưo + final → ươ."""
        marks = [x.mark for x in self.letters]
        run = self._vowel_run()
        for a, b in zip(run, run[1:]):
            if self.letters[a].base != "u" or self.letters[b].base != "o":
                continue
            if a > 0 and self.letters[a - 1].base == "q":
                continue
            followed = b != len(self.letters) - 1
            if marks[b] == "horn" and marks[a] in (None, "horn"):
                marks[a] = "horn" if followed else None
            elif marks[a] == "horn" and marks[b] is None and followed:
                marks[b] = "horn"  # phuwongf → phường
        return marks

    def render(self, style: str = "old") -> str:
        marks = self.marks()
        tone_at = self._tone_position(style, marks) if self.tone else None
        out = []
        for i, letter in enumerate(self.letters):
            if marks[i] == "stroke":
                out.append("Đ" if letter.upper else "đ")
                continue
            ch = letter.base
            if marks[i]:
                ch += _MARKS[marks[i]]
            if i == tone_at:
                ch += TONES[self.tone]
            ch = unicodedata.normalize("NFC", ch)
            out.append(ch.upper() if letter.upper else ch)
        return unicodedata.normalize("NFC", "".join(out))

    # -- structure -------------------------------------------------------------------------
    def _vowel_run(self) -> list[int]:
        """Indexes of the last run of vowels in the word."""
        run: list[int] = []
        for i in range(len(self.letters) - 1, -1, -1):
            if self.letters[i].is_vowel:
                run.insert(0, i)
            elif run:
                break
        return run

    def _cluster(self) -> list[int]:
        """The vowel nucleus: the vowel run without the u of "qu" and the i of "gi" + vowel."""
        run = self._vowel_run()
        if len(run) > 1 and run[0] > 0:
            first, before = self.letters[run[0]], self.letters[run[0] - 1]
            if first.base == "u" and before.base == "q":
                run = run[1:]
            elif first.base == "i" and before.base == "g" and run[0] == 1:  # gi-, not ngi-
                run = run[1:]
        return run

    def has_vowel(self) -> bool:
        return bool(self._vowel_run())

    def _tone_position(self, style: str, marks: list[str | None] | None = None) -> int | None:
        marks = marks if marks is not None else self.marks()
        cluster = self._cluster()
        if not cluster:
            return None
        marked = [i for i in cluster if marks[i]]
        if marked:
            return marked[-1]  # ươ → ơ, iê → ê, uô → ô
        if len(cluster) == 1:
            return cluster[0]
        has_final = cluster[-1] != len(self.letters) - 1
        if has_final:
            return cluster[-1]  # hoàn, huỳnh, toán
        if len(cluster) >= 3:
            return cluster[1]  # hoài, khuỷu, ngoáy
        pair = self.letters[cluster[0]].base + self.letters[cluster[1]].base
        if style == "new" and pair in ("oa", "oe", "uy"):
            return cluster[1]
        return cluster[0]

    # -- edits -------------------------------------------------------------------------------
    def append(self, key: str) -> None:
        self.letters.append(_Letter(key.lower(), key.isupper()))

    def find_base(self, base: str) -> int | None:
        for i in reversed(self._vowel_run()):
            if self.letters[i].base == base:
                return i
        return None

    def set_tone(self, tone: int, key: str | None) -> bool:
        """Apply a tone; the same tone again removes it and types `key`. False if no vowel."""
        if not self.has_vowel():
            return False
        if tone == self.tone and key is not None:
            self.tone = 0
            self.append(key)
        else:
            self.tone = tone
        return True

    def circumflex(self, base: str | None, key: str | None) -> bool:
        """â ê ô on the given base (or the last a/e/o when base is None)."""
        if base is None:
            targets = [i for i in self._vowel_run() if self.letters[i].base in "aeo"]
            at = targets[-1] if targets else None
        else:
            at = self.find_base(base)
        if at is None:
            return False
        letter = self.letters[at]
        if letter.mark == "circ":
            letter.mark = None
            if key is not None:
                self.append(key)
        else:
            letter.mark = "circ"
        return True

    def breve(self, key: str | None) -> bool:
        at = self.find_base("a")
        if at is None:
            return False
        letter = self.letters[at]
        if letter.mark == "breve":
            letter.mark = None
            if key is not None:
                self.append(key)
        else:
            letter.mark = "breve"
        return True

    def horn(self, key: str | None, allow_a: bool) -> bool:
        """Telex w (allow_a: ă too) and VNI 7: ươ, else ă, else ơ, else ư."""
        run = self._vowel_run()
        targets: list[int] = []
        for a, b in zip(run, run[1:]):
            if self.letters[a].base == "u" and self.letters[b].base == "o":
                if not (a > 0 and self.letters[a - 1].base == "q"):
                    targets = [a, b]
        if not targets:
            for base in ("a", "o", "u") if allow_a else ("o", "u"):
                at = self.find_base(base)
                if at is not None:
                    targets = [at]
                    break
        if not targets:
            return False
        wanted = "breve" if self.letters[targets[0]].base == "a" else "horn"
        if all(self.letters[i].mark == wanted for i in targets):
            if len(targets) == 1 and self.letters[targets[0]].from_w and key is not None:
                self.letters[targets[0]] = _Letter("w", self.letters[targets[0]].upper)  # ww → w
                return True
            for i in targets:
                self.letters[i].mark = None
            if key is not None:
                self.append(key)
        else:
            for i in targets:
                self.letters[i].mark = wanted
        return True

    def stroke(self, key: str | None, adjacent: bool) -> bool:
        """đ: Telex dd needs the d just before; VNI 9 and the tone row act on the first d."""
        if adjacent:
            at = len(self.letters) - 1 if self.letters and self.letters[-1].base == "d" else None
        else:
            at = next((i for i, x in enumerate(self.letters) if x.base == "d"), None)
        if at is None:
            return False
        letter = self.letters[at]
        if letter.mark == "stroke":
            letter.mark = None
            if key is not None:
                self.append(key)
        else:
            letter.mark = "stroke"
        return True


def _is_word_char(ch: str) -> bool:
    return ch.isalpha()


class Composer:
    """Incremental composer for the on-screen keyboard.

    `press(key)` types one key; `backspace()` deletes one character; `text` is the whole
    composed text (NFC), `word` the word being composed; `commit()` ends the word.
    `tone(n)` and `modify(mark)` are the keyboard's direct buttons acting on the last word.
    """

    def __init__(self, method: str = "telex", style: str = "old", text: str = ""):
        if method not in ("telex", "vni"):
            raise ValueError(f"unknown input method {method!r}: use 'telex' or 'vni'")
        if style not in STYLES:
            raise ValueError(f"unknown tone style {style!r}: use 'old' or 'new'")
        self.method = method
        self.style = style
        self._head = ""  # committed text before the current word
        self._word = _Word()
        self.text = text

    # -- state ---------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return unicodedata.normalize("NFC", self._head + self._word.render(self.style))

    @text.setter
    def text(self, value: str) -> None:
        """Replace the text; its trailing word becomes the word being composed."""
        value = unicodedata.normalize("NFC", value)
        i = len(value)
        while i > 0 and _is_word_char(value[i - 1]):
            i -= 1
        self._head, self._word = value[:i], _Word.parse(value[i:])

    @property
    def word(self) -> str:
        return self._word.render(self.style)

    def commit(self) -> str:
        """End the current word (the next letter starts a new one); returns the whole text."""
        self._head = self.text
        self._word = _Word()
        return self._head

    def clear(self) -> None:
        self._head, self._word = "", _Word()

    # -- keys -------------------------------------------------------------------------------------
    def press(self, key: str) -> None:
        for ch in key:
            self._press(ch)

    def _press(self, key: str) -> None:
        w = self._word
        k = key.lower()
        handled = False
        if self.method == "telex" and key.isascii() and key.isalpha():
            if k in _TELEX_TONES:
                handled = w.set_tone(_TELEX_TONES[k], key)
            elif k == "z":
                if w.tone:
                    w.tone, handled = 0, True
            elif k in "aeo":
                handled = w.circumflex(k, key)
            elif k == "w":
                handled = w.horn(key, allow_a=True)
                if not handled and not w.has_vowel():
                    w.letters.append(_Letter("u", key.isupper(), "horn", from_w=True))  # w alone → ư
                    handled = True
            elif k == "d":
                handled = w.stroke(key, adjacent=True)
        elif self.method == "vni" and key in "0123456789" and w.letters:
            if key in _VNI_TONES:
                handled = w.set_tone(_VNI_TONES[key], key)
            elif key == "0":
                if w.tone:
                    w.tone, handled = 0, True
            elif key == "6":
                handled = w.circumflex(None, key)
            elif key == "7":
                handled = w.horn(key, allow_a=False)
            elif key == "8":
                handled = w.breve(key)
            elif key == "9":
                handled = w.stroke(key, adjacent=False)
        if handled:
            return
        if _is_word_char(key) or (self.method == "vni" and key.isdigit() and w.letters):
            w.append(key)
        else:
            self.commit()
            self._head += key

    def backspace(self) -> None:
        """Delete the last character; a tone on it goes with it."""
        w = self._word
        if not w.letters:
            if self._head:
                self.text = self._head[:-1]
            return
        if w.tone and w._tone_position(self.style) == len(w.letters) - 1:
            w.tone = 0
        w.letters.pop()
        if not w.has_vowel():
            w.tone = 0

    # -- direct buttons ---------------------------------------------------------------------------
    def tone(self, tone: int) -> bool:
        """Set tone 0–5 on the last word (tapping the same tone again removes it)."""

        def apply(w: _Word) -> bool:
            if not w.has_vowel():
                return False
            w.tone = 0 if tone == w.tone else tone
            return True

        return self._on_last_word(apply)

    def modify(self, mark: str) -> bool:
        """Apply "circ" (â ê ô), "breve" (ă), "horn" (ơ ư ươ) or "stroke" (đ) to the last word."""
        actions = {
            "circ": lambda w: w.circumflex(None, None),
            "breve": lambda w: w.breve(None),
            "horn": lambda w: w.horn(None, allow_a=False),
            "stroke": lambda w: w.stroke(None, adjacent=False),
        }
        if mark not in actions:
            raise ValueError(f"unknown mark {mark!r}")
        return self._on_last_word(actions[mark])

    def _on_last_word(self, action) -> bool:
        """Run an edit on the word being typed, or on the last word before trailing spaces."""
        if self._word.letters:
            return action(self._word)
        text = self.text
        end = len(text)
        while end > 0 and not _is_word_char(text[end - 1]):
            end -= 1
        tail = text[end:]
        self.text = text[:end]
        done = action(self._word)
        if tail:
            self.commit()
            self._head += tail
        return done


def _compose(keys: str, method: str, style: str) -> str:
    c = Composer(method, style)
    c.press(keys)
    return c.text


def telex(keys: str, style: str = "old") -> str:
    """Compose a Telex key sequence: telex("Nguyeenx Vawn Ddaf") == "Nguyễn Văn Đà"."""
    return _compose(keys, "telex", style)


def vni(keys: str, style: str = "old") -> str:
    """Compose a VNI key sequence: vni("Nguye64n Vie65t") == "Nguyễn Việt"."""
    return _compose(keys, "vni", style)
