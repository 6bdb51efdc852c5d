"""`kiosk office add-user|purge` and `kiosk serve` start-up errors, through the real CLI entry."""

import pytest
import requests

from kiosk.cli import main
from kiosk.office.settings import sqlite_url
from office_testing import running_server


@pytest.fixture
def db(tmp_path):
    return sqlite_url(tmp_path / "office.db")


def test_add_user_then_log_in(db, monkeypatch, capsys):
    monkeypatch.setenv("KIOSK_NEW_PASSWORD", "mat-khau-rat-dai")
    assert main(["office", "add-user", "truongbp", "--role", "admin", "--full-name", "Phạm Thị Dung",
                 "--database", db]) == 0
    assert "created admin user truongbp" in capsys.readouterr().out
    assert main(["office", "add-user", "truongbp", "--database", db]) == 1
    assert "exists" in capsys.readouterr().err
    with running_server(db, workers=1, demo=False) as url:
        r = requests.post(f"{url}/api/auth/login", json={"username": "truongbp", "password": "mat-khau-rat-dai"},
                          timeout=30)
        assert r.status_code == 200 and r.json()["user"]["full_name"] == "Phạm Thị Dung"
        # outside demo mode there is no demo account
        r = requests.post(f"{url}/api/auth/login", json={"username": "admin", "password": "admin-demo"}, timeout=30)
        assert r.status_code == 401


def test_short_password_is_refused(db, monkeypatch, capsys):
    monkeypatch.setenv("KIOSK_NEW_PASSWORD", "short")
    assert main(["office", "add-user", "canbo9", "--database", db]) == 1
    assert "at least 8" in capsys.readouterr().err


def test_password_typed_twice_must_match(db, monkeypatch, capsys):
    monkeypatch.delenv("KIOSK_NEW_PASSWORD", raising=False)
    answers = iter(["mot-mat-khau", "mat-khau-khac"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["office", "add-user", "canbo9", "--database", db]) == 1
    assert "differ" in capsys.readouterr().err


def test_purge_on_an_empty_office_says_how_many(db, capsys):
    # the purge itself is tested with real dossiers in test_office_dossiers*.py
    assert main(["office", "purge", "--database", db]) == 0
    assert "removed the personal data of 0 dossier(s)" in capsys.readouterr().out


def test_serve_with_a_bad_database_url_says_so(capsys):
    assert main(["serve", "--database", "nosuchdb://x"]) == 2
    assert "bad database URL" in capsys.readouterr().err
