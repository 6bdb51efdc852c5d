"""The ward's identity, one source (issue 15): ONE change through PUT /api/admin/ward, and the new
name, department, address and phone show on every surface of a running system, with no restart:
the kiosk's top bar (offscreen Kivy, after its next heartbeat), the board and the staff console
(real HTTP), a ticket the kiosk prints (python-escpos Dummy bytes, read back), and a PDF form."""

import io

import pytest
import requests
from escpos.printer import Dummy
from pypdf import PdfReader

from devices.printer import EscposPrinter
from devices.printer.preview import interpret
from devices.printer.render import paper_dots
from kiosk.link.client import OfficeClient
from tests_support_ocr import paper_lines  # noqa: F401  (placeholder replaced below)

pytestmark = pytest.mark.ui
