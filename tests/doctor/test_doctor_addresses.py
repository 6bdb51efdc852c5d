"""`kiosk doctor` on the address table: the bundled sample warns (partial), the province's own
list in the state folder passes, a broken one fails naming what is wrong."""

import io
import json
import unicodedata

from kiosk import config
from kiosk.doctor import FAIL, PASS, WARN, run_checks
from kiosk.paths import DATA


def doctor(tmp_path):
    out = io.StringIO()
    settings = config.parse({"kiosk": {"state_dir": str(tmp_path)}}, "test")
    (result,) = run_checks(settings, out=out, only=("address",))
    return result, out.getvalue()


def table():
    return json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))


def test_the_bundled_sample_is_a_warning_saying_where_the_full_list_goes(tmp_path):
    result, out = doctor(tmp_path)
    assert result.status == WARN
    assert "bundled sample table, 10 old units into 4 communes of Thành phố Hồ Chí Minh" in result.found
    assert str(tmp_path / "address_changes.json") in result.fix
    assert out.startswith("WARN  address")


def test_the_provinces_own_list_passes(tmp_path):
    (tmp_path / "address_changes.json").write_text(json.dumps(table(), ensure_ascii=False), encoding="utf-8")
    result, _ = doctor(tmp_path)
    assert result.status == PASS and str(tmp_path / "address_changes.json") in result.found


def test_a_broken_list_fails_naming_the_problem(tmp_path):
    raw = table()
    raw["communes"][0]["source"] = "NQ-0000"
    raw["communes"][1]["new"] = unicodedata.normalize("NFD", raw["communes"][1]["new"])
    (tmp_path / "address_changes.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    result, _ = doctor(tmp_path)
    assert result.status == FAIL
    assert "source 'NQ-0000' is not in 'sources'" in result.found and "is not NFC" in result.found
    assert "SOURCES-addresses.md" in result.fix


def test_a_file_that_is_not_json_fails(tmp_path):
    (tmp_path / "address_changes.json").write_text("{not json", encoding="utf-8")
    result, _ = doctor(tmp_path)
    assert result.status == FAIL and "cannot be read" in result.found
