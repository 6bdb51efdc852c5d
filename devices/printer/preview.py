"""The simulated twin (PreviewPrinter), the absent printer (NullPrinter), and what paper looks like.

PreviewPrinter writes <job>.bin (the exact bytes) and <job>.png (the paper) into a folder. The PNG
comes from a small ESC/POS interpreter that draws the bytes we send: it understands exactly the
commands the raster encoder emits (ESC @, ESC a, ESC J, ESC d, LF, GS v 0, GS ( k for QR, GS V),
so the preview is made from the real bytes, not from a second rendering path. With strict=True
any other command is an error: the tests use that to prove the encoder sends nothing a printer
might misread.

Pillow and the renderer are imported on first use: `import devices.printer` stays cheap and does
not load python-escpos before its cache folder is set (see escpos_link.stable_escpos_cache).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.printer.base import TicketPrinter
from devices.printer.blocks import Block
from devices.printer.status import PrinterFault, PrinterStatus, PrintResult

if TYPE_CHECKING:
    from PIL import Image

SIMULATED_FAULT_FILE = "simulate-fault"  # preview twin: put a fault kind in DIR/simulate-fault
NO_PRINTER = "no printer configured ([printer] connection = none)"


class PreviewPrinter(TicketPrinter):
    """The simulated twin: writes <job>.bin (the exact bytes) and <job>.png (the paper) into a folder.

    For demos and UI tests, a file named `simulate-fault` in the folder holding a fault kind
    (e.g. "paper_out") makes every print fail with that fault, and status() report it.
    """

    kind = "preview"

    def __init__(self, folder: Path, **kw: Any) -> None:
        super().__init__(**kw)
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"preview printer ({self.folder})"

    def _simulated_fault(self) -> PrinterFault | None:
        try:
            kind = (self.folder / SIMULATED_FAULT_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if kind not in ("offline", "paper_out", "cover_open", "unplugged", "queue_stopped", "error"):
            kind = "error"
        return PrinterFault(kind, f"simulated fault ({self.folder / SIMULATED_FAULT_FILE})")  # type: ignore[arg-type]

    def _status(self) -> PrinterStatus:
        fault = self._simulated_fault()
        if fault:
            return PrinterStatus(fault.kind not in ("offline", "unplugged"), "out" if fault.kind == "paper_out" else "ok",
                                 fault.kind == "cover_open", fault.detail)
        return PrinterStatus(True, "ok", False, f"preview printer: PNG files in {self.folder}")

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        from devices.printer.render import encode, paper_dots

        fault = self._simulated_fault()
        if fault:
            return PrintResult(False, fault)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.folder / f"{job_name}.bin", data)
            png = self.folder / f"{job_name}.png"
            # The PNG is drawn from the raster bytes (in text mode, from what raster mode would send).
            raster = data if self.mode == "raster" else encode(
                blocks, paper_width=self.paper_width, profile=self.profile, native_qr=self.native_qr,
                pad_align=self.pad_align)
            tmp = png.with_name(f".{png.name}.tmp")
            paper_png(raster, paper_dots(self.paper_width, self.profile), tmp)
            os.replace(tmp, png)
        except OSError as exc:
            return PrintResult(False, PrinterFault("error", f"preview folder {self.folder}: {exc}"))
        return PrintResult(True, None, len(data), str(png))


class NullPrinter(TicketPrinter):
    """`none`: no printer configured; every print reports an offline fault."""

    kind = "none"

    def describe(self) -> str:
        return "no printer"

    def _status(self) -> PrinterStatus:
        return PrinterStatus(None, "unknown", None, NO_PRINTER)

    def _print(self, data: bytes, job_name: str, blocks: list[Block]) -> PrintResult:
        return PrintResult(False, PrinterFault("offline", NO_PRINTER))


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# the paper: an ESC/POS interpreter for the bytes the encoder sends

LINE_DOTS = 30  # ESC d / LF advance: the default 1/6 inch line


class UnknownCommand(ValueError):
    pass


def interpret(data: bytes, width: int, *, strict: bool = False) -> Image.Image:
    """Draw `data` onto paper `width` dots wide; returns a mode "1" image (0 = ink), cut marks excluded."""
    from PIL import Image, ImageOps

    from devices.printer.render import qr_image

    pieces: list[tuple[int, int, Image.Image]] = []  # (x, y, image)
    y = 0
    align = 0
    qr_store = b""
    qr_module = 3
    i = 0
    n = len(data)

    def place(img: Image.Image) -> None:
        nonlocal y
        x = {0: 0, 1: (width - img.width) // 2, 2: width - img.width}[align]
        pieces.append((max(0, x), y, img))
        y += img.height

    while i < n:
        b = data[i]
        if b == 0x1B and i + 1 < n:  # ESC
            cmd = data[i + 1]
            if cmd == 0x40:  # ESC @
                align = 0
                i += 2
            elif cmd == 0x61:  # ESC a n
                align = data[i + 2] % 48
                i += 3
            elif cmd == 0x4A:  # ESC J n
                y += data[i + 2]
                i += 3
            elif cmd == 0x64:  # ESC d n
                y += data[i + 2] * LINE_DOTS
                i += 3
            elif strict:
                raise UnknownCommand(f"ESC 0x{cmd:02x} at byte {i}")
            else:
                i += 2
        elif b == 0x1D and i + 1 < n:  # GS
            cmd = data[i + 1]
            if cmd == 0x76 and data[i + 2] == 0x30:  # GS v 0 m xL xH yL yH
                m = data[i + 3] % 48
                wb = data[i + 4] | data[i + 5] << 8
                h = data[i + 6] | data[i + 7] << 8
                body = data[i + 8:i + 8 + wb * h]
                img = ImageOps.invert(Image.frombytes("1", (wb * 8, h), body).convert("L"))  # 1 bit = ink
                if m:  # 1: double width, 2: double height, 3: both
                    img = img.resize((img.width * (1 + (m & 1)), h * (1 + (m >> 1 & 1))), Image.NEAREST)
                place(img.convert("1"))
                i += 8 + wb * h
            elif cmd == 0x28 and data[i + 2] == 0x6B:  # GS ( k pL pH cn fn ...
                length = data[i + 3] | data[i + 4] << 8
                body = data[i + 5:i + 5 + length]
                fn = body[1]
                if fn == 67:
                    qr_module = body[2]
                elif fn == 80:
                    qr_store = body[3:]
                elif fn == 81:
                    place(qr_image(qr_store.decode("utf-8"), qr_module))
                i += 5 + length
            elif cmd == 0x56:  # GS V m [n]: cut; the preview ends with the paper
                m = data[i + 2]
                i += 4 if m in (65, 66, 97, 98, 103, 104) else 3
                y += 4
            elif strict:
                raise UnknownCommand(f"GS 0x{cmd:02x} at byte {i}")
            else:
                i += 2
        elif b == 0x0A:
            y += LINE_DOTS
            i += 1
        elif strict:
            raise UnknownCommand(f"byte 0x{b:02x} at {i}")
        else:
            i += 1

    page = Image.new("1", (width, max(y, 1)), 1)
    for x, top, img in pieces:
        page.paste(img, (x, top))
    return page


def paper_png(data: bytes, width: int, path) -> None:
    """Write the preview of `data` as a PNG with a thin grey frame, like a slip on a table."""
    from PIL import Image

    page = interpret(data, width).convert("L")
    framed = Image.new("L", (page.width + 2, page.height + 2), 160)
    framed.paste(page, (1, 1))
    framed.save(path, format="PNG", optimize=True)
