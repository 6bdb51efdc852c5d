"""Browsing the catalogue through CatalogueFlow, with the real upkeep reading the saved copy."""

import threading

from kiosk.flows.catalogue import CatalogueFlow
from kiosk.flows.upkeep import UpkeepFlow

COPY_CERTIFICATION = "2.000815"  # done at the counter only (originals compared by the officer)
BIRTH = "1.001193"  # declared at the kiosk


def make(kiosk, shell):
    kiosk.taken = []  # the fields a number was taken in
    upkeep = UpkeepFlow(kiosk, shell, scanner_state=lambda: {"state": "unknown", "kind": "none"})
    readers = []
    read = upkeep.read_saved_catalogue

    def recorded():
        readers.append(threading.current_thread())
        return read()

    upkeep.read_saved_catalogue = recorded
    flow = CatalogueFlow(kiosk, shell, ensure_catalogue=upkeep.ensure_catalogue,
                         start_dossier=lambda: shell.go("consent"), take_number_in_field=kiosk.taken.append)
    return flow, readers


def test_first_use_reads_the_catalogue_off_the_ui_thread_then_lists_it(kiosk, shell, ui):
    assert kiosk.catalogue is None
    flow, readers = make(kiosk, shell)
    flow.enter()
    flow.enter()  # a second tap while it is read: still one read
    fields = ui.run_until(lambda: shell.screen("procedures").fields)
    assert ("B", "Chứng thực") in fields
    assert COPY_CERTIFICATION in [code for code, _name in shell.screen("procedures").procedures]
    assert len(readers) == 1 and readers[0] is not threading.current_thread()
    flow.filter("A")  # Hộ tịch only
    assert COPY_CERTIFICATION not in [code for code, _name in shell.screen("procedures").procedures]


def test_search_by_name_hands_the_chosen_procedure_on(kiosk, shell, ui):
    flow, _readers = make(kiosk, shell)
    chosen = []
    flow.open_search(chosen.append)
    [dialog] = shell.open("search")
    ui.run_until(lambda: kiosk.catalogue)
    dialog.press("on_search", "chứng thực bản sao")
    assert dialog.query == "chứng thực bản sao"
    assert COPY_CERTIFICATION in [code for code, _name in dialog.matches]
    dialog.press("on_choose", COPY_CERTIFICATION)
    assert dialog.closed and [p.code for p in chosen] == [COPY_CERTIFICATION]
    flow.open_search()
    [dialog] = shell.open("search")
    dialog.press("on_search", "zzzz")
    assert dialog.matches == [] and dialog.empty_text == shell.t("dossier.search_none")
    dialog.press("on_close")
    assert shell.open("search") == []


def test_a_procedure_page_says_what_to_bring_and_asks_for_the_card(kiosk, shell, ui):
    flow, _readers = make(kiosk, shell)
    flow.enter()
    ui.run_until(lambda: kiosk.catalogue)
    flow.open(BIRTH)
    page = shell.screen("procedure")
    assert shell.current() == "procedure" and kiosk.session.data["procedure"] == BIRTH
    assert page.documents[0] == "[b]Giấy tờ bắt buộc[/b]" and "[b]Nếu có[/b]" in page.documents
    required = page.documents[1:page.documents.index("[b]Nếu có[/b]")]
    assert any("Giấy chứng sinh (bản chính)" in line and "mang bản chính" not in line for line in required)
    assert any(line.startswith("•  Văn bản ủy quyền") for line in page.documents[page.documents.index("[b]Nếu có[/b]"):])
    assert page.tip == shell.t("dossier.scan_first") and page.action == "declare"
    flow.proceed()
    assert shell.current() == "consent" and kiosk.taken == []


def test_a_procedure_done_at_the_counter_is_prepared_and_leads_to_a_number(kiosk, shell, ui):
    flow, _readers = make(kiosk, shell)
    flow.enter()
    ui.run_until(lambda: kiosk.catalogue)
    flow.open(COPY_CERTIFICATION)
    page = shell.screen("procedure")
    assert page.action == "prepare" and page.tip == ""
    assert page.documents[0] == "[b]Thủ tục này làm trực tiếp tại quầy: cán bộ đối chiếu bản sao với bản chính.[/b]"
    assert "[b]Giấy tờ bắt buộc[/b]" in page.documents
    flow.proceed()
    assert kiosk.taken == ["B"] and shell.current() != "consent"
