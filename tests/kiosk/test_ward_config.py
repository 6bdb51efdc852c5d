"""The config's [ward] section (issue 15): name, department, address, phone, hours_text, logo.
A bad value stops the app with one line naming the key, as for every other key."""

import base64

import pytest

from kiosk import config
from kiosk.domain.ward import WardIdentity

# a 1×1 PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def load(tmp_path, text):
    f = tmp_path / "k.toml"
    f.write_text(text, encoding="utf-8")
    return config.load(f)


def test_defaults_name_the_centre_of_today_not_the_old_department(tmp_path):
    ward = load(tmp_path, "").ward
    assert ward.department == "Trung tâm Phục vụ hành chính công"
    assert ward.hours_text and ward.logo == ""


def test_every_key_is_read_into_the_identity(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    ward = load(tmp_path, f"""[ward]
name = "UBND xã Tân Phú"
department = "Trung tâm Phục vụ hành chính công xã Tân Phú"
address = "Ấp 3, xã Tân Phú"
phone = "0277 3850 123"
hours_text = "Thứ Hai – Thứ Sáu: 7:00–11:00, 13:00–17:00"
logo = "{logo}"
""").ward
    ident = WardIdentity.from_config(ward)
    assert ident.name == "UBND xã Tân Phú" and ident.department.endswith("xã Tân Phú")
    assert (ident.address, ident.phone, ident.has_logo) == ("Ấp 3, xã Tân Phú", "0277 3850 123", True)
    assert ident.hours_text == "Thứ Hai – Thứ Sáu: 7:00–11:00, 13:00–17:00"


@pytest.mark.parametrize("toml, expected", [
    ("[ward]\nlogo = '{tmp}/none.png'\n", "[ward] logo = '{tmp}/none.png': cannot read the file"),
    ("[ward]\nlogo = '{tmp}/not.png'\n", "[ward] logo = '{tmp}/not.png': not a PNG image"),
    ("[ward]\ndepartment = ''\n", "[ward] department = '': String should have at least 1 character"),
    ("[ward]\nname = ''\n", "[ward] name = '': String should have at least 1 character"),
    ("[ward]\nphone = '" + "1" * 41 + "'\n", "[ward] phone = "),
    ("[ward]\nhours = 'x'\n", "[ward] hours: unknown key; allowed: address, department, hours_text, logo, name"),
])
def test_a_bad_key_is_one_line_naming_it(tmp_path, toml, expected):
    (tmp_path / "not.png").write_text("GIF89a", encoding="utf-8")
    with pytest.raises(config.ConfigError) as exc:
        load(tmp_path, toml.replace("{tmp}", str(tmp_path)))
    message = str(exc.value)
    assert expected.replace("{tmp}", str(tmp_path)) in message and "\n" not in message
