"""Sizes and colours for elderly and first-time users.

Sizes are density-independent: dp for lengths, sp for text, designed on a 1024×600 canvas (a
7-inch panel) and, for screens taller than wide (floor-standing kiosks), on a 720×1280 one.
`fit()` sets Kivy's density from the window so the canvas always fits: min(width / 1024,
height / 600), e.g. 0.78 on an 800×480 panel, 1.25 at 1280×800, 1.8 at 1920×1080; in portrait
min(width / 720, height / 1280), 1.5 at 1080×1920. Every screen and dialog calls it before
building itself, so `dp(theme.BUTTON_H)` in a .kv rule or a .py file is the right number of
pixels on the screen the kiosk runs on.

A portrait screen gets its own arrangement, not the landscape one scaled: `portrait()` says which,
and the App mirrors it as `app.portrait` for .kv rules (things side by side in landscape are
stacked, the buttons sit in the lower half, within reach of a standing or seated person).

Body text ≥ 26 sp (citizen-facing text never under 24 sp); touch targets ≥ 60 dp (9 mm on a
7-inch panel), the main ones 100 dp (15 mm); dark text on white, primary buttons deep blue with
white text (contrast above 7:1).
"""

from kivy.metrics import Metrics, dp, sp  # noqa: F401  (dp and sp for the .py screens)

DESIGN_W, DESIGN_H = 1024, 600  # the canvas every screen is laid out on, in dp
PORTRAIT_W, PORTRAIT_H = 720, 1280  # the canvas of a portrait screen: 10 keyboard keys ≥ 60 dp wide

BODY = 28
SMALL = 24
TITLE = 40
HEADING = 34
HUGE = 120  # the queue number
BUTTON_H = 96  # about 15 mm on a 7-inch 1024×600 panel (170 px per inch)
BUTTON_MAIN_H = 130
TOUCH_MIN = 60  # the smallest touch target: about 9 mm on a 7-inch panel
BAR_H = 76  # the top bar
PAD = 24
GAP = 16

BG = (1, 1, 1, 1)
TEXT = (0.07, 0.07, 0.07, 1)
MUTED = (0.27, 0.29, 0.33, 1)
PRIMARY = (0.043, 0.31, 0.61, 1)  # #0B4F9C
PRIMARY_TEXT = (1, 1, 1, 1)
SECONDARY = (0.9, 0.93, 0.965, 1)
SECONDARY_TEXT = (0.043, 0.2, 0.4, 1)
DANGER = (0.69, 0.0, 0.125, 1)
OK = (0.05, 0.45, 0.2, 1)
BAND = (0.99, 0.91, 0.55, 1)  # notices and the volunteer band
BAR = (0.043, 0.31, 0.61, 1)

# "Chữ to" (app.large_text): reading text 1.5× (kv rules size text with `scaled(size,
# app.text_scale)`), titles up to LARGE_CAP (they are 32-40 sp already; 60 sp titles would leave
# no room for what they introduce) and higher contrast: grey text and the pale blue of secondary
# buttons give way to pure black on white and a darker fill with a black border (BigButton's rule).
# The top bars keep their 24 sp captions (beside pictograms): four buttons at 36 sp do not fit a row.
LARGE_TEXT = 1.5
LARGE_CAP = 44
BLACK = (0, 0, 0, 1)
SECONDARY_HIGH = (0.8, 0.86, 0.93, 1)
HIGH_CONTRAST = {TEXT: BLACK, MUTED: BLACK, SECONDARY_TEXT: BLACK, SECONDARY: SECONDARY_HIGH}


def scaled(size: float, scale: float) -> float:
    """A text size in sp as drawn at this scale: size × scale, but no title beyond LARGE_CAP
    (a size already above it stays as it is)."""
    return min(size * scale, max(size, LARGE_CAP))


def hc(colour: tuple, high_contrast: bool) -> tuple:
    """The colour as drawn: its high-contrast stand-in while large text is on
    (`theme.hc(theme.MUTED, app.large_text)` in a kv rule re-evaluates when the switch flips)."""
    return HIGH_CONTRAST.get(colour, colour) if high_contrast else colour


def is_portrait(width: float, height: float) -> bool:
    return height > width


def scale_for(width: float, height: float) -> float:
    """The density that fits the canvas (1024×600 dp, or 720×1280 dp in portrait) into a window
    of this size."""
    if is_portrait(width, height):
        return round(min(width / PORTRAIT_W, height / PORTRAIT_H), 4)
    return round(min(width / DESIGN_W, height / DESIGN_H), 4)


def portrait(window=None) -> bool:
    """Whether the window (the one Kivy made, by default) is taller than wide."""
    if window is None:
        from kivy.core.window import Window as window
    return is_portrait(*window.size)


def fit(window=None) -> float:
    """Set Kivy's density for the window (the one Kivy made, by default); returns it."""
    if window is None:
        from kivy.core.window import Window as window
    w, h = window.size
    if w <= 0 or h <= 0:
        return Metrics.density
    density = scale_for(w, h)
    if Metrics.density != density:
        Metrics.density = density
    return density
