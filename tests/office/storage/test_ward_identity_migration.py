"""Migration 0009: the ward_identity table matches its model, on a database that already holds an
office's settings, and the office seeds it from the config once; downgrade removes it (SQLite and
PostgreSQL)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from kiosk.office.service import Office
from kiosk.office.settings import OfficeSettings, sqlite_url
from kiosk.office.storage.migrate import downgrade, upgrade
from kiosk.office.storage.models import Base
from office_testing import pg_schema

WARD = {"ward_name": "UBND phường Tân Định", "ward_department": "Trung tâm Phục vụ hành chính công",
        "ward_address": "28 Trần Quang Khải", "ward_phone": "028 3848 0000", "ward_hours_text": "Thứ Hai – Thứ Sáu"}


def _touching(diffs) -> list:
    found = []
    for d in diffs:
        for part in (d if isinstance(d, list) else [d]):
            names = {getattr(p, "name", None) for p in part} | {getattr(getattr(p, "table", None), "name", None)
                                                                 for p in part}
            if "ward_identity" in names:
                found.append(d)
    return found


def check(url: str) -> None:
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            assert "ward_identity" in inspect(c).get_table_names()
            assert _touching(compare_metadata(MigrationContext.configure(c), Base.metadata)) == []
        # the office's first start seeds the config's identity; a second start with another config does not
        for name in ("UBND phường Tân Định", "UBND phường Khác"):
            office = Office(OfficeSettings(database_url=url, **{**WARD, "ward_name": name}))
            office.prepare()
            office.db.dispose()
        with engine.connect() as c:
            rows = c.execute(text("SELECT name, address, phone, hours_text FROM ward_identity")).all()
        assert [tuple(r) for r in rows] == [("UBND phường Tân Định", "28 Trần Quang Khải", "028 3848 0000",
                                             "Thứ Hai – Thứ Sáu")]
        downgrade(url, "0008")
        with engine.connect() as c:
            assert "ward_identity" not in inspect(c).get_table_names()
            assert "settings" in inspect(c).get_table_names()  # nothing else went
        upgrade(url)  # and up again
        with engine.connect() as c:
            assert "ward_identity" in inspect(c).get_table_names()
    finally:
        engine.dispose()


def test_0009_on_sqlite(tmp_path):
    check(sqlite_url(tmp_path / "m.db"))


@pytest.mark.postgres
def test_0009_on_postgresql(pg_url):
    with pg_schema(pg_url) as url:
        check(url)
