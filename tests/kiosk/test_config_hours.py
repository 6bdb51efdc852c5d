"""[office] public_url, [office.hours] and [office.caps] in the config file (issue 15): defaults,
and a bad value refused in one line naming the key."""

import pytest

from kiosk.config import ConfigError, load
from kiosk.office.settings import OfficeSettings


def config(tmp_path, text: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def refused(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as err:
        config(tmp_path, text)
    message = str(err.value)
    assert "\n" not in message and "kiosk.toml" in message
    return message


def test_defaults_are_the_usual_week_no_caps_and_no_public_url(tmp_path):
    s = config(tmp_path, "")
    assert s.office.public_url == "" and s.office.caps == {}
    assert s.office.hours.table() == {d: ("07:30-11:30", "13:30-17:00") for d in ("mon", "tue", "wed", "thu", "fri")}


def test_a_day_left_out_of_the_table_is_closed_and_the_office_gets_it(tmp_path):
    s = config(tmp_path, '[office]\npublic_url = "https://motcua.benthanh.example.vn/"\n'
                         '[office.hours]\nmon = ["07:30-11:30"]\nsat = ["07:30-11:30", "13:30-16:00"]\n'
                         '[office.caps]\nho-tich = 40\n')
    assert s.office.hours.table() == {"mon": ("07:30-11:30",), "sat": ("07:30-11:30", "13:30-16:00")}
    office = OfficeSettings.from_settings(s, database_url="sqlite://")
    assert office.public_url == "https://motcua.benthanh.example.vn"
    assert office.opening_hours == {"mon": ("07:30-11:30",), "sat": ("07:30-11:30", "13:30-16:00")}
    assert office.daily_caps == {"ho-tich": 40}
    # --demo is open at all hours, whatever the file says, and stays so in `kiosk serve`'s workers
    demo = OfficeSettings.from_settings(s, database_url="sqlite://", demo=True)
    assert demo.schedule().around_the_clock
    assert demo.model_copy(update={"demo": False}).schedule().around_the_clock
    assert OfficeSettings.model_validate_json(demo.model_dump_json()).schedule().around_the_clock


@pytest.mark.parametrize("text, words", [
    ('[office.hours]\nmon = ["25:00-26:00"]\n', '[office] hours.mon = [\'25:00-26:00\']: "25:00-26:00" is not a time range'),
    ('[office.hours]\ntue = ["08:00-10:00", "09:00-11:00"]\n', '[office] hours.tue'),
    ('[office.hours]\nwed = ["11:30-07:30"]\n', "[office] hours.wed"),
    ('[office.hours]\nmonday = ["07:30-11:30"]\n', "[office] hours.monday: unknown key; allowed: fri, mon"),
    ('[office.hours]\n', "[office] hours: no opening hours on any day"),
    ('[office.caps]\nho-tich = 0\n', "[office] caps: ho-tich = 0: a cap is a whole number"),
    ('[office]\npublic_url = "motcua.lan"\n', "[office] public_url = 'motcua.lan': must be an http(s):// address"),
    ('[office]\npublic_url = "http://x/?a=1"\n', "[office] public_url"),
])
def test_bad_values_are_refused_in_one_line_naming_the_key(tmp_path, text, words):
    assert words in refused(tmp_path, text)


def test_overlapping_ranges_name_both(tmp_path):
    assert '"08:00-10:00" and "09:00-11:00" overlap' in refused(
        tmp_path, '[office.hours]\ntue = ["09:00-11:00", "08:00-10:00"]\n')
