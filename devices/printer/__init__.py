"""The ticket printer: layout blocks in, paper (or a PNG preview) out.

    printer = open_printer("usb:0x0416:0x5011", paper_width=80, state_dir=state_dir)
    result = printer.print_blocks(blocks, "A012")   # PrintResult(ok, fault, bytes_sent, preview_png)
    printer.status()                                # PrinterStatus(online, paper, cover_open, detail)

As python-escpos does it: one transport per module behind this face.
  base.py         TicketPrinter, the abstract printer every transport shares; timeouts
  escpos_link.py  EscposPrinter (usb, serial, network, file): the only user of python-escpos internals
  cups.py         CupsPrinter (`lp`/`lpstat`)
  preview.py      PreviewPrinter (the simulated twin, PNG files), NullPrinter, the paper interpreter
  spec.py         open_printer: connection spec -> printer; PrinterSpecError
  blocks.py → render.py → bytes: what a slip says, and the ESC/POS bytes for it
  status.py       PrintResult, PrinterFault, PrinterStatus (faults are values)

Printing and status calls block on I/O: call them from a worker thread, never the UI thread.
Each printer object serialises its calls with a lock. Printer faults never raise: they come back
as a PrinterFault in the PrintResult. Only a malformed spec raises (PrinterSpecError, at start).

Heavy imports (Pillow, python-escpos) happen on first use, so `devices.printer.blocks` stays cheap.
"""

from devices.printer.base import TicketPrinter
from devices.printer.blocks import QR, Block, Cut, Rule, Spacer, Text
from devices.printer.cups import CupsPrinter
from devices.printer.escpos_link import EscposPrinter
from devices.printer.preview import NullPrinter, PreviewPrinter
from devices.printer.spec import PrinterSpecError, open_printer
from devices.printer.status import PrinterFault, PrinterStatus, PrintResult

__all__ = [
    "open_printer", "TicketPrinter", "EscposPrinter", "CupsPrinter", "PreviewPrinter", "NullPrinter", "PrintResult", "PrinterFault", "PrinterStatus", "PrinterSpecError",
    "Text", "Rule", "QR", "Spacer", "Cut", "Block",
]
