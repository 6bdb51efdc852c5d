"""The kiosk's look-up shows the province's dossier code beside the local one once the office
knows it (issue 14: the code the national portal knows)."""

import requests

from kiosk.domain import cccd
from kiosk.domain.catalogue import load_catalogue
from kiosk.domain.submission import Submission
from kiosk.flows.lookup import LookupFlow

CARD = "079190000002||Lê Văn Tâm|05031990|Nam|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"


def a_dossier(key: str) -> dict:
    sub = Submission(load_catalogue().by_code("2.000815"), citizen=cccd.parse(CARD))
    sub.consent = True
    assert sub.choose_address("card")  # the card's address page: "Đúng, dùng địa chỉ này"
    for value in ("0901234567", "Giấy khai sinh", "1", "1"):
        sub.answer(sub.current.path, value)
        sub.next()
    return {**sub.payload(kiosk_id="kiosk-1", volunteer_code=None), "idempotency_key": key}


def test_the_official_code_shows_once_staff_recorded_it(kiosk, shell, ui, flow_office):
    code = kiosk.client.submit_dossier(a_dossier("lookup-official-1"))["code"]
    flow = LookupFlow(kiosk, shell)
    flow.find(code)
    before = ui.run_until(lambda: shell.screen("lookup").results)[0]
    assert "Cổng Dịch vụ công" not in before

    staff = requests.Session()
    staff.post(flow_office.url + "/api/auth/login", json={"username": "canbo1", "password": "canbo1-demo"},
               timeout=10).raise_for_status()
    r = staff.put(f"{flow_office.url}/api/dossiers/{code}/official-code",
                  json={"official_code": "000.00.31.H29-261202-0099"}, timeout=10)
    assert r.status_code == 200, r.text

    shell.screen("lookup").results = None
    flow.find(code)
    lines = ui.run_until(lambda: shell.screen("lookup").results)[0].splitlines()
    assert code in lines[0]
    assert lines[1] == "Mã hồ sơ trên Cổng Dịch vụ công: 000.00.31.H29-261202-0099"
