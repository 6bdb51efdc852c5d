"""Test harness: Kivy runs offscreen, with its own home folder and no log files.

These variables must be set before the first `import kivy`, so they live at the top of the
root conftest. UI fixtures are in tests/support/ui_harness.py.
"""

import os
import tempfile

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_LOG_MODE"] = "PYTHON"
os.environ["KIVY_USE_DEFAULTCONFIG"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))
os.environ.pop("KIOSK_CONFIG", None)

import shutil  # noqa: E402

import pytest  # noqa: E402

pytest_plugins = ["ui_harness", "browser_harness"]


@pytest.fixture
def pg_url():
    """URL of a PostgreSQL test database (from .ci/run), or skip when none is running here."""
    url = os.environ.get("KIOSK_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("KIOSK_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("PostgreSQL not available: source scripts/start-test-postgres.sh")
    return url


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """An empty office database, once on SQLite (in tmp_path) and once in a private PostgreSQL schema."""
    from kiosk.office.settings import sqlite_url
    from office_testing import pg_schema

    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "office.db")
    else:
        with pg_schema(request.getfixturevalue("pg_url")) as url:
            yield url


@pytest.fixture(scope="session")
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed")
        pytest.skip("chromium not installed")
    return path
