"""Assisted mode and help requests through AssistFlow, against a real office."""

import pytest

from office_testing import staff_session
from kiosk.flows.assist import HELP_POLL_SECONDS, HELP_REMIND_POLLS, AssistFlow


@pytest.fixture(scope="module")
def volunteer(flow_office):
    admin = staff_session(flow_office, "admin", "admin-demo")
    r = admin.post(f"{flow_office.url}/api/admin/volunteers", json={"name": "Lê Minh Tú", "pin": "4822"})
    assert r.status_code == 201, r.text
    return r.json()


def test_pin_starts_assisted_mode_and_end_stops_it(kiosk, shell, ui, volunteer):
    flow = AssistFlow(kiosk, shell)
    flow.open_pin()
    [dialog] = shell.open("pin")
    dialog.press("on_pin", " 4822 ")
    assert dialog.closed
    ui.run_until(lambda: shell.band)
    assert shell.band == "Tình nguyện viên: Lê Minh Tú đang hỗ trợ"
    assert flow.volunteer_code() == volunteer["code"]
    flow.end()
    assert shell.band == "" and flow.volunteer_code() is None


def test_a_badge_starts_assisted_mode(kiosk, shell, ui, volunteer):
    from kiosk.domain.scan import classify

    flow = AssistFlow(kiosk, shell)
    flow.scanned_badge(classify(volunteer["badge"]))
    ui.run_until(lambda: shell.band)
    assert "Lê Minh Tú" in shell.band and kiosk.session.citizen is None


def test_a_wrong_pin_says_so_plainly(kiosk, shell, ui, volunteer):
    flow = AssistFlow(kiosk, shell)
    flow.open_pin()
    shell.open("pin")[0].press("on_pin", "0000")
    ui.run_until(lambda: shell.notices)
    assert shell.notice == shell.t("volunteer.not_recognised") and shell.band == ""


def test_cancel_closes_the_pin_pad(kiosk, shell, volunteer):
    flow = AssistFlow(kiosk, shell)
    flow.open_pin()
    shell.open("pin")[0].press("on_cancel")
    assert shell.open("pin") == []


def test_a_help_request_reaches_staff_and_the_kiosk_says_who_is_coming(kiosk, shell, ui, flow_office):
    flow = AssistFlow(kiosk, shell)
    shell.go("form")
    flow.request_help()
    ui.run_until(lambda: shell.notices)
    assert shell.notice == shell.t("notice.help_sent")
    staff = staff_session(flow_office, "canbo1", "canbo1-demo")
    mine = [h for h in staff.get(f"{flow_office.url}/api/help-requests?status=open").json()["help_requests"]
            if h["kiosk_id"] == "kiosk-1"]
    assert len(mine) == 1 and mine[0]["screen"] == "form"
    flow.request_help()  # asking again makes no second request
    assert shell.notice == shell.t("notice.help_sent")
    [poll] = [t for t in shell.timers if t.repeat and not t.cancelled]
    assert poll.seconds == HELP_POLL_SECONDS
    assert staff.post(f"{flow_office.url}/api/help-requests/{mine[0]['id']}/take").status_code == 200
    poll.fire()
    ui.run_until(lambda: "đang đến hỗ trợ" in shell.notice)
    assert "An" in shell.notice and flow.waiting_for_help  # someone is coming: still waiting, no idle wipe
    for _ in range(HELP_REMIND_POLLS - 1):  # a minute on, the kiosk says how long they have waited
        poll.fire()
    assert shell.notice == "Anh/chị An đang đến hỗ trợ ông/bà (đã chờ 1 phút). Xin vui lòng chờ tại máy."
    assert staff.post(f"{flow_office.url}/api/help-requests/{mine[0]['id']}/close").status_code == 200
    poll.fire()  # closed by staff (helped in person): the kiosk stops waiting
    ui.run_until(lambda: not flow.waiting_for_help)


def test_a_waiting_citizen_hears_how_long_they_have_waited(kiosk, shell, ui, flow_office):
    flow = AssistFlow(kiosk, shell)
    flow.request_help()
    ui.run_until(lambda: shell.notices)
    [poll] = [t for t in shell.timers if t.repeat and not t.cancelled]
    for _ in range(HELP_REMIND_POLLS):
        poll.fire()
    assert shell.notice == ("Ông/bà đã chờ 1 phút. Yêu cầu hỗ trợ vẫn đang mở, cán bộ hoặc tình nguyện viên "
                            "sẽ đến. Xin ông/bà vui lòng chờ tại máy.")
    assert flow.waiting_for_help
    flow.reset()
    assert not flow.waiting_for_help


def test_the_session_ending_cancels_an_open_help_request(kiosk, shell, ui, flow_office):
    flow = AssistFlow(kiosk, shell)
    flow.request_help()
    ui.run_until(lambda: shell.notices)
    staff = staff_session(flow_office, "canbo1", "canbo1-demo")

    def open_ones():
        return [h for h in staff.get(f"{flow_office.url}/api/help-requests?status=open").json()["help_requests"]
                if h["kiosk_id"] == "kiosk-1"]

    assert len(open_ones()) == 1
    flow.reset()  # the citizen walked away
    ui.run_until(lambda: not open_ones())
    assert all(t.cancelled for t in shell.timers if t.repeat)
