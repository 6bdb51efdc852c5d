"""Where python-escpos keeps its parsed printer database (stdlib only: it runs before escpos loads)."""

from __future__ import annotations

import os


def stable_escpos_cache() -> None:
    """Point python-escpos's capabilities cache at a folder that outlives the process.

    python-escpos caches its parsed printer database in ESCPOS_CAPABILITIES_PICKLE_DIR, which it
    reads once, when `escpos.capabilities` is first imported, and which defaults to a new
    temporary folder per process: the cache never hits, and reading the database cost 0.4-1.5 s
    at every start here (0.1 s from the cache). So this must run before python-escpos is first
    imported; it keeps the cache in systemd's CacheDirectory= when running as the service.
    """
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    base = ((os.environ.get("CACHE_DIRECTORY") or "").split(":")[0]
            or os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    folder = os.path.join(base, "python-escpos")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:  # read-only home: python-escpos falls back to its own temporary folder
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder
