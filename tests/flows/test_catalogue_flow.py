"""Browsing the catalogue through CatalogueFlow, with the real upkeep reading the saved copy."""

import threading

from kiosk.flows.catalogue import CatalogueFlow
from kiosk.flows.upkeep import UpkeepFlow

COPY_CERTIFICATION = "2.000815"


def make(kiosk, shell):
    upkeep = UpkeepFlow(kiosk, shell, scanner_state=lambda: {"state": "unknown", "kind": "none"})
    readers = []
    read = upkeep.read_saved_catalogue

    def recorded():
        readers.append(threading.current_thread())
        return read()

    upkeep.read_saved_catalogue = recorded
    return CatalogueFlow(kiosk, shell, ensure_catalogue=upkeep.ensure_catalogue), readers


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
    flow.open(COPY_CERTIFICATION)
    page = shell.screen("procedure")
    assert shell.current() == "procedure" and kiosk.session.data["procedure"] == COPY_CERTIFICATION
    assert page.documents[0] == f"[b]{shell.t('dossier.documents')}[/b]" and len(page.documents) > 1
    assert page.tip == shell.t("dossier.scan_first")
