"""The printer every transport shares: the abstract base, and a face that is cheap to import."""

import subprocess
import sys

import pytest

from devices.printer import TicketPrinter


def test_a_transport_without_print_fails_when_built():
    class Unfinished(TicketPrinter):
        def _status(self):
            raise AssertionError("never reached")

    with pytest.raises(TypeError, match="_print"):
        Unfinished()


def test_importing_the_face_loads_neither_python_escpos_nor_pillow():
    # python-escpos reads its cache folder once, at its first import: open_printer must come first.
    code = ("import sys, devices.printer, devices.scanner\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'escpos', 'PIL', 'kiosk'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
