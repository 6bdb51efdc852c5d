"""Codes the kiosk and the office service must agree on, defined once for both sides."""

from __future__ import annotations

from typing import Literal, get_args

# Queue priority categories (Law on the Elderly 2009 art. 3; Decree 63/2010 art. 18(8)).
Priority = Literal["elderly", "disability", "pregnant", "merit", "child_carer"]
PRIORITY_CATEGORIES: tuple[str, ...] = get_args(Priority)

# What the QR codes printed by the office and the kiosk start with.
VOLUNTEER_BADGE_PREFIX = "MCVOL:"
DOSSIER_QR_PREFIX = "MCHS:"

# Idempotency keys travel in JSON bodies and logs: keep them to a safe alphabet.
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:\-]+$"
IDEMPOTENCY_KEY_MAX = 100
