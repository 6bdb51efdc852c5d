"""`kiosk addresses`: an installer turns the province's spreadsheet into the kiosk's table, and
the kiosk (and doctor) use it at once."""

# The Bắc Ninh rows are made up to exercise the format, not the real 2025 arrangement.
import json
import subprocess
import sys

from kiosk.cli import main
from kiosk.domain import addresses

CSV = ("Đơn vị mới,Đơn vị cũ,Quận/huyện cũ,Toàn bộ\n"
       "Phường Kinh Bắc,Phường Vệ An,Thành phố Bắc Ninh,có\n"
       "Phường Kinh Bắc,Phường Tiền An,Thành phố Bắc Ninh,một phần\n"
       "Phường Võ Cường,Phường Tiền An,Thành phố Bắc Ninh,một phần\n")


def config(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nstate_dir = "{tmp_path / "state"}"\n', encoding="utf-8")
    return str(path)


def kiosk(*args):
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=60)


def test_import_writes_the_state_folders_table_and_the_kiosk_proposes_from_it(tmp_path):
    (tmp_path / "bn.csv").write_text(CSV, encoding="utf-8-sig")
    done = kiosk("--config", config(tmp_path), "addresses", "import", str(tmp_path / "bn.csv"),
                 "--province", "Tỉnh Bắc Ninh", "--title", "Nghị quyết mẫu (ví dụ)", "--date", "2025-06-16")
    assert done.returncode == 0, done.stderr
    table_file = tmp_path / "state" / "address_changes.json"
    assert f"{table_file}: 2 old units into 2 communes of Tỉnh Bắc Ninh" in done.stdout
    assert addresses.table_path(tmp_path / "state") == table_file
    said = kiosk("--config", config(tmp_path), "addresses", "check", "5 Lý Thái Tổ, P. Vệ An, TP. Bắc Ninh, Bắc Ninh")
    assert "renamed" in said.stdout and "now: 5 Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh" in said.stdout
    assert "source: Nghị quyết mẫu (ví dụ)" in said.stdout
    # the national province mergers come along, so an old province name still gets its new one
    raw = json.loads(table_file.read_text(encoding="utf-8"))
    assert {"old": ["Bắc Ninh", "Bắc Giang"], "new": "Tỉnh Bắc Ninh", "source": "NQ-202"} in raw["provinces"]
    doctor = kiosk("--config", config(tmp_path), "doctor")
    assert "PASS  address" in doctor.stdout and "2 old units into 2 communes of Tỉnh Bắc Ninh" in doctor.stdout


def test_a_running_kiosk_reads_the_new_table_at_the_next_card(tmp_path):
    state = tmp_path / "state"
    assert addresses.load(addresses.table_path(state)).province == "Thành phố Hồ Chí Minh"
    (tmp_path / "bn.csv").write_text(CSV, encoding="utf-8")
    assert main(["--config", config(tmp_path), "addresses", "import", str(tmp_path / "bn.csv"),
                 "--province", "Tỉnh Bắc Ninh", "--title", "NQ mẫu", "--date", "2025-06-16"]) == 0
    assert addresses.load(addresses.table_path(state)).province == "Tỉnh Bắc Ninh"


def test_a_wrong_row_stops_the_import_naming_it_and_leaves_the_old_table(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text(CSV + "Phường Kinh Bắc,,Thành phố Bắc Ninh,có\n", encoding="utf-8")
    code = main(["--config", config(tmp_path), "addresses", "import", str(tmp_path / "bad.csv"),
                 "--province", "Tỉnh Bắc Ninh", "--title", "NQ mẫu", "--date", "2025-06-16"])
    assert code == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'bad.csv'}: row 5: Đơn vị cũ is empty"
    assert not (tmp_path / "state" / "address_changes.json").exists()


def test_a_date_that_is_not_a_date_is_refused(tmp_path, capsys):
    (tmp_path / "bn.csv").write_text(CSV, encoding="utf-8")
    assert main(["--config", config(tmp_path), "addresses", "import", str(tmp_path / "bn.csv"),
                 "--province", "Tỉnh Bắc Ninh", "--title", "NQ", "--date", "16/6/2025"]) == 2
    assert "--date '16/6/2025': the resolution's date as YYYY-MM-DD" in capsys.readouterr().err


def test_export_gives_the_bundled_sample_as_a_spreadsheet_excel_opens(tmp_path):
    assert main(["--config", config(tmp_path), "addresses", "export", str(tmp_path / "out.csv")]) == 0
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Đơn vị mới,Đơn vị cũ,Quận/huyện cũ,Toàn bộ"
    assert "Phường Bến Thành,Phường Phạm Ngũ Lão,Quận 1,có" in lines
