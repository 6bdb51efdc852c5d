"""`pip install .` (not editable) gives a working kiosk: the wheel carries every file the code reads.

Builds the wheel once, installs it with its dependencies into a fresh virtual environment (no
system site-packages, so a missing dependency shows), then runs the installed `kiosk` command from
a folder outside the checkout: --version, doctor --help, the office service answering HTTP, the
kiosk app offscreen in demo mode, and checks that the installed code finds its fonts, translations,
catalogue, .kv files, Alembic migrations and web pages in site-packages, never in the checkout.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PACKAGES = ("kiosk", "screens", "devices")
NOT_SHIPPED = ("assets/screenshots/",)  # the README's pictures; nothing reads them at run time


def _run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "-q", "--no-deps",
          "-w", str(out), str(REPO)], timeout=300)
    (whl,) = out.glob("motcua_kiosk-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its dependencies (pip's cache keeps this quick)."""
    root = tmp_path_factory.mktemp("venv") / "v"
    _run([sys.executable, "-m", "venv", "--without-pip", str(root)], timeout=120)
    _run([sys.executable, "-m", "pip", "--python", str(root / "bin" / "python"), "install",
          "--disable-pip-version-check", "-q", str(wheel)], timeout=600)
    return root


@pytest.fixture
def outside(tmp_path, venv) -> dict:
    """Run from a folder outside the checkout, with nothing pointing back into it."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "KIOSK_CONFIG", "NOTIFY_SOCKET", "PYTHONHOME")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", XDG_STATE_HOME=str(tmp_path / "xdg"),
               KIVY_HOME=str(tmp_path / "kivy"), HOME=str(tmp_path / "home"), PYTHONDONTWRITEBYTECODE="1",
               SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_NO_FILELOG="1")
    (tmp_path / "home").mkdir()
    return {"cwd": tmp_path, "env": env}


def _site_packages(venv: Path) -> Path:
    (sp,) = (venv / "lib").glob("python3*/site-packages")
    return sp.resolve()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


# ---------------------------------------------------------------- what the wheel holds
def _source_files() -> set[str]:
    """Every file of the three packages and of assets/ in the checkout that git does not ignore."""
    files = set()
    for top in (*PACKAGES, "assets"):
        for p in (REPO / top).rglob("*"):
            rel = p.relative_to(REPO).as_posix()
            if p.is_file() and "__pycache__" not in p.parts and not rel.startswith(NOT_SHIPPED):
                files.add(rel)
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "--stdin"], capture_output=True, text=True,
                             input="\n".join(sorted(files))).stdout.splitlines()
    return files - set(ignored)


def test_the_wheel_holds_every_file_of_the_packages_and_the_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"kiosk/" + f if f.startswith("assets/") else f for f in _source_files()}
    missing = sorted(expected - names)
    assert not missing, f"not in the wheel: {missing[:20]}"
    for must in ("kiosk/assets/fonts/Roboto-Regular.ttf", "kiosk/assets/i18n/vi.json",
                 "kiosk/assets/data/procedures.json", "kiosk/assets/data/provinces.json", "screens/widgets/common.kv",
                 "kiosk/office/storage/migrations/script.py.mako", "kiosk/office/storage/migrations/env.py",
                 "kiosk/office/web/static/counter.html", "kiosk/office/web/i18n/vi.json"):
        assert must in names
    assert any(re.fullmatch(r"kiosk/office/storage/migrations/versions/0001_\w+\.py", n) for n in names)
    assert not any(n.startswith(("assets/", "tests/", "bench/")) or "__pycache__" in n for n in names)


def test_from_the_checkout_paths_point_at_the_top_level_assets():
    """Editable installs, the tests and the Pi installer run from the checkout: assets/ stays on top."""
    from kiosk import paths

    assert paths.ROOT == REPO
    assert paths.ASSETS == REPO / "assets"
    assert (paths.FONTS / "Roboto-Regular.ttf").is_file() and (paths.I18N / "vi.json").is_file()
    assert (paths.DATA / "procedures.json").is_file() and (paths.ROOT / "screens" / "widgets" / "common.kv").is_file()


# ---------------------------------------------------------------- the installed command
def test_version_matches_pyproject(outside):
    out = _run(["kiosk", "--version"], **outside).stdout
    assert out.strip() == f"motcua-kiosk {VERSION}"


def test_doctor_help(outside):
    out = _run(["kiosk", "doctor", "--help"], **outside).stdout
    assert "--test-print" in out


PROBE = r"""
import json, kiosk, screens, devices
from kiosk import paths
from kiosk.i18n import catalogue
from kiosk.office.storage import migrate
from kiosk.office import web
from kiosk.domain import catalogue as procedures
from kiosk.office import forms
pdf = forms.render("declaration", {"code": "BT-1", "applicant": {"full_name": "Nguyễn Thị Hòa"}}, {}, {})
print(json.dumps({
    "kiosk": kiosk.__file__, "screens": screens.__file__, "devices": devices.__file__,
    "ROOT": str(paths.ROOT), "ASSETS": str(paths.ASSETS), "FONTS": str(paths.FONTS),
    "I18N": str(paths.I18N), "DATA": str(paths.DATA), "catalogue": str(procedures.DEFAULT_PATH),
    "migrations": str(migrate.MIGRATIONS), "static": str(web.STATIC), "web_i18n": str(web.I18N_DIR),
    "vi_entries": len(catalogue("vi")), "form_pdf": pdf[:5].decode(),
}))
"""


def test_installed_code_finds_its_files_in_site_packages(outside, venv):
    sp = _site_packages(venv)
    got = json.loads(_run([str(venv / "bin" / "python"), "-c", PROBE], **outside).stdout)
    for name, value in got.items():
        if name in ("vi_entries", "form_pdf"):
            continue
        path = Path(value).resolve()
        assert path.is_relative_to(sp), f"{name} resolves to {path}, outside {sp}"
        assert not path.is_relative_to(REPO), f"{name} resolves into the checkout: {path}"
    assert got["vi_entries"] > 0
    assert got["form_pdf"] == "%PDF-"  # fpdf2 installed as a dependency, the font found in the wheel
    root, assets = Path(got["ROOT"]), Path(got["ASSETS"])
    assert assets == sp / "kiosk" / "assets"
    for f in (root / "screens" / "widgets" / "common.kv", root / "screens" / "home.kv", Path(got["FONTS"]) / "Roboto-Bold.ttf",
              Path(got["I18N"]) / "en.json", Path(got["catalogue"]), Path(got["DATA"]) / "provinces.json",
              Path(got["migrations"]) / "script.py.mako", Path(got["migrations"]) / "env.py",
              Path(got["static"]) / "board.html", Path(got["web_i18n"]) / "en.json"):
        assert f.is_file(), f
    assert list((Path(got["migrations"]) / "versions").glob("0001_*.py"))


def test_serve_migrates_and_answers_http(outside):
    port = _free_port()
    db = outside["cwd"] / "state" / "office.db"
    proc = subprocess.Popen(["kiosk", "serve", "--port", str(port), "--database", f"sqlite:///{db}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **outside)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = _get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        assert health is not None, f"no answer from kiosk serve:\n{_stop(proc)} {proc.stdout.read()[-3000:]}"
        status, body = health
        assert status == 200 and json.loads(body)["ok"] is True
        status, page = _get(f"http://127.0.0.1:{port}/board")  # a page from the packaged web/static
        assert status == 200 and b"<html" in page.lower()
        status, js = _get(f"http://127.0.0.1:{port}/web/i18n.js")  # the packaged web/i18n/*.json
        assert status == 200 and js.startswith(b"window.I18N")
        assert db.is_file()  # Alembic ran from the packaged migrations
    finally:
        rc = _stop(proc)
    # uvicorn shuts down cleanly, then re-raises the SIGTERM it caught: systemd counts both as clean
    assert rc in (0, -signal.SIGTERM), proc.stdout.read()[-3000:]


def test_demo_draws_its_first_frame_and_stops_on_sigterm(outside):
    """The kiosk app (Kivy, .kv files, fonts, translations, catalogue) plus its embedded office,
    from the wheel: READY=1 over sd_notify once the first screen is drawn, as under systemd."""
    sock_path = str(outside["cwd"] / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(60)
    env = {**outside["env"], "NOTIFY_SOCKET": sock_path}
    proc = subprocess.Popen(["kiosk", "demo"], cwd=outside["cwd"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        messages, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline and not any("READY=1" in m for m in messages):
            try:
                messages.append(sock.recv(4096).decode())
            except socket.timeout:
                break
        if not any("READY=1" in m for m in messages):
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"no READY=1 from kiosk demo: {messages}\n{err[-3000:]}")
        rc = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()
    out, err = proc.communicate()
    assert rc == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert "motcua-kiosk demo" in out


def test_print_sample_renders_with_the_packaged_fonts(outside):
    target = outside["cwd"] / "ticket.bin"
    proc = subprocess.run(["kiosk", "print-sample", "--printer", f"file:{target}", "--width", "80"],
                          capture_output=True, text=True, timeout=120, **outside)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert target.stat().st_size > 1000
