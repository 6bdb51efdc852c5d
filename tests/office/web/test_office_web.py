"""The office web pages over HTTP (no browser): what is served, the friendly 404, the voice
route's input checks, and that every text the pages use exists in both languages."""

import io
import json
import re
import shutil
import unicodedata
import uuid
import wave
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from kiosk.office.speech import Speaker

WEB = Path(__file__).resolve().parents[3] / "kiosk" / "office" / "web"
STATIC = WEB / "static"
PAGES = ["/", "/counter", "/admin", "/board"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("office-web")
    settings = OfficeSettings(database_url=f"sqlite:///{tmp}/office.db", demo=True,
                              ward_name="UBND phường Bến Thành", kiosk_keys={"kiosk-1": "demo-kiosk-key"})
    app = create_app(settings)
    app.state.speaker = Speaker(tmp / "speech")
    with TestClient(app) as c:
        yield c


def issue(client, service="ho-tich"):
    r = client.post("/api/tickets", json={"service": service, "priority": None, "idempotency_key": uuid.uuid4().hex},
                    headers={"Authorization": "Bearer demo-kiosk-key"})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_html_with_a_strict_policy_and_the_ward_name(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "UBND phường Bến Thành" in r.text
    assert "{{" not in r.text  # every placeholder filled
    # no inline script: everything the CSP allows comes from /web/
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", r.text) == []


@pytest.mark.parametrize("path", PAGES + ["/t/x"])
def test_every_script_and_style_a_page_loads_exists(client, path):
    if path == "/t/x":
        path = "/t/" + issue(client)["public_token"]
    html = client.get(path).text
    refs = re.findall(r'(?:src|href)="(/web/[^"]+)"', html)
    assert refs, "the page loads its assets from /web/"
    for ref in refs:
        r = client.get(ref)
        assert r.status_code == 200, ref
        assert r.headers["x-content-type-options"] == "nosniff"
        if ref.endswith(".js"):
            assert "javascript" in r.headers["content-type"]


def test_public_ticket_page_for_a_real_token(client):
    t = issue(client)
    r = client.get(f"/t/{t['public_token']}")
    assert r.status_code == 200
    assert f'data-token="{t["public_token"]}"' in r.text
    assert r.headers["referrer-policy"] == "no-referrer"  # the token must not leak to other sites


@pytest.mark.parametrize("token", ["doesnotexist123", "x", 'abc"<b>12345678'])
def test_unknown_ticket_gets_a_friendly_html_404(client, token):
    r = client.get("/t/" + token)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy phiếu này" in r.text and "Ticket not found" in r.text
    assert "<b>" not in r.text


def test_board_speech_is_a_wav_of_chime_and_voice(client):
    r = client.get("/board/speech", params={"number": "A012", "counter": 3})
    assert r.status_code == 200
    assert r.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(r.content)) as w:
        seconds = w.getnframes() / w.getframerate()
    if shutil.which("espeak-ng"):
        assert r.headers["x-speech"] == "espeak-ng"
        assert seconds > 3  # chime + a whole sentence
    else:
        assert r.headers["x-speech"] == "chime-only"


@pytest.mark.parametrize("params, field", [
    ({"number": "xin chào", "counter": 3}, "number"),
    ({"number": "A012; reboot", "counter": 3}, "number"),
    ({"number": "A012", "counter": 0}, "counter"),
    ({"number": "A012"}, "counter"),
])
def test_board_speech_refuses_anything_but_a_ticket_number(client, params, field):
    r = client.get("/board/speech", params=params)
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_chime_is_served(client):
    r = client.get("/board/chime.wav")
    assert r.status_code == 200 and r.content[:4] == b"RIFF"


@pytest.mark.parametrize("path", ["/web/counter.html", "/web/..%2Fspeech.py", "/web/nothing.js",
                                  "/web/%2E%2E/__init__.py"])
def test_static_route_serves_only_assets(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "import" not in r.text


def _texts():
    return {lang: json.loads((WEB / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("vi", "en")}


def test_both_languages_have_the_same_keys_in_nfc():
    texts = _texts()
    assert set(texts["vi"]) == set(texts["en"])
    for value in texts["vi"].values():
        assert unicodedata.is_normalized("NFC", value)
        assert value.strip()


def test_every_text_the_pages_use_is_translated():
    keys = set(_texts()["vi"])
    used = set()
    for page in STATIC.glob("*.html"):
        used |= set(re.findall(r'data-i18n(?:-placeholder|-title|-label)?="([^"]+)"', page.read_text()))
    for script in STATIC.glob("*.js"):
        used |= set(re.findall(r"\bt\('([a-z_]+\.[a-z_.]+)'", script.read_text()))
    # keys built at run time: statuses, priorities, printer states, roles, error codes
    dynamic = {"status.": ["waiting", "called", "serving", "done", "no_show", "cancelled", "transferred"],
               "ticket.status.": ["waiting", "called", "serving", "done", "no_show", "cancelled", "transferred"],
               "priority.": ["elderly", "disability", "pregnant", "merit", "child_carer"],
               "printer.": ["ok", "paper_near_end", "paper_out", "offline", "unknown"],
               "role.": ["staff", "admin"]}
    for prefix, names in dynamic.items():
        used |= {prefix + n for n in names}
    missing = sorted(k for k in used if k not in keys and not k.endswith("."))
    assert missing == []


def test_priority_categories_of_the_queue_all_have_labels():
    from kiosk.domain.contract import PRIORITY_CATEGORIES

    texts = _texts()
    for cat in PRIORITY_CATEGORIES:
        assert f"priority.{cat}" in texts["vi"] and f"priority.{cat}" in texts["en"]


def test_i18n_script_carries_both_languages(client):
    r = client.get("/web/i18n.js")
    body = r.text.splitlines()[0].removeprefix("window.I18N = ").rstrip().rstrip(";")  # then window.WARD
    data = json.loads(body)
    assert data["vi"]["act.next"] == "Gọi số tiếp theo"
    assert data["en"]["act.next"] == "Call next"


def test_speech_is_cached_beside_the_office_database(tmp_path):
    settings = OfficeSettings(database_url=f"sqlite:///{tmp_path}/office.db", demo=False)
    with TestClient(create_app(settings)) as c:
        assert c.get("/board/speech", params={"number": "B007", "counter": 2}).status_code == 200
    if shutil.which("espeak-ng"):
        assert len(list((tmp_path / "speech-cache").glob("*.wav"))) == 1
