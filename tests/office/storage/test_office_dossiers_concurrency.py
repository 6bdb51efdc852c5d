"""Dossier codes and idempotency under real concurrency: several processes, each with several
threads, submitting at once (some keys sent twice, racing), on SQLite and on PostgreSQL.
Every key gets exactly one dossier; codes of a day run 1..N with no duplicate and no gap."""

import multiprocessing as mp
from collections import Counter as Tally
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from kiosk.domain.catalogue import load_catalogue
from kiosk.office.operations import catalogue, dossiers
from kiosk.office.storage.models import Dossier, DossierHistory
from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings

pytestmark = pytest.mark.slow

PROCESSES, KEYS_PER_PROCESS = 3, 12
APPLICANT = {"full_name": "Phạm Văn Đồng", "id_number": "001080001234", "date_of_birth": "1980-01-02",
             "sex": "Nam", "address": "5 Hàng Bài, Hà Nội"}
FIELDS = {"document_name": "Hợp đồng", "number_of_documents": 2, "signing_method": "Ký"}


def prepared(url: str) -> Office:
    office = Office(OfficeSettings(database_url=url))
    office.prepare()
    catalogue.seed_catalogue_once(office)
    return office


def request_body(key: str) -> dict:
    return {"idempotency_key": key, "procedure_code": "2.000884", "applicant": APPLICANT, "fields": FIELDS,
            "local_ref": f"ref-{key}"}


def submit_keys(url: str, keys: list[str], threads: int = 3) -> list[tuple[str, str, bool]]:
    """Submit every key from several threads of this process: (key, code, created) per request.
    Module level so spawned processes can import it."""
    office = Office(OfficeSettings(database_url=url, migrate=False))

    def one(key: str) -> tuple[str, str, bool]:
        view, created = dossiers.submit_once(office, request_body(key), "kiosk-1", "kiosk:kiosk-1")
        return key, view["code"], created

    try:
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(one, keys))
    finally:
        office.db.dispose()


def key_plan() -> list[list[str]]:
    """Keys per process; every third key is also sent by the next process (a retry racing the original)."""
    plans = [[f"p{p}-{i}" for i in range(KEYS_PER_PROCESS)] for p in range(PROCESSES)]
    for p in range(PROCESSES):
        plans[p] += [k for k in plans[(p + 1) % PROCESSES] if int(k.rsplit("-", 1)[1]) % 3 == 0]
    return plans


def check_codes(office: Office, results: list[tuple[str, str, bool]]) -> None:
    codes_by_key: dict[str, set[str]] = {}
    for key, code, _ in results:
        codes_by_key.setdefault(key, set()).add(code)
    assert all(len(codes) == 1 for codes in codes_by_key.values())  # a raced key got one dossier
    assert sum(created for _, _, created in results) == len(codes_by_key)  # one 201 per key
    with office.db.read() as s:
        stored = s.scalars(select(Dossier)).all()
        history = Tally(h.dossier_id for h in s.scalars(select(DossierHistory)))
    assert {d.idempotency_key for d in stored} == set(codes_by_key)  # none lost
    assert len(stored) == len(codes_by_key)  # none doubled
    assert {d.code for d in stored} == {c for codes in codes_by_key.values() for c in codes}
    by_day: dict[str, list[int]] = {}
    for d in stored:
        prefix, day, seq = d.code.rsplit("-", 2)
        assert (prefix, int(seq)) == ("BT", d.seq)
        by_day.setdefault(day, []).append(d.seq)
    for seqs in by_day.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))  # no duplicate, no gap
    assert set(history.values()) == {1}  # one "received" entry each


def test_processes_and_threads_submit_at_once(db_url):
    office = prepared(db_url)
    with mp.get_context("spawn").Pool(PROCESSES) as pool:
        runs = [pool.apply_async(submit_keys, (db_url, keys)) for keys in key_plan()]
        results = [r for run in runs for r in run.get(timeout=300)]
    check_codes(office, results)
    office.db.dispose()


def test_the_same_key_from_many_threads_makes_one_dossier(db_url):
    office = prepared(db_url)
    results = submit_keys(db_url, ["double-tap"] * 12, threads=6)
    assert len({code for _, code, _ in results}) == 1
    assert sum(created for _, _, created in results) == 1
    assert submit_keys(db_url, ["next"])[0][1].endswith("-0002")
    office.db.dispose()


def test_workers_seeding_the_catalogue_at_once_store_it_once(db_url):
    office = Office(OfficeSettings(database_url=db_url))
    office.prepare()  # migrated, nothing seeded yet
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: catalogue.seed_catalogue_once(office), range(4)))
    with office.db.read() as s:
        assert len(catalogue.catalogue_dict(s)["procedures"]) == len(load_catalogue())
    office.db.dispose()


def test_two_uvicorn_workers_over_http_store_each_key_once(db_url):
    """`kiosk serve --workers 2`: both workers seed the catalogue at start (one wins), and kiosks
    retrying the same keys against both workers at once get one dossier per key."""
    import requests

    from office_testing import running_server

    keys = [f"http-{i}" for i in range(10)] * 3
    with running_server(db_url, workers=2) as url:
        assert len(requests.get(url + "/api/procedures", timeout=10).json()["procedures"]) == len(load_catalogue())

        def one(key):
            r = requests.post(url + "/api/dossiers", json=request_body(key), timeout=30,
                              headers={"Authorization": "Bearer demo-kiosk-key"})
            assert r.status_code in (200, 201), r.text
            return key, r.json()["code"], r.status_code == 201

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(one, keys))
    office = Office(OfficeSettings(database_url=db_url, migrate=False))
    check_codes(office, results)
    office.db.dispose()
