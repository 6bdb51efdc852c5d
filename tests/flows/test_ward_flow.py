"""The ward's identity in the kiosk's flows: an admin's change reaches a running kiosk at its next
heartbeat (no restart), and catalogue texts with {department}, {address}... are shown filled."""

import json

from kiosk.domain.catalogue import catalogue_from_dict
from kiosk.flows.catalogue import CatalogueFlow
from kiosk.flows.upkeep import UpkeepFlow
from kiosk.paths import DATA
from office_testing import staff_session

NEW = {"name": "UBND phường Sài Gòn", "department": "Trung tâm Phục vụ hành chính công phường Sài Gòn",
       "address": "45 Lê Duẩn", "phone": "028 3829 9999"}
COPY_CERTIFICATION = "2.000815"


def test_an_admins_change_reaches_the_running_kiosk_at_its_next_heartbeat(kiosk, shell, ui, flow_office):
    upkeep = UpkeepFlow(kiosk, shell, scanner_state=lambda: {"state": "connected", "kind": "pty"})
    admin = staff_session(flow_office, "admin", "admin-demo")
    before = admin.get(f"{flow_office.url}/api/ward").json()
    assert kiosk.ward.name == before["name"]  # the config's, until the office answers
    try:
        assert admin.put(f"{flow_office.url}/api/admin/ward", json=NEW).status_code == 200
        upkeep.heartbeat()
        ui.run_until(lambda: shell.wards)
        [shown] = shell.wards
        assert (shown.name, shown.department, shown.address, shown.phone) == tuple(NEW.values())
        assert kiosk.ward is shown and kiosk.ward.timezone == "Asia/Ho_Chi_Minh"
        upkeep.heartbeat()  # nothing changed since: the top bar is left alone
        ui.settle(0.5)
        assert len(shell.wards) == 1
    finally:
        admin.put(f"{flow_office.url}/api/admin/ward",
                  json={k: before[k] for k in ("name", "department", "address", "phone", "hours_text")})


def test_the_procedure_page_fills_the_catalogues_placeholders(kiosk, shell, ui):
    data = json.loads((DATA / "procedures.json").read_text(encoding="utf-8"))
    proc = next(p for p in data["procedures"] if p["code"] == COPY_CERTIFICATION)
    proc["handover_vi"] = "Quầy số 2 – {department}"
    proc["documents"][0]["vi"] = "Giấy hẹn của {ward} (hỏi {phone})"
    kiosk.catalogue = catalogue_from_dict(data)
    kiosk.ward = kiosk.ward.updated(NEW)
    flow = CatalogueFlow(kiosk, shell, ensure_catalogue=lambda then=lambda c: None: then(kiosk.catalogue),
                         start_dossier=lambda: None, take_number_in_field=lambda _field: None)
    flow.open(COPY_CERTIFICATION)
    page = shell.screen("procedure")
    handover = dict(page.facts)[shell.t("dossier.handover")]
    assert handover == "Trung tâm Phục vụ hành chính công phường Sài Gòn"  # counters not known yet: the place
    assert "•  Giấy hẹn của UBND phường Sài Gòn (hỏi 028 3829 9999)  (mang bản chính)" in page.documents
