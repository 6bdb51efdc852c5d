"""`kiosk doctor`'s connector line: skipped without a connector, the drop folder writable or not,
the province's address answering or not (nothing is ever sent to it)."""

import io

from kiosk import doctor
from kiosk.config import parse
from province_standin import Province


def line(tmp_path, **connector):
    settings = parse({"office": {"connector": connector}, "kiosk": {"state_dir": str(tmp_path / "state")}})
    (result,) = doctor.run_checks(settings, out=io.StringIO(), only=("connector",))
    return result


def test_no_connector_is_skipped(tmp_path):
    r = line(tmp_path)
    assert r.status == doctor.SKIP and "by hand" in r.found


def test_a_writable_drop_folder_passes_and_a_missing_one_fails_with_its_fix(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    ok = line(tmp_path, kind="folder", folder=str(drop))
    assert ok.status == doctor.PASS and str(drop) in ok.found
    assert list(drop.iterdir()) == []  # the probe file is gone
    bad = line(tmp_path, kind="folder", folder=str(tmp_path / "unmounted"))
    assert bad.status == doctor.FAIL and "does not exist" in bad.found and "mount the share" in bad.fix


def test_the_provinces_address_answering_or_not(tmp_path):
    province = Province()
    try:
        ok = line(tmp_path, kind="http", url=province.url)
        assert ok.status == doctor.PASS and "nothing sent" in ok.found
        assert province.requests == []  # a check never files a dossier
        plain = line(tmp_path, kind="http", url=province.url, token="abc")
        assert plain.status == doctor.WARN and "https://" in plain.fix
        url = province.url
    finally:
        province.stop()
    down = line(tmp_path, kind="http", url=url, timeout=2)
    assert down.status == doctor.FAIL and "connection refused" in down.found and "[office.connector] url" in down.fix
    assert "\n" not in down.line()
