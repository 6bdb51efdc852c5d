"""Background upkeep of the kiosk: a heartbeat with the printer's and scanner's state for the
staff console, and the procedure catalogue refreshed from the office (the last copy is kept
for when the office is unreachable). Timers here fire every tens of seconds, never per frame.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from kivy.clock import Clock

from kiosk import __version__

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
CATALOGUE_REFRESH_SECONDS = 15 * 60


class Upkeep:
    def start_upkeep(self) -> None:
        Clock.schedule_once(lambda _dt: self.heartbeat(), 2)
        Clock.schedule_once(lambda _dt: self.refresh_catalogue(), 3)
        Clock.schedule_interval(lambda _dt: self.heartbeat(), HEARTBEAT_SECONDS)
        Clock.schedule_interval(lambda _dt: self.refresh_catalogue(), CATALOGUE_REFRESH_SECONDS)

    # ---- heartbeat -----------------------------------------------------------------------
    def heartbeat(self) -> None:
        scanner = {"state": self.scanner_status, "kind": getattr(self.scanner, "kind", "none")}
        self.jobs.submit(self._heartbeat_worker, scanner, on_error=lambda exc: log.debug("heartbeat: %s", exc))

    def _heartbeat_worker(self, scanner: dict) -> dict:
        """Worker thread: read the printer's status (DLE EOT, may take half a second), report it."""
        printer = None
        if self.printer is not None:
            status = self.printer.status()
            printer = {"online": status.online, "paper": status.paper, "detail": status.detail}
        return self.client.heartbeat(printer=printer, scanner=scanner, version=__version__)

    # ---- catalogue -----------------------------------------------------------------------
    def _catalogue_copy(self) -> Any:
        return self.settings.kiosk.state_path() / "catalogue.json"

    def _load_saved_catalogue(self) -> None:
        """Start from the last copy the office sent, else the bundled catalogue."""
        from kiosk.domain.catalogue import CatalogueError, catalogue_from_dict, load_catalogue

        path = self._catalogue_copy()
        try:
            self.catalogue = catalogue_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            self.catalogue = load_catalogue()
        except (OSError, ValueError, CatalogueError) as exc:
            log.warning("saved catalogue %s unusable (%s); using the bundled one", path, exc)
            self.catalogue = load_catalogue()

    def refresh_catalogue(self) -> None:
        self.jobs.submit(self._fetch_catalogue, on_done=self._catalogue_fetched,
                         on_error=lambda exc: log.info("catalogue not refreshed: %s", exc))

    def _fetch_catalogue(self) -> Any:
        """Worker thread: fetch, check, and keep a copy on disk (written atomically)."""
        from kiosk.domain.catalogue import catalogue_from_dict

        data = self.client.procedures()
        catalogue = catalogue_from_dict(data)
        path = self._catalogue_copy()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        return catalogue

    def _catalogue_fetched(self, catalogue: Any) -> None:
        self.catalogue = catalogue
