"""The kiosk's background upkeep against a real office: printer and scanner state reach the staff
console's kiosk list, and the procedure catalogue is refreshed and kept for offline starts."""

import json

import pytest
import requests

from kiosk.link.client import OfficeClient

pytestmark = pytest.mark.ui


def staff_view(office):
    s = requests.Session()
    token = s.post(f"{office.url}/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()["token"]
    return s.get(f"{office.url}/api/kiosks", headers={"Authorization": f"Bearer {token}"}).json()["kiosks"]


def test_heartbeat_shows_printer_out_of_paper_to_staff(kiosk_ui, office, tmp_path):
    from devices.printer import open_printer

    app = kiosk_ui.app
    saved = app.client, app.printer
    try:
        app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
        app.printer = open_printer(f"preview:{tmp_path}")
        (tmp_path / "simulate-fault").write_text("paper_out")
        app.upkeep.heartbeat()
        mine = kiosk_ui.wait_until(lambda: next((k for k in staff_view(office) if k["id"] == "kiosk-1"
                                                 and k.get("status", {}).get("printer")), None), timeout=15)
        assert mine["status"]["printer"]["paper"] == "out"
        (tmp_path / "simulate-fault").unlink()
        app.upkeep.heartbeat()
        kiosk_ui.wait_until(lambda: next(k for k in staff_view(office) if k["id"] == "kiosk-1")
                            ["status"]["printer"]["paper"] != "out", timeout=15)
    finally:
        app.client, app.printer = saved


def test_catalogue_is_refreshed_and_a_copy_kept(kiosk_ui, office):
    app = kiosk_ui.app
    saved = app.client, app.catalogue
    copy = app.settings.kiosk.state_path() / "catalogue.json"
    copy.unlink(missing_ok=True)
    try:
        # an admin changes a fee in the office's admin pages
        s = requests.Session()
        token = s.post(f"{office.url}/api/auth/login", json={"username": "admin", "password": "admin-demo"}).json()["token"]
        r = s.put(f"{office.url}/api/admin/procedures/2.000635", json={"fee_vnd": 9000},
                  headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        app.client = OfficeClient(office.url, "demo-kiosk-key", "kiosk-1", 5.0)
        app.upkeep.refresh_catalogue()
        kiosk_ui.wait_until(lambda: copy.exists() and app.catalogue.by_code("2.000635").fee_vnd == 9000, timeout=15)
        saved_codes = {p["code"] for p in json.loads(copy.read_text("utf-8"))["procedures"]}
        assert "1.001193" in saved_codes
        # the next start, with the office unreachable, uses that copy
        app.catalogue = None
        app.upkeep.ensure_catalogue()  # read off the UI thread: wait for it as a person would
        kiosk_ui.wait_until(lambda: app.catalogue is not None)
        assert {p.code for p in app.catalogue} == saved_codes
        assert app.catalogue.by_code("2.000635").fee_vnd == 9000
    finally:
        app.client, app.catalogue = saved
        copy.unlink(missing_ok=True)
