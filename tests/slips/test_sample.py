"""`kiosk print-sample`: the installer's first test print."""

from datetime import datetime, timezone

import zxingcpp
from escpos.printer import Dummy

from devices.printer import EscposPrinter
from devices.printer.preview import interpret
from kiosk.slips import sample as print_sample
from kiosk.cli import main as cli_main
from kiosk.config import Settings, parse

FIXED = datetime(2026, 11, 30, 2, 38, tzinfo=timezone.utc)


def test_file_gets_exactly_what_the_dummy_printer_got(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(print_sample, "_now", lambda: FIXED)
    out = tmp_path / "lp0"
    assert cli_main(["print-sample", "--printer", f"file:{out}", "--width", "58"]) == 0
    assert str(out) in capsys.readouterr().out

    dummy = Dummy()
    settings = Settings()
    printer = EscposPrinter(lambda: dummy, reads_back=False, where="dummy", paper_width=58)
    assert printer.print_blocks(print_sample.sample_blocks(settings, issued_at=FIXED), "sample").ok
    assert out.read_bytes() == dummy.output


def test_sample_is_vietnamese_with_a_working_qr_to_the_public_url(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(print_sample, "_now", lambda: FIXED)
    settings = parse({"office": {"public_url": "https://motcua.benthanh.example.vn/"}})
    assert print_sample.main(settings, printer=f"preview:{tmp_path}", width=None) == 0
    out = capsys.readouterr().out
    assert "sample-ticket.png" in out and "public_url" not in out
    paper = interpret((tmp_path / "sample-ticket.bin").read_bytes(), 576, strict=True)
    assert [r.text for r in zxingcpp.read_barcodes(paper.convert("L"))] == [
        "https://motcua.benthanh.example.vn/t/in-thu-mau"]
    texts = [b.text for b in print_sample.sample_blocks(Settings(), issued_at=FIXED) if hasattr(b, "text")]
    assert "Mời ông/bà đến quầy số 1 hoặc 2" in texts


def test_without_public_url_the_sample_is_the_real_ticket_without_qr_and_says_why(tmp_path, monkeypatch, capsys):
    """Issue 15: no QR to an address no phone can open (the office's own 127.0.0.1 used to be printed)."""
    monkeypatch.setattr(print_sample, "_now", lambda: FIXED)
    assert print_sample.main(Settings(), printer=f"preview:{tmp_path}", width=None) == 0
    out = capsys.readouterr().out
    assert "no QR code on the ticket" in out and "public_url" in out and "[office]" in out
    paper = interpret((tmp_path / "sample-ticket.bin").read_bytes(), 576, strict=True)
    assert zxingcpp.read_barcodes(paper.convert("L")) == []
    blocks = print_sample.sample_blocks(Settings(), issued_at=FIXED)
    assert not [b for b in blocks if type(b).__name__ == "QR"]
    assert not [b.text for b in blocks if "http" in getattr(b, "text", "") or "Quét mã" in getattr(b, "text", "")]


def test_fault_and_bad_spec_give_one_line_and_exit_codes(tmp_path, capsys):
    assert print_sample.main(Settings(), printer=f"file:{tmp_path}/no/such/dir/lp0", width=80) == 1
    err = capsys.readouterr().err
    assert "unplugged" in err and "Traceback" not in err
    assert print_sample.main(Settings(), printer="lpt1", width=80) == 2
    assert "[printer] connection" in capsys.readouterr().err
