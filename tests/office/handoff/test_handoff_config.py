"""[office.connector] in the kiosk config: defaults, and a wrong line stops with one line naming
the key; the office settings carry it to `kiosk serve` and the app."""

import pytest

from kiosk.cli import main as cli_main
from kiosk.config import ConfigError, parse
from kiosk.office.settings import OfficeSettings


def test_the_default_is_none():
    c = parse({}).office.connector
    assert c.kind == "none" and c.url == "" and c.timeout == 10.0


def test_an_http_connector_is_read_and_reaches_the_office_settings():
    s = parse({"office": {"connector": {"kind": "http", "url": "https://motcua.tphcm.gov.vn/api/ho-so",
                                        "token": "abc.DEF-123", "timeout": 20, "secret": "s3cret"}}})
    office = OfficeSettings.from_settings(s)
    assert office.connector.kind == "http" and office.connector.url.endswith("/api/ho-so")
    assert OfficeSettings.model_validate_json(office.model_dump_json()).connector == office.connector  # to workers


@pytest.mark.parametrize("connector, words", [
    ({"kind": "ftp"}, ["[office] connector.kind = 'ftp'", "'none', 'http' or 'folder'"]),
    ({"kind": "http"}, ["[office] connector", 'kind = "http" needs url']),
    ({"kind": "folder"}, ["[office] connector", 'kind = "folder" needs folder']),
    ({"kind": "http", "url": "motcua.gov.vn"}, ["connector.url = 'motcua.gov.vn'", "http(s)://"]),
    ({"timeout": 0}, ["connector.timeout = 0"]),
    ({"token": "mã bí mật"}, ["connector.token:", "ASCII"]),
    ({"folderr": "/srv"}, ["connector.folderr: unknown key; allowed: folder, kind,"]),
])
def test_a_wrong_line_names_the_key(connector, words):
    with pytest.raises(ConfigError) as err:
        parse({"office": {"connector": connector}}, "/etc/kiosk/kiosk.toml")
    line = str(err.value)
    assert "\n" not in line and line.startswith("config error in /etc/kiosk/kiosk.toml: ")
    for w in words:
        assert w in line, line
    assert "bí mật" not in line  # a token is never echoed


def test_kiosk_serve_stops_on_a_wrong_connector_line(tmp_path, capsys):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[office.connector]\nkind = "http"\n', encoding="utf-8")
    assert cli_main(["--config", str(cfg), "serve", "--port", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'kind = "http" needs url' in err[0], err
