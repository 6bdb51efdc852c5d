"""`kiosk doctor`'s catalogue line: the catalogue the kiosk would show, and a warning once its
review_before date has passed (the law behind it is due to change)."""

import datetime as dt
import io
import json

from kiosk import doctor
from kiosk.config import parse
from kiosk.doctor.catalogue import check_catalogue
from kiosk.domain.catalogue import DEFAULT_PATH, load_catalogue


def settings(tmp_path):
    return parse({"kiosk": {"state_dir": str(tmp_path / "state")}})


def save_copy(tmp_path, **changes):
    """The copy the office last sent, as the kiosk keeps it in its state folder."""
    data = {**json.loads(DEFAULT_PATH.read_text(encoding="utf-8")), **changes}
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    (state / "catalogue.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_saved_catalogue_past_its_review_date_is_a_warning_with_the_fix(tmp_path):
    save_copy(tmp_path, review_before="2026-01-15")
    out = io.StringIO()
    (r,) = doctor.run_checks(settings(tmp_path), out=out, only=("catalogue",))
    assert r.status == doctor.WARN
    assert "to be reviewed before 2026-01-15, now past" in r.found and "catalogue.json" in r.found
    assert "review_before" in r.fix
    assert out.getvalue().startswith("WARN  catalogue")
    assert doctor.summary([r]) == "doctor: all checks passed, 1 warning(s)"  # a warning, not a failure


def test_the_bundled_catalogue_before_its_review_date_passes(tmp_path):
    ctx = doctor.Context(settings(tmp_path))
    r = check_catalogue(ctx, today=dt.date(2027, 3, 1))
    n = len(load_catalogue())
    assert r.status == doctor.PASS and r.found == f"{n} procedures in 5 fields (bundled), review before 2027-03-01"
    late = check_catalogue(ctx, today=dt.date(2027, 3, 2))
    assert late.status == doctor.WARN


def test_an_unusable_saved_copy_fails_naming_it(tmp_path):
    save_copy(tmp_path, procedures=[])
    (r,) = doctor.run_checks(settings(tmp_path), out=io.StringIO(), only=("catalogue",))
    assert r.status == doctor.FAIL and "procedures" in r.found and "saved copy" in r.fix
