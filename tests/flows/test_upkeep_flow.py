"""Heartbeat and catalogue upkeep through UpkeepFlow, against a real office."""

import json
import threading

import requests

from devices.printer import NullPrinter
from kiosk.flows.upkeep import UpkeepFlow


def staff_view(office):
    s = requests.Session()
    token = s.post(f"{office.url}/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"}).json()["token"]
    return s.get(f"{office.url}/api/kiosks", headers={"Authorization": f"Bearer {token}"}).json()["kiosks"]


def make(kiosk, shell):
    return UpkeepFlow(kiosk, shell, scanner_state=lambda: {"state": "connected", "kind": "pty"})


def test_without_a_printer_staff_see_that_none_is_configured(kiosk, shell, ui, flow_office):
    kiosk.printer = NullPrinter()
    make(kiosk, shell).heartbeat()

    def mine():
        return next((k for k in staff_view(flow_office) if k["id"] == "kiosk-1"
                     and "no printer" in ((k.get("status") or {}).get("printer") or {}).get("detail", "")), None)

    kiosk_row = ui.run_until(mine)
    assert kiosk_row["status"]["printer"]["paper"] == "unknown"


def test_the_catalogue_is_refreshed_and_a_copy_kept_then_read_off_the_ui_thread(kiosk, shell, ui):
    flow = make(kiosk, shell)
    copy = kiosk.settings.kiosk.state_path() / "catalogue.json"
    flow.refresh_catalogue()
    ui.run_until(lambda: kiosk.catalogue)
    assert copy.exists() and "1.001193" in {p["code"] for p in json.loads(copy.read_text("utf-8"))["procedures"]}
    fresh = kiosk.catalogue
    # the next start, office or not: the copy is read on a worker; every caller gets it once read
    kiosk.catalogue = None
    readers, got = [], []
    read = flow.read_saved_catalogue
    flow.read_saved_catalogue = lambda: readers.append(threading.current_thread()) or read()
    flow.ensure_catalogue(got.append)
    flow.ensure_catalogue(got.append)
    assert got == []  # not read on the calling thread
    ui.run_until(lambda: len(got) == 2)
    assert len(readers) == 1 and readers[0] is not threading.current_thread()
    assert {p.code for p in got[0]} == {p.code for p in fresh} and got[0] is got[1]


def test_start_reads_the_saved_catalogue_and_schedules_the_upkeep(kiosk, shell, ui):
    make(kiosk, shell).start()
    ui.run_until(lambda: kiosk.catalogue)  # the bundled one: no copy in a fresh state folder
    assert kiosk.catalogue.by_code("2.000815") is not None
    assert sorted(t.seconds for t in shell.timers if t.repeat) == [30, 15 * 60]
