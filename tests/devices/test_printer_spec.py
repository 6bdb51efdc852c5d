"""open_printer: connection specs to printers, and the spec errors that name the config key."""

from pathlib import Path

import pytest

from devices.printer import PrinterSpecError, open_printer
from devices.printer.render import encode
from test_printer_escpos import BLOCKS, DATA


def test_bare_preview_goes_to_the_state_dir(tmp_path):
    result = open_printer("preview", state_dir=tmp_path).print_blocks(BLOCKS, "A012")
    assert Path(result.preview_png).parent == tmp_path / "previews"


def test_bare_preview_without_a_state_dir_is_refused():
    # devices/ does not know where the kiosk keeps its state: the caller must say.
    with pytest.raises(PrinterSpecError, match="give a folder"):
        open_printer("preview")


@pytest.mark.parametrize("spec, word", [
    ("usb:0416", "vendor and product"), ("usb:xx:yy", "USB id"), ("serial:", "device"),
    ("network:", "host"), ("network:printer:abc", "port"), ("cups:", "queue"), ("file:", "path"),
    ("lpt1", "must start with"),
])
def test_bad_specs_name_the_config_key(spec, word):
    with pytest.raises(PrinterSpecError, match=word) as err:
        open_printer(spec)
    assert "[printer] connection" in str(err.value)


def test_bad_profile_and_width():
    with pytest.raises(PrinterSpecError, match="profile"):
        open_printer("none", profile="no-such-printer")
    with pytest.raises(PrinterSpecError, match="paper_width"):
        open_printer("none", paper_width=76)


def test_usb_spec_parses_without_touching_the_bus():
    printer = open_printer("usb:0x0416:0x5011?out_ep=0x03")
    assert "0416:5011" in printer.describe()


def test_align_pad_option_on_any_spec(tmp_path):
    out = tmp_path / "lp0"
    assert open_printer(f"file:{out}?align=pad").print_blocks(BLOCKS, "A012").ok
    assert out.read_bytes() == encode(BLOCKS, pad_align=True) != DATA
    with pytest.raises(PrinterSpecError, match="align"):
        open_printer("none?align=middle")
