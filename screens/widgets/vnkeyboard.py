"""A Vietnamese on-screen keyboard (Kivy's VKeyboard has no Vietnamese layout, and a kiosk on
KMS/DRM has no input method).

Letters compose with Telex (or VNI) through kiosk.domain.telex.Composer; a row of tone and letter-mark
buttons acts on the last word for people who do not know Telex; a digits layout serves number
fields (`input_type = "digits"`). It types into `target` (anything with a `.text`, e.g. a
TextInput) and fires `on_text(text)` on every change and `on_ok(text)` on OK. Text is always NFC.

    kb = VNKeyboard(target=text_input, input_type="text", auto_capitalize=True)
    kb.bind(on_ok=lambda kb, text: ...)
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import BooleanProperty, DictProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from kiosk.domain.telex import Composer
from screens.widgets import theme
from screens.widgets.common import TouchWhenShown

KEY_HEIGHT = 64  # dp (px at 1024×600)
KEY_HEIGHT_PORTRAIT = 80  # a portrait screen has the height to spare: taller keys, easier to hit
KEY_GAP = 6  # dp between keys and rows, on every keyboard (the key edges must show): a 7-inch panel is ~6.6 px/mm, so ≥ 9.5 mm tall, ~100 px wide

LETTER_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
DIGIT_ROWS = ["123", "456", "789"]
PUNCTUATION = "/-,.()"
# Key captions in words: elderly users read "Xóa" more easily than ⌫ (which Roboto lacks anyway).
# The app passes its own translations through `labels`; these are the defaults.
LABELS_VI = {"space": "dấu cách", "ok": "Xong", "backspace": "Xóa", "shift": "Chữ hoa",
             "digits": "123", "letters": "ABC"}
LABELS_EN = {"space": "space", "ok": "Done", "backspace": "Delete", "shift": "Shift",
             "digits": "123", "letters": "ABC"}
# (label, action, argument): tone buttons set tones 1–5 (tapping the same again removes it),
# mark buttons apply â/ê/ô, ă, ơ/ư/ươ, đ to the last word.
TONE_KEYS = [
    ("á", "tone", 1), ("à", "tone", 2), ("ả", "tone", 3), ("ã", "tone", 4), ("ạ", "tone", 5),
    ("â ê ô", "mark", "circ"), ("ă", "mark", "breve"), ("ơ ư", "mark", "horn"), ("đ", "mark", "stroke"),
]


class VNKey(Button):
    """One key; `action` says what it does, `value` with what."""

    action = StringProperty("char")  # char|tone|mark|shift|backspace|space|ok|layout
    value = ObjectProperty(None, allownone=True)
    kid = StringProperty("")  # stable name for tests: "key-a", "key-tone-1", "key-ok"…
    special = BooleanProperty(False)


class VNKeyboard(TouchWhenShown, BoxLayout):
    target = ObjectProperty(None, allownone=True)
    input_type = OptionProperty("text", options=["text", "digits"])
    method = OptionProperty("telex", options=["telex", "vni"])
    style = OptionProperty("old", options=["old", "new"])
    layout = OptionProperty("letters", options=["letters", "digits"])
    shift = BooleanProperty(False)
    auto_capitalize = BooleanProperty(False)  # names: each word starts with a capital
    labels = DictProperty(LABELS_VI)  # captions of the action keys (see LABELS_VI / LABELS_EN)

    __events__ = ("on_text", "on_ok")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.composer = Composer(self.method, self.style)
        self._pushed: str | None = None
        self.bind(layout=self._rebuild, input_type=self._on_input_type, labels=self._rebuild,
                  target=self._on_target, method=self._on_method, style=self._on_method)
        self._on_input_type()
        self._on_target()

    # -- public -------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.composer.text

    def set_text(self, text: str) -> None:
        """Start from this text (e.g. a field prefilled from the ID card)."""
        self.composer.text = text
        self._push()

    def on_text(self, text: str) -> None:
        pass

    def on_ok(self, text: str) -> None:
        pass

    def key_widgets(self) -> list[VNKey]:
        return [w for w in self.walk() if isinstance(w, VNKey)]

    def key(self, kid: str) -> VNKey:
        for w in self.key_widgets():
            if w.kid == kid:
                return w
        raise LookupError(kid)

    # -- building --------------------------------------------------------------------------------
    def _on_input_type(self, *args) -> None:
        self.layout = "digits" if self.input_type == "digits" else "letters"
        self._rebuild()

    def _on_method(self, *args) -> None:
        self.composer = Composer(self.method, self.style, text=self.composer.text)

    def _on_target(self, *args) -> None:
        if self.target is not None:
            self.composer.text = getattr(self.target, "text", "") or ""
            self._pushed = self.composer.text
        self._update_shift_labels()

    def _rebuild(self, *args) -> None:
        self.clear_widgets()
        self.orientation = "vertical"
        label = {**LABELS_VI, **self.labels}.get
        if self.layout == "letters":
            self._row([VNKey(text=label, action=action, value=value, special=True,
                             kid=f"key-{action}-{value}") for label, action, value in TONE_KEYS])
            for i, letters in enumerate(LETTER_ROWS):
                keys = [VNKey(text=ch, action="char", value=ch, kid=f"key-{ch}") for ch in letters]
                if i == 2:
                    keys.insert(0, VNKey(text=label("shift"), action="shift", special=True, kid="key-shift",
                                         size_hint_x=1.5))
                    keys.append(VNKey(text=label("backspace"), action="backspace", special=True,
                                      kid="key-backspace", size_hint_x=1.5))
                self._row(keys)
            self._row([
                VNKey(text=label("digits"), action="layout", value="digits", special=True, kid="key-layout-digits"),
                VNKey(text=label("space"), action="space", kid="key-space", size_hint_x=4),
                VNKey(text=label("ok"), action="ok", special=True, kid="key-ok", size_hint_x=1.5),
            ])
        else:
            extra = self.input_type == "text"
            for i, digits in enumerate(DIGIT_ROWS):
                keys = [VNKey(text=d, action="char", value=d, kid=f"key-{d}") for d in digits]
                if extra:
                    keys += [VNKey(text=p, action="char", value=p, kid=f"key-{p}") for p in PUNCTUATION[2 * i:2 * i + 2]]
                self._row(keys)
            bottom = [VNKey(text="0", action="char", value="0", kid="key-0"),
                      VNKey(text=label("backspace"), action="backspace", special=True, kid="key-backspace"),
                      VNKey(text=label("ok"), action="ok", special=True, kid="key-ok")]
            if extra:
                bottom.insert(0, VNKey(text=label("letters"), action="layout", value="letters", special=True,
                                       kid="key-layout-letters"))
                bottom.insert(2, VNKey(text=label("space"), action="space", kid="key-space"))
            self._row(bottom)
        for key in self.key_widgets():
            key.bind(on_release=self._on_key)
        self.spacing = self.padding = dp(KEY_GAP)
        self.height = dp(self._key_height()) * len(self.children) + dp(KEY_GAP) * (len(self.children) + 1)
        self._update_shift_labels()

    def rebuild(self) -> None:
        """Lay the keys out again (and restore the keyboard's own height)."""
        self._rebuild()

    @staticmethod
    def _key_height() -> int:
        return KEY_HEIGHT_PORTRAIT if theme.portrait() else KEY_HEIGHT

    def _row(self, keys: list[VNKey]) -> None:
        row = BoxLayout(spacing=dp(KEY_GAP), size_hint_y=None, height=dp(self._key_height()))
        for k in keys:
            row.add_widget(k)
        self.add_widget(row)

    def _update_shift_labels(self, *args) -> None:
        upper = self._upper_next()
        for key in self.key_widgets():
            if key.action == "char" and key.value and key.value.isalpha():
                key.text = key.value.upper() if upper else key.value
            if key.action == "shift":
                key.state = "down" if self.shift else "normal"

    def _upper_next(self) -> bool:
        if self.shift:
            return True
        if not self.auto_capitalize:
            return False
        text = self.composer.text
        return not text or text[-1] == " "

    # -- typing ----------------------------------------------------------------------------------
    def _sync_from_target(self) -> None:
        """Someone else changed the target (cleared it, prefilled it): continue from there."""
        if self.target is not None:
            current = getattr(self.target, "text", "") or ""
            if current != self._pushed:
                self.composer.text = current

    def _on_key(self, key: VNKey) -> None:
        self._sync_from_target()
        action, value = key.action, key.value
        if action == "char":
            ch = value.upper() if (value.isalpha() and self._upper_next()) else value
            if self.layout == "digits":  # digits and punctuation are typed as they are, even in VNI
                self.composer.text = self.composer.text + ch
            else:
                self.composer.press(ch)
            if self.shift and value.isalpha():
                self.shift = False
        elif action == "tone":
            self.composer.tone(value)
        elif action == "mark":
            self.composer.modify(value)
        elif action == "shift":
            self.shift = not self.shift
        elif action == "backspace":
            self.composer.backspace()
        elif action == "space":
            self.composer.press(" ")
        elif action == "layout":
            self.layout = value
            return
        elif action == "ok":
            self.composer.commit()
            self._push()
            self.dispatch("on_ok", self.composer.text)
            return
        self._push()

    def _push(self) -> None:
        text = unicodedata.normalize("NFC", self.composer.text)
        if self.target is not None and getattr(self.target, "text", None) != text:
            self.target.text = text
        self._pushed = text
        self._update_shift_labels()
        self.dispatch("on_text", text)


_KV = Path(__file__).with_suffix(".kv")
if str(_KV) not in Builder.files:
    Builder.load_file(str(_KV))
