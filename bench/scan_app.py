"""The kiosk app offscreen with the pty scanner, for the scan-to-screen benchmark.

Built like kiosk.runner.run_kiosk builds it (Kivy config first, then KioskApp, then the devices
from the config through kiosk.runner.open_printer / open_scanner), without an office client: a card scan on the
home screen does not talk to the office. CitizenSession.set_citizen is wrapped to print, for each
card, the last 4 digits of its (synthetic) number, time.monotonic() (one clock for every process
on Linux) and whether it ran on the UI (main) thread.

Run: python bench/scan_app.py CONFIG.toml   (prints "SCANNER <pty path>", then "CITIZEN ..." lines)
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import kivy_setup, runner  # noqa: E402
from kiosk.config import load  # noqa: E402
from kiosk.domain.session import CitizenSession  # noqa: E402


def main(config: str) -> int:
    settings = load(config)
    kivy_setup.apply(kivy_setup.kivy_options(settings))
    from kiosk.app import KioskApp

    original = CitizenSession.set_citizen

    def set_citizen(self, citizen):
        original(self, citizen)
        ui = threading.current_thread() is threading.main_thread()
        print(f"CITIZEN {citizen.id_number[-4:]} {time.monotonic():.6f} {int(ui)}", flush=True)

    CitizenSession.set_citizen = set_citizen
    app = KioskApp(settings, client=None, printer=runner.open_printer(settings))
    app.scanner = runner.open_scanner(settings, app)
    print(f"SCANNER {app.scanner.path}", flush=True)
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
