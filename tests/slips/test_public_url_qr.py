"""Issue 15: the paper's QR codes hold [office] public_url + path, the address citizens' phones reach.
Without public_url a ticket prints no QR and no address (the office's own 127.0.0.1 or LAN address
was printed before, which no phone in the lobby can open); the declaration slip keeps only its
"MCHS:<code>" QR, which the kiosk's and the counter's scanners read, and prints no web address.

The paper is the bytes python-escpos's Dummy printer received, read back and decoded with zxing-cpp."""

import zxingcpp
from escpos.printer import Dummy

from devices.printer import EscposPrinter
from devices.printer.preview import interpret
from kiosk.config import Settings, parse
from kiosk.slips.receipt import receipt_blocks
from kiosk.slips.ticket import ticket_blocks

PUBLIC = "https://motcua.benthanh.example.vn"
TICKET = {"id": 7, "number": "A012", "service_name_vi": "Hộ tịch", "ahead": 2, "estimated_wait_minutes": 9,
          "public_token": "pT0k3n-abcdefghijKLMNOP", "issued_at": "2026-12-07T01:05:00+00:00", "counters": [1, 3]}
DOSSIER = {"code": "BT-20261207-0003", "public_token": "dT0k3n-abcdefghijKLMNOP", "local_ref": "KS1-20261207-0001",
           "declared_at": "2026-12-07T01:05:00+00:00", "applicant": {"full_name": "Lê Văn Tám"}}
PROCEDURE = {"code": "2.000635", "name_vi": "Cấp bản sao trích lục hộ tịch", "field_vi": "Hộ tịch", "documents": []}


def printed(blocks) -> tuple[list[str], bytes]:
    """(QR codes read back from the paper, raw bytes) of blocks printed on a Dummy printer."""
    dummy = Dummy()
    printer = EscposPrinter(lambda: dummy, reads_back=False, where="dummy", paper_width=80)
    assert printer.print_blocks(blocks, "test").ok
    paper = interpret(dummy.output, 576, strict=True)
    return [r.text for r in zxingcpp.read_barcodes(paper.convert("L"))], dummy.output


def texts(blocks) -> str:
    return "\n".join(getattr(b, "text", "") for b in blocks)


def test_a_ticket_without_public_url_carries_no_qr_and_no_address():
    settings = Settings()
    assert settings.office.public_url == ""
    blocks = ticket_blocks(TICKET, settings.ward, public_url_base=settings.office.public_url)
    codes, _raw = printed(blocks)
    assert codes == []
    assert "http" not in texts(blocks) and "Quét mã" not in texts(blocks)
    assert "A012" in texts(blocks)  # still the ticket: number, field, counters, time


def test_a_ticket_with_public_url_carries_it_plus_the_ticket_path():
    settings = parse({"office": {"public_url": PUBLIC + "/"}})
    codes, _raw = printed(ticket_blocks(TICKET, settings.ward, public_url_base=settings.office.public_url))
    assert codes == [f"{PUBLIC}/t/{TICKET['public_token']}"]


def test_the_slip_without_public_url_prints_no_web_address_only_the_scanner_code():
    blocks = receipt_blocks(DOSSIER, PROCEDURE, Settings().ward, tracking_url_base="")
    codes, _raw = printed(blocks)
    assert codes == [f"MCHS:{DOSSIER['code']}"]  # the kiosk and the counter scan it; not an address
    assert "http" not in texts(blocks) and "/d/" not in texts(blocks)


def test_the_slip_with_public_url_carries_it_plus_the_dossier_path_in_qr_and_text():
    blocks = receipt_blocks(DOSSIER, PROCEDURE, Settings().ward, tracking_url_base=PUBLIC)
    codes, _raw = printed(blocks)
    url = f"{PUBLIC}/d/{DOSSIER['public_token']}"
    assert codes == [url] and url in texts(blocks)
