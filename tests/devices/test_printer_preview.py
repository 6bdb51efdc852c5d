"""The preview twin and the absent printer: PNG and bytes on disk, simulated faults, `none`."""

from pathlib import Path

from devices.printer import open_printer
from devices.printer.preview import interpret
from devices.printer.render import encode
from test_printer_escpos import BLOCKS


def test_preview_writes_paper_png_and_raw_bytes(tmp_path):
    printer = open_printer(f"preview:{tmp_path}/p", paper_width=58)
    result = printer.print_blocks(BLOCKS, "A012 vé/../x")
    assert result.ok
    png = Path(result.preview_png)
    assert png.parent == tmp_path / "p" and png.suffix == ".png"
    assert png.with_suffix(".bin").read_bytes() == encode(BLOCKS, paper_width=58)
    assert printer.status().online is True


def test_preview_can_simulate_a_fault_for_demos(tmp_path):
    (tmp_path / "simulate-fault").write_text("paper_out")
    printer = open_printer(f"preview:{tmp_path}")
    result = printer.print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "paper_out" and not (tmp_path / "A012.png").exists()
    assert printer.status().paper == "out"


def test_no_printer_is_an_offline_fault():
    result = open_printer("none").print_blocks(BLOCKS, "A012")
    assert result.fault.kind == "offline" and "no printer" in result.fault.detail


def test_preview_png_matches_the_bytes(tmp_path):
    result = open_printer(f"preview:{tmp_path}").print_blocks(BLOCKS, "A012")
    from PIL import Image

    png = Image.open(result.preview_png).convert("L")
    paper = interpret(encode(BLOCKS), 576).convert("L")
    assert png.crop((1, 1, png.width - 1, png.height - 1)).tobytes() == paper.tobytes()
