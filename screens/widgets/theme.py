"""Sizes and colours for elderly and first-time users, in pixels at 1024×600.

Body text ≥ 28 px; touch targets ≥ 15 mm (about 100 px on a 7-inch 1024×600 panel);
dark text on white, primary buttons deep blue with white text (contrast above 7:1).
"""

BODY = 30
SMALL = 26
TITLE = 44
HEADING = 36
HUGE = 150  # the queue number
BUTTON_H = 100  # 15 mm on a 7-inch 1024×600 panel (170 px per inch)
BUTTON_MAIN_H = 150
PAD = 24
GAP = 20

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
