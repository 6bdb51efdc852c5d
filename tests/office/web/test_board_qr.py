"""The lobby board's QR (issue 15): [office] public_url + /board, so a phone follows the calls;
no QR without public_url (the office's own address is not one a phone in the lobby can open)."""

import re
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from kiosk.office.web.badge import qr_svg


def board(tmp_path, **settings) -> str:
    app = create_app(OfficeSettings(database_url=f"sqlite:///{tmp_path}/office.db", demo=True, **settings))
    with TestClient(app) as client:
        r = client.get("/board")
    assert r.status_code == 200 and "Content-Security-Policy" in r.headers
    return r.text


def test_the_board_shows_a_qr_of_the_public_url(tmp_path):
    page = board(tmp_path, public_url="https://motcua.benthanh.example.vn")
    assert qr_svg("https://motcua.benthanh.example.vn/board") in page
    assert "Quét mã để xem số đang gọi trên điện thoại" in page
    assert "{{" not in page


def test_no_public_url_no_qr_on_the_board(tmp_path):
    page = board(tmp_path)
    assert not re.search(r"<svg|board-qr|Quét mã", page) and "{{" not in page
    assert 'id="now-number"' in page  # still the board
