"""kind = "folder": each received dossier lands as `<local code>.json` in the drop folder, whole
(written to a temporary file, synced, renamed), with the same body as the HTTP hand-off; a folder
that is missing (an unmounted share) is retried until it is back."""

import json
import time

from handoff_testing import APPLICANT, connector, office_client, office_db, staff, submit, wait_state
from kiosk.office.connectors import FolderConnector


def test_a_received_dossier_is_dropped_as_one_json_file(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    with office_client(office_db(tmp_path), connector("folder", folder=str(drop))) as c:
        code = submit(c)
        h = staff(c)
        view = wait_state(c, h, code, "delivered")
        assert view["delivery"]["delivered_by"] == "connector:folder" and view["official_code"] is None
        files = sorted(p.name for p in drop.iterdir())
        assert files == [f"{code}.json"]  # no temporary file left behind
        body = json.loads((drop / f"{code}.json").read_text(encoding="utf-8"))
        assert body["schema"] == "motcua-kiosk/dossier-v1" and body["local_code"] == code
        assert body["applicant"] == APPLICANT  # UTF-8, diacritics intact
        # the province's code arrives later: typed by staff (or reported on /api/connector/status)
        r = c.put(f"/api/dossiers/{code}/official-code", headers=h, json={"official_code": "H29.5-0001"})
        assert r.status_code == 200 and r.json()["official_code"] == "H29.5-0001"
        health = c.get("/api/connector", headers=h).json()
        assert health["kind"] == "folder" and health["folder"] == str(drop) and health["delivered"] == 1


def test_a_missing_folder_is_retried_until_it_is_there(tmp_path):
    drop = tmp_path / "share"
    with office_client(office_db(tmp_path), connector("folder", folder=str(drop))) as c:
        code = submit(c)
        h = staff(c)
        time.sleep(0.4)
        d = c.get(f"/api/dossiers/{code}/delivery", headers=h).json()["delivery"]
        assert d["state"] == "pending" and str(drop) in d["last_error"] and d["attempts"] >= 2
        drop.mkdir()  # the share is mounted again
        assert wait_state(c, h, code, "delivered")["delivery"]["state"] == "delivered"
        assert [p.name for p in drop.iterdir()] == [f"{code}.json"]


def test_writing_the_same_dossier_again_replaces_the_file_whole(tmp_path):
    """After a crash between the rename and the database update the row is sent again: the file
    is replaced by the same content, never appended to or left half-written."""
    conn = FolderConnector(str(tmp_path))
    body = {"schema": "motcua-kiosk/dossier-v1", "local_code": "BT-20261202-0001", "applicant": APPLICANT}
    assert conn.send("BT-20261202-0001", body).kind == "delivered"
    first = (tmp_path / "BT-20261202-0001.json").read_bytes()
    assert conn.send("BT-20261202-0001", body).kind == "delivered"
    assert (tmp_path / "BT-20261202-0001.json").read_bytes() == first
    assert json.loads(first) == body
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BT-20261202-0001.json"]
