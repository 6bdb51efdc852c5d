"""Taking a number through TicketFlow: a real office issues it, the preview printer prints it."""

from datetime import date

from devices.printer import NullPrinter
from kiosk.domain import cccd
from kiosk.flows.ticket import TICKET_FAILED_SECONDS, TICKET_SCREEN_SECONDS, TicketFlow
from kiosk.link.client import OfficeClient


def waiting(kiosk, code):
    return next(s["waiting"] for s in kiosk.client.queue()["services"] if s["code"] == code)


def make(kiosk, shell, volunteer=None):
    return TicketFlow(kiosk, shell, volunteer_code=lambda: volunteer)


def test_services_are_listed_from_the_office(kiosk, shell, ui):
    flow = make(kiosk, shell)
    flow.enter()
    ui.run_until(lambda: shell.screen("service").services)
    assert "ho-tich" in [s["code"] for s in shell.screen("service").services]
    assert not shell.notices


def test_double_tap_makes_one_ticket_and_its_number_is_printed(kiosk, shell, ui, paper):
    flow = make(kiosk, shell)
    before = waiting(kiosk, "ho-tich")
    shell.go("service")
    flow.take("ho-tich")
    flow.take("ho-tich")  # the impatient second tap while the first is in flight
    ui.run_until(lambda: shell.screen("ticket").print_state == "printed")
    number = shell.screen("ticket").number
    assert number.startswith("A") and shell.current() == "ticket"
    assert waiting(kiosk, "ho-tich") == before + 1
    assert kiosk.session.data["ticket"]["number"] == number
    slips = list(paper.glob(f"ticket-{number}-*.png"))
    assert len(slips) == 1  # one ticket, one slip, named by its number
    assert kiosk.client.ticket(kiosk.session.data["ticket"]["id"])["printed"] is True
    assert shell.end_after == TICKET_SCREEN_SECONDS
    assert not shell.screen("service").busy


def test_a_retry_after_the_answer_reuses_the_idempotency_key(kiosk, shell, ui):
    flow = make(kiosk, shell)
    shell.go("service")
    flow.take("ho-tich")
    ui.run_until(lambda: "ticket" in kiosk.session.data)
    first = kiosk.session.data["ticket"]["number"]
    shell.go("service")
    flow.take("ho-tich")  # same citizen, same service, same priority: the office answers the same ticket
    ui.run_until(lambda: shell.screen("ticket").print_state == "printed")
    assert kiosk.session.data["ticket"]["number"] == first


def test_no_printer_says_so_and_offers_a_reprint(kiosk, shell, ui):
    kiosk.printer = NullPrinter()
    flow = make(kiosk, shell)
    shell.go("service")
    flow.take("ho-tich")
    ui.run_until(lambda: shell.screen("ticket").print_state == "failed")
    assert shell.screen("ticket").can_reprint is True
    assert kiosk.client.ticket(kiosk.session.data["ticket"]["id"])["printed"] is False  # staff see it
    assert shell.end_after == TICKET_FAILED_SECONDS  # longer: the citizen notes the number down
    reprint_window = [t for t in shell.timers if not t.repeat]
    reprint_window[-1].fire()
    assert shell.screen("ticket").can_reprint is False


def test_office_unreachable_says_so_and_frees_the_buttons(kiosk, shell, ui):
    kiosk.client = OfficeClient("http://127.0.0.1:9", "demo-kiosk-key", "kiosk-1", 0.5, retries=0)
    flow = make(kiosk, shell)
    shell.go("service")
    flow.take("ho-tich")
    ui.run_until(lambda: shell.notices)
    assert shell.notice == shell.t("notice.office_offline")
    assert shell.current() == "service" and not shell.screen("service").busy


def test_an_answer_for_a_citizen_who_left_is_dropped(kiosk, shell, ui):
    flow = make(kiosk, shell)
    shell.go("service")
    flow.take("ho-tich")
    kiosk.session.wipe()  # the session ended while the office was answering
    ui.settle(2.0)
    assert "ticket" not in kiosk.session.data and shell.current() == "service"


def test_an_elderly_card_preselects_the_priority_and_the_dialog_changes_it(kiosk, shell, ui):
    citizen = cccd.parse("001150012345||Nguyễn Văn An|01011950|Nam|Phường Bến Thành, TP. Hồ Chí Minh|15082021")
    assert citizen.age(date.today()) >= 60
    kiosk.session.set_citizen(citizen)
    flow = make(kiosk, shell)
    flow.offer_priority()
    assert kiosk.session.data["priority"] == "elderly" and shell.screen("service").elderly_offer
    assert shell.t("priority.elderly") in shell.screen("service").priority_text
    flow.open_priority()
    [dialog] = shell.open("priority")
    dialog.press("on_choose", None)
    assert dialog.closed and kiosk.session.data["priority"] is None
    assert shell.screen("service").priority_text == ""


def test_a_procedure_found_by_name_takes_a_number_in_its_field(kiosk, shell, ui):
    from kiosk.domain.catalogue import load_catalogue

    flow = make(kiosk, shell)
    flow.enter()
    ui.run_until(lambda: kiosk.services)
    procedure = load_catalogue().by_code("2.000815")  # Chứng thực bản sao: the "chung-thuc" queue
    flow.take_for_procedure(procedure)
    ui.run_until(lambda: shell.current() == "ticket")
    assert kiosk.session.data["ticket"]["service"] == "chung-thuc"
    assert shell.screen("ticket").number.startswith("B")
