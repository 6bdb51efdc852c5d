"""Where the kiosk keeps its state, previews and bundled assets.

The same names work from a source checkout (editable installs, the tests, the Pi installer) and
from an installed wheel:

- ROOT is the folder that holds the `kiosk`, `screens` and `devices` packages: the checkout, or
  site-packages. `ROOT / "screens/home.kv"` is a .kv file in both cases.
- ASSETS is the top-level `assets/` folder of the checkout, which the wheel carries inside the
  package as `kiosk/assets` (see pyproject.toml). Anything that needs a font, a translation or
  the procedure catalogue goes through ASSETS (or FONTS, I18N, DATA), never through ROOT.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def _assets() -> Path:
    packaged = PACKAGE / "assets"  # installed from a wheel
    if packaged.is_dir():
        return packaged
    return ROOT / "assets"  # a source checkout, where assets/ sits next to kiosk/


ASSETS = _assets()
FONTS = ASSETS / "fonts"
DATA = ASSETS / "data"
I18N = ASSETS / "i18n"


def default_state_dir() -> Path:
    """Per-user state folder (XDG), or /var/lib/motcua-kiosk when running as a system service."""
    if os.environ.get("STATE_DIRECTORY"):  # set by systemd's StateDirectory=
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "motcua-kiosk"
