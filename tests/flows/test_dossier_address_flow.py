"""DossierFlow on the card's address page: the proposal comes from the table (the state folder's
own list when an installer put one there), and the chosen address is the one sent."""

import json

from kiosk.domain import cccd
from kiosk.domain.catalogue import load_catalogue
from kiosk.flows.dossier import DossierFlow
from kiosk.paths import DATA

OLD = "079190000003||Lê Văn Tám|01021960|Nam|45 Bùi Viện, P. Phạm Ngũ Lão, Q.1, TP.HCM|10052022"
QUAN_3 = "079190000005||Lê Văn Tám|01021960|Nam|Số 9, Phường Võ Thị Sáu, Quận 3, TP. Hồ Chí Minh|10052022"


def to_address_page(kiosk, shell, card):
    kiosk.catalogue = load_catalogue()
    kiosk.session.set_citizen(cccd.parse(card))
    kiosk.session.data["procedure"] = "1.004873"  # marital status: declared at the kiosk
    flow = DossierFlow(kiosk, shell, volunteer_code=lambda: None, take_number_in_field=lambda _f: None)
    flow.start()
    flow.set_consent(True)
    flow.consent_next()
    return flow


def test_the_proposal_is_shown_and_sent(kiosk, shell):
    flow = to_address_page(kiosk, shell, OLD)
    form = shell.screen("form")
    assert form.kind == "address" and form.value == "45 Bùi Viện, P. Phạm Ngũ Lão, Q.1, TP.HCM"
    assert form.note == "Địa chỉ mới: 45 Bùi Viện, Phường Bến Thành, Thành phố Hồ Chí Minh"
    assert [c for c, _label in form.choices] == ["new", "card", "other"]
    flow.address_choose("new")
    assert form.kind != "address"
    sub = kiosk.session.data["submission"]
    assert sub.payload(kiosk_id="k")["applicant"]["address"] == "45 Bùi Viện, Phường Bến Thành, Thành phố Hồ Chí Minh"


def test_a_table_in_the_state_folder_is_used(kiosk, shell):
    flow = to_address_page(kiosk, shell, QUAN_3)
    form = shell.screen("form")
    assert form.choices == [("card", "Giữ như trên thẻ"), ("other", "Nhập địa chỉ khác")]  # bundled: Quận 3 unknown
    assert "trước 1/7/2025" in shell.screen("form").note
    flow.address_choose("new")  # nothing to use: stays
    assert shell.screen("form").kind == "address"
    raw = json.loads((DATA / "address_changes.json").read_text(encoding="utf-8"))
    raw["communes"].append({"new": "Phường Xuân Hòa", "source": "NQ-1685",
                            "from": [{"old": "Phường Võ Thị Sáu", "district": "Quận 3", "whole": True}]})
    (kiosk.settings.kiosk.state_path() / "address_changes.json").write_text(json.dumps(raw, ensure_ascii=False),
                                                                            encoding="utf-8")
    flow = to_address_page(kiosk, shell, QUAN_3)
    assert shell.screen("form").note == "Địa chỉ mới: Số 9, Phường Xuân Hòa, Thành phố Hồ Chí Minh"
