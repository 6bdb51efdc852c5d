"""Screenshots of the main kiosk screens reached by touch, checked for real drawing. With
UPDATE_SCREENSHOTS=1 they replace the kiosk-*.png in assets/screenshots/. (The README's and
docs/SCREENS.md's pictures come from the layout check: scripts/screenshots.sh --update.)"""

import os
import shutil

import pytest
from PIL import Image

from kiosk.paths import ASSETS
from test_take_number_ui import kiosk  # noqa: F401,F811  (fixture: the app with a real office and printer)

pytestmark = pytest.mark.ui

CARD = "079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh|10052022"


def keep(drv, tmp_path, name):
    shot = drv.screenshot(tmp_path / f"{name}.png")
    img = Image.open(shot).convert("RGB")
    assert img.size == (1024, 600)
    assert len(img.getcolors(maxcolors=1 << 20)) > 20, f"{name} looks blank"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, ASSETS / "screenshots" / f"kiosk-{name}.png")


def test_screens(kiosk, tmp_path):  # noqa: F811
    keep(kiosk, tmp_path, "home")
    kiosk.tap("take_number")
    kiosk.wait_until(lambda: kiosk.has("service_ho-tich"))
    keep(kiosk, tmp_path, "service")
    kiosk.tap("service_ho-tich")
    kiosk.wait_until(lambda: kiosk.app.screen("ticket").print_state == "printed", timeout=15)
    keep(kiosk, tmp_path, "ticket")
    for png in kiosk.previews.glob("ticket-*.png"):
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            shutil.copy(png, ASSETS / "screenshots" / "ticket-80mm.png")
    kiosk.tap("ticket_done")
    kiosk.app.scanner_frame(CARD + "\r")
    kiosk.wait_until(lambda: kiosk.has("card_confirm"))
    keep(kiosk, tmp_path, "card")
    kiosk.tap("card_confirm")
    kiosk.tap("submit_dossier")
    kiosk.tap("procedure_1.001193")
    keep(kiosk, tmp_path, "procedure")
    kiosk.tap("start_dossier")
    kiosk.tap("consent_agree")
    keep(kiosk, tmp_path, "consent")
    kiosk.tap("consent_next")
    kiosk.tap("address_card")  # the card's address: "Đúng, dùng địa chỉ này"
    kiosk.tap("key-ok")  # the phone number is optional
    for key in "Nguyeenx":
        kiosk.tap("key-shift") if key.isupper() else None
        kiosk.tap(f"key-{key.lower()}")
    keep(kiosk, tmp_path, "form")
