"""The layout vocabulary of a printed slip (queue ticket, dossier receipt).

Plain dataclasses, stdlib only: the kiosk core builds a list of blocks, the printer renders them.
Sizes are in printer dots (203 dpi: 8 dots per millimetre) and do not depend on the paper width;
long text wraps to the paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    """One paragraph of text; wraps at word boundaries to the paper width."""

    text: str
    size: int = 24  # font size in dots (24 dots = 3 mm, like the printer's own font A)
    bold: bool = False
    align: Align = "center"


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the paper."""

    thickness: int = 2


@dataclass(frozen=True)
class QR:
    """A QR code; `size` is the module (dot) size, 1..16."""

    data: str
    size: int = 5


@dataclass(frozen=True)
class Spacer:
    """Blank paper, in dots."""

    dots: int = 12


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut."""


Block = Union[Text, Rule, QR, Spacer, Cut]
