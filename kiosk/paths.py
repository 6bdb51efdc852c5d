"""Where the kiosk keeps its state, previews and bundled assets."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
FONTS = ASSETS / "fonts"
DATA = ASSETS / "data"
I18N = ASSETS / "i18n"


def default_state_dir() -> Path:
    """Per-user state folder (XDG), or /var/lib/motcua-kiosk when running as a system service."""
    if os.environ.get("STATE_DIRECTORY"):  # set by systemd's StateDirectory=
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "motcua-kiosk"
