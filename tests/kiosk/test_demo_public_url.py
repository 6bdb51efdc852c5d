"""`kiosk demo` says how to turn on QR codes phones can open ([office] public_url, issue 15)."""

from types import SimpleNamespace

from kiosk import runner
from kiosk.config import Settings, parse


def demo_help(settings, capsys) -> str:
    runner._print_demo_help(settings, SimpleNamespace(printer=None, scanner=None), "http://127.0.0.1:41234")
    return capsys.readouterr().out


def test_the_demo_says_how_to_set_public_url(capsys):
    out = demo_help(Settings(), capsys)
    line = next(x for x in out.splitlines() if "phone QR codes" in x)
    assert "off" in line and 'public_url = "http' in line and "[office]" in line


def test_the_demo_shows_the_public_url_when_set(capsys):
    out = demo_help(parse({"office": {"public_url": "http://motcua.lan:8080"}}), capsys)
    assert "phone QR codes:  http://motcua.lan:8080/t/" in out
