"""TLS on the office LAN (issue 19 item 6): `kiosk serve` with [office] tls_cert/tls_key, `Secure`
cookies over HTTPS only, and the kiosk trusting the office through [office] ca_file.

Real parts: a self-signed certificate made by the openssl command for 127.0.0.1, `kiosk serve` in a
subprocess (one worker, demo SQLite), the kiosk's OfficeClient and doctor's office check over real
HTTPS; TestClient for plain HTTP and a trusted proxy's X-Forwarded-Proto.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
import requests

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.config import ConfigError, load, parse
from kiosk.doctor.base import FAIL, PASS, Context
from kiosk.doctor.office import check_office
from kiosk.link.client import OfficeClient, OfficeUnavailable
from kiosk.office.app import create_app
from kiosk.office.operations.volunteers import DEMO_VOLUNTEER
from kiosk.office.settings import OfficeSettings
from office_testing import Clock, demo_sqlite, free_port

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
ADMIN = {"username": "admin", "password": "admin-demo"}


def make_certificate(folder: Path, name: str = "office") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, as docs/DEPLOY.md ("TLS") makes one."""
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "30", "-subj", "/CN=motcua office", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def write_config(path: Path, office: dict[str, str]) -> Path:
    lines = ["[office]"] + [f'{k} = "{v}"' for k, v in office.items()]
    lines += ["[kiosk]", f'state_dir = "{path.parent / "state"}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    return make_certificate(folder)


@pytest.fixture(scope="module")
def https_office(tmp_path_factory, tls):
    """`kiosk serve --demo` (one worker) answering https on 127.0.0.1; yields its https:// URL."""
    cert, key = tls
    folder = tmp_path_factory.mktemp("serve")
    database = demo_sqlite(tmp_path_factory.getbasetemp(), folder / "office.db")
    config = write_config(folder / "kiosk.toml", {"tls_cert": str(cert), "tls_key": str(key)})
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    log = open(folder / "serve.log", "w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk", "--config", str(config), "serve", "--port", str(port),
                             "--database", database], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"kiosk serve exited {proc.returncode}: {log.read()[-3000:]}")
            assert time.monotonic() < deadline, "kiosk serve did not start"
            try:
                requests.get(f"{url}/api/health", verify=str(cert), timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def cookies_set(response: requests.Response) -> dict[str, str]:
    """{cookie name: its whole Set-Cookie header}."""
    return {h.split("=", 1)[0]: h for h in response.raw.headers.getlist("Set-Cookie")}


# ------------------------------------------------------------------------ kiosk serve over https

def test_kiosk_serve_answers_https_with_the_certificate(https_office, tls):
    cert, _ = tls
    r = requests.get(f"{https_office}/api/health", verify=str(cert), timeout=5)
    assert r.status_code == 200 and r.json()["ok"] is True
    with pytest.raises(requests.ConnectionError):  # plain http to the TLS port gets no answer
        requests.get(https_office.replace("https://", "http://") + "/api/health", timeout=5)


def test_login_over_https_sets_secure_cookies(https_office, tls):
    cert, _ = tls
    r = requests.post(f"{https_office}/api/auth/login", json=ADMIN, verify=str(cert), timeout=10)
    assert r.status_code == 200, r.text
    cookies = cookies_set(r)
    assert "; secure" in cookies["motcua_session"].lower()
    assert "; secure" in cookies["motcua_device"].lower()
    assert "httponly" in cookies["motcua_session"].lower()


# ------------------------------------------------------------------------ Secure only over https

@pytest.fixture
def app(tmp_path, tmp_path_factory):
    url = demo_sqlite(tmp_path_factory.getbasetemp(), tmp_path / "office.db")
    clock = Clock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc))

    def make(**settings):
        return create_app(OfficeSettings(database_url=url, demo=True, **settings), clock=clock)
    return make


def login_cookies(client: TestClient, **headers) -> dict[str, str]:
    r = client.post("/api/auth/login", json=ADMIN, headers=headers)
    assert r.status_code == 200, r.text
    return {h.split("=", 1)[0]: h.lower() for h in r.headers.get_list("set-cookie")}


def test_plain_http_login_cookies_are_not_secure(app):
    with TestClient(app()) as c:
        cookies = login_cookies(c)
    assert set(cookies) == {"motcua_session", "motcua_device"}
    assert not any("secure" in h for h in cookies.values())


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(app):
    with TestClient(app()) as c:  # anyone may send the header: ignored
        assert "secure" not in login_cookies(c, **{"X-Forwarded-Proto": "https"})["motcua_session"]
    with TestClient(app(trusted_proxies=("testclient",))) as c:  # TestClient's peer address
        assert "; secure" in login_cookies(c, **{"X-Forwarded-Proto": "https"})["motcua_session"]
        assert "secure" not in login_cookies(c)["motcua_session"]  # the proxy says plain http


def test_volunteer_login_cookie_is_secure_over_https(app):
    with TestClient(app(), base_url="https://testserver") as c:
        r = c.post("/api/volunteers/login", json={"code": DEMO_VOLUNTEER[0], "pin": DEMO_VOLUNTEER[2]})
    assert r.status_code == 200, r.text
    assert r.headers["set-cookie"].startswith("motcua_volunteer=")
    assert "; secure" in r.headers["set-cookie"].lower()


# ------------------------------------------------------------------------ the kiosk trusts the office

def test_kiosk_client_with_ca_file_reaches_the_https_office(https_office, tls):
    cert, _ = tls
    client = OfficeClient(https_office, "demo-kiosk-key", "kiosk-1", ca_file=str(cert))
    try:
        assert client.health()["ok"] is True
        assert client.services()
    finally:
        client.close()


def test_kiosk_client_without_ca_file_sees_the_office_unreachable(https_office):
    client = OfficeClient(https_office, "demo-kiosk-key", "kiosk-1")  # system CAs do not know it
    t0 = time.monotonic()
    try:
        with pytest.raises(OfficeUnavailable, match="certificate not trusted"):
            client.services()
    finally:
        client.close()
    assert time.monotonic() - t0 < 2.0  # no retries: a certificate does not heal


def test_doctor_names_ca_file_when_the_certificate_is_not_trusted(https_office, tls, tmp_path):
    cert, _ = tls
    without = load(write_config(tmp_path / "without.toml", {"url": https_office}))
    office = {r.name: r for r in check_office(Context(without))}["office"]
    assert office.status == FAIL
    assert "certificate not trusted: set [office] ca_file" in office.found

    other, _ = make_certificate(tmp_path, "other")  # someone else's certificate: still not trusted
    wrong = load(write_config(tmp_path / "wrong.toml", {"url": https_office, "ca_file": str(other)}))
    assert "certificate not trusted" in {r.name: r for r in check_office(Context(wrong))}["office"].found

    with_ca = load(write_config(tmp_path / "with.toml", {"url": https_office, "ca_file": str(cert)}))
    got = {r.name: r for r in check_office(Context(with_ca))}
    assert got["office"].status == PASS, got["office"].found


# ------------------------------------------------------------------------ wrong settings, one line

def run_serve(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "--config", str(config), "serve", "--port", "1"],
                          capture_output=True, text=True, timeout=60)


def test_serve_with_a_missing_certificate_stops_with_one_line(tmp_path, tls):
    _, key = tls
    r = run_serve(write_config(tmp_path / "kiosk.toml", {"tls_cert": str(tmp_path / "nope.crt"),
                                                           "tls_key": str(key)}))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"serve: [office] tls_cert = '{tmp_path / 'nope.crt'}': file not found or not readable"]


def test_serve_with_a_key_of_another_certificate_stops_with_one_line(tmp_path, tls):
    cert, _ = tls
    _, other_key = make_certificate(tmp_path, "other")
    r = run_serve(write_config(tmp_path / "kiosk.toml", {"tls_cert": str(cert), "tls_key": str(other_key)}))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("serve: [office] tls_cert/tls_key: not a PEM certificate"), lines


def test_config_refuses_half_a_tls_pair_and_a_missing_ca_file(tmp_path):
    with pytest.raises(ConfigError, match=r"\[office\].*tls_cert and tls_key go together"):
        parse({"office": {"tls_cert": "/etc/kiosk/office.crt"}})
    with pytest.raises(ConfigError, match=r"\[office\] ca_file = .*: file not found"):
        parse({"office": {"ca_file": str(tmp_path / "missing.crt")}})
