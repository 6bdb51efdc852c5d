"""From a connection spec (config key [printer] connection) to a printer object.

  usb:VID:PID[?in_ep=0x82&out_ep=0x01]   python-escpos Usb (needs pyusb); reads status back
  serial:/dev/ttyUSB0[?baudrate=19200&flow=none]  python-escpos Serial (DSR/DTR unless flow=none);
                                         reads status back
  network:HOST[:PORT]                    raw TCP, port 9100 by default; reads status back
  cups:QUEUE                             `lp -d QUEUE -o raw`; status from `lpstat -p QUEUE`
  file:PATH                              e.g. /dev/usb/lp0; write only, status unknown
  preview:DIR | preview                  the simulated twin: DIR/<job>.png and DIR/<job>.bin
                                         (bare `preview`: STATE_DIR/previews)
  none                                   no printer: every print reports an offline fault
Any spec may end in `?align=pad` for a printer that prints every image at the left edge (it
ignores ESC a for images): images are then placed with white padding (more bytes, raster QR).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from devices.printer.base import TicketPrinter
from devices.printer.cups import CupsPrinter
from devices.printer.escpos_cache import stable_escpos_cache
from devices.printer.escpos_link import EscposPrinter
from devices.printer.preview import NullPrinter, PreviewPrinter


class PrinterSpecError(ValueError):
    """A connection spec that cannot work; the message names the config key."""


def _bad(spec: str, why: str) -> PrinterSpecError:
    return PrinterSpecError(f"[printer] connection = {spec!r}: {why}")


def _split_query(rest: str) -> tuple[str, dict[str, str]]:
    path, _, q = rest.partition("?")
    return path, {k: v[-1] for k, v in parse_qs(q).items()}


def _int(spec: str, value: str, name: str, base: int = 10) -> int:
    try:
        return int(value, base)
    except ValueError:
        raise _bad(spec, f"{name} must be a number, not {value!r}") from None


def open_printer(spec: str, *, paper_width: int = 80, profile: str = "default", mode: str = "raster",
                 codepage: str | None = None, state_dir: str | os.PathLike[str] | None = None) -> TicketPrinter:
    """Build the printer for a connection spec (see the module docstring). Does not touch the device.

    `state_dir` is the kiosk's state folder; a bare `preview` writes into STATE_DIR/previews and
    is refused without one (devices/ does not know where the kiosk keeps its state).
    """
    stable_escpos_cache()  # before the first python-escpos import below
    from escpos.capabilities import get_profile

    if paper_width not in (58, 80):
        raise PrinterSpecError(f"[printer] paper_width = {paper_width!r}: must be 58 or 80")
    if mode not in ("raster", "text"):
        raise PrinterSpecError(f"[printer] mode = {mode!r}: must be raster or text")
    try:
        get_profile(profile)
    except KeyError:
        raise PrinterSpecError(f"[printer] profile = {profile!r}: not a python-escpos printer profile "
                               "(e.g. default, TM-T20II, POS-5890)") from None
    scheme, _, rest = spec.strip().partition(":")
    rest, opts = _split_query(rest)
    if opts.get("align", "escpos") not in ("escpos", "pad"):
        raise _bad(spec, "align must be escpos (ESC a) or pad (for printers that print images at the left)")
    kw: dict[str, Any] = dict(paper_width=paper_width, profile=profile, mode=mode, codepage=codepage,
                              pad_align=opts.get("align") == "pad")

    if scheme == "none":
        return NullPrinter(**kw)
    if scheme == "preview":
        if rest:
            folder = Path(rest).expanduser()
        elif state_dir is not None:
            folder = Path(state_dir) / "previews"
        else:
            raise _bad(spec, "give a folder, e.g. preview:/tmp/previews (no state folder was given)")
        return PreviewPrinter(folder, **kw)
    if scheme == "file":
        if not rest:
            raise _bad(spec, "give a path, e.g. file:/dev/usb/lp0")
        from escpos.printer import File

        return EscposPrinter(lambda: File(rest, profile=profile), reads_back=False,
                             where=f"printer file {rest}", **kw)
    if scheme == "cups":
        if not re.fullmatch(r"[A-Za-z0-9_.\-@]+", rest or ""):
            raise _bad(spec, "give a CUPS queue name, e.g. cups:Thermal80")
        return CupsPrinter(rest, **kw)
    if scheme == "serial":
        path = rest
        if not path:
            raise _bad(spec, "give a device, e.g. serial:/dev/ttyUSB0?baudrate=19200")
        baudrate = _int(spec, opts.get("baudrate", "9600"), "baudrate")
        dsrdtr = opts.get("flow", "dsrdtr") == "dsrdtr"
        from escpos.printer import Serial

        return EscposPrinter(lambda: Serial(path, baudrate=baudrate, timeout=1, dsrdtr=dsrdtr, profile=profile),
                             reads_back=True, where=f"serial printer {path}", **kw)
    if scheme == "network":
        host, _, port_text = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "9100")
        if not host:
            raise _bad(spec, "give a host, e.g. network:192.168.1.50 or network:192.168.1.50:9100")
        port = _int(spec, port_text, "port")
        from escpos.printer import Network

        return EscposPrinter(lambda: Network(host, port=port, timeout=5, profile=profile), reads_back=True,
                             where=f"network printer {host}:{port}", not_found="offline", **kw)
    if scheme == "usb":
        parts = rest.split(":")
        if len(parts) != 2:
            raise _bad(spec, "give vendor and product id, e.g. usb:0x0416:0x5011")
        vid, pid = (_int(spec, p, "USB id", 16) for p in parts)
        extra = {k: _int(spec, opts[k], k, 16) for k in ("in_ep", "out_ep") if k in opts}
        from escpos.printer import Usb

        return EscposPrinter(lambda: Usb(vid, pid, timeout=5000, profile=profile, **extra), reads_back=True,
                             where=f"USB printer {vid:04x}:{pid:04x}", **kw)
    raise _bad(spec, "must start with usb:, serial:, network:, cups:, file:, preview or none")
