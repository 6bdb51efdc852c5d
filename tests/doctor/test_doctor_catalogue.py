"""`kiosk doctor`'s catalogue line: the catalogue the kiosk would show, and a warning once its
review_before date has passed (the law behind it is due to change)."""

import datetime as dt
import io
import json

from kiosk import doctor
from kiosk.config import parse
from kiosk.doctor.catalogue import catalogue_verdict, check_catalogue
from kiosk.domain.catalogue import DEFAULT_PATH, catalogue_from_dict, load_catalogue


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


def test_the_bundled_catalogue_warns_while_national_codes_are_unchecked(tmp_path):
    ctx = doctor.Context(settings(tmp_path))
    r = check_catalogue(ctx, today=dt.date(2027, 3, 1))
    unchecked = [p.code for p in load_catalogue() if "code" in p.raw.get("unverified", [])]
    assert unchecked, "the bundled catalogue has codes marked unverified (assets/data/SOURCES.md)"
    assert r.status == doctor.WARN and f"the national code of {len(unchecked)} procedure(s)" in r.found
    assert all(code in r.found for code in unchecked) and "dichvucong.gov.vn" in r.fix


def test_a_catalogue_with_every_code_checked_passes_before_its_review_date(tmp_path):
    raw = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    for p in raw["procedures"]:
        p["unverified"] = [k for k in p.get("unverified", []) if k != "code"]
    partly = sum(1 for p in raw["procedures"] if p["unverified"])
    catalogue = catalogue_from_dict(raw)
    r = catalogue_verdict(catalogue, "bundled", dt.date(2027, 3, 1))
    assert r.status == doctor.PASS
    assert r.found == (f"{len(catalogue)} procedures in 5 fields (bundled), review before 2027-03-01; "
                       f"{partly} with facts marked unverified (assets/data/SOURCES.md)")
    late = catalogue_verdict(catalogue, "bundled", dt.date(2027, 3, 2))
    assert late.status == doctor.WARN and "now past" in late.found


def test_an_unusable_saved_copy_fails_naming_it(tmp_path):
    save_copy(tmp_path, procedures=[])
    (r,) = doctor.run_checks(settings(tmp_path), out=io.StringIO(), only=("catalogue",))
    assert r.status == doctor.FAIL and "procedures" in r.found and "saved copy" in r.fix
