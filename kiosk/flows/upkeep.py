"""Background upkeep of the kiosk: a heartbeat with the printer's and scanner's state for the
staff console, and the procedure catalogue refreshed from the office (the last copy is kept
for when the office is unreachable). Timers here fire every tens of seconds, never per frame.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Callable

from kiosk import __version__
from kiosk.flows.base import Flow, Kiosk, Shell

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
CATALOGUE_REFRESH_SECONDS = 15 * 60


class UpkeepFlow(Flow):
    def __init__(self, kiosk: Kiosk, shell: Shell, *, scanner_state: Callable[[], dict]) -> None:
        super().__init__(kiosk, shell)
        self.scanner_state = scanner_state  # {"state", "kind"}, read on the UI thread
        self._waiting: list[Callable[[Any], None]] | None = None  # callers of ensure_catalogue

    def start(self) -> None:
        self.ensure_catalogue()  # the saved copy, read now on a worker: ready before the first tap
        self.shell.later(2, self.heartbeat)
        self.shell.later(3, self.refresh_catalogue)
        self.shell.every(HEARTBEAT_SECONDS, self.heartbeat)
        self.shell.every(CATALOGUE_REFRESH_SECONDS, self.refresh_catalogue)

    # ---- heartbeat -----------------------------------------------------------------------
    def heartbeat(self) -> None:
        self.kiosk.jobs.submit(self._heartbeat_worker, self.scanner_state(), on_done=self._heartbeat_answered,
                               on_error=lambda exc: log.debug("heartbeat: %s", exc))

    def _heartbeat_answered(self, answer: Any) -> None:
        """The office's answer carries the ward's identity: an admin's change in /admin reaches
        this running kiosk at its next heartbeat (the top bar, then every ticket and slip)."""
        ward = self.kiosk.ward.updated(answer.get("ward") if isinstance(answer, dict) else None)
        if ward != self.kiosk.ward:
            self.kiosk.ward = ward
            self.shell.show_ward(ward)

    def _heartbeat_worker(self, scanner: dict) -> dict:
        """Worker thread: read the printer's status (DLE EOT, may take half a second), report it."""
        status = self.kiosk.printer.status()
        printer = {"online": status.online, "paper": status.paper, "detail": status.detail}
        return self.kiosk.client.heartbeat(printer=printer, scanner=scanner, version=__version__)

    # ---- catalogue -----------------------------------------------------------------------
    def _catalogue_copy(self) -> Path:
        return self.kiosk.settings.kiosk.state_path() / "catalogue.json"

    def read_saved_catalogue(self) -> Any:
        """Worker thread: the last copy the office sent, else the bundled catalogue (disk and a
        schema check: tens of milliseconds on a Pi, so never on the UI thread)."""
        from kiosk.domain.catalogue import CatalogueError, catalogue_from_dict, load_catalogue

        path = self._catalogue_copy()
        try:
            return catalogue_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return load_catalogue()
        except (OSError, ValueError, CatalogueError) as exc:
            log.warning("saved catalogue %s unusable (%s); using the bundled one", path, exc)
            return load_catalogue()

    def ensure_catalogue(self, then: Callable[[Any], None] = lambda _catalogue: None) -> None:
        """Call then(catalogue) on the UI thread: now if one is loaded, else once the saved copy
        has been read on a worker (the office's refresh may not have answered yet)."""
        if self.kiosk.catalogue is not None:
            then(self.kiosk.catalogue)
            return
        if self._waiting is not None:  # a read is already under way: wait for it
            self._waiting.append(then)
            return
        self._waiting = [then]
        self.kiosk.jobs.submit(self.read_saved_catalogue, on_done=self._saved_catalogue_read,
                               on_error=self._saved_catalogue_failed)

    def _saved_catalogue_read(self, catalogue: Any) -> None:
        if self.kiosk.catalogue is None:  # a refresh from the office that came first wins
            self.kiosk.catalogue = catalogue
        waiting, self._waiting = self._waiting or [], None
        for then in waiting:
            then(self.kiosk.catalogue)

    def _saved_catalogue_failed(self, exc: BaseException) -> None:
        log.error("no procedure catalogue: %s", exc)  # the bundled one is broken: a packaging fault
        self._waiting = None
        self.shell.show_notice(self.t("notice.not_available"))

    def refresh_catalogue(self) -> None:
        self.kiosk.jobs.submit(self._fetch_catalogue, on_done=self._catalogue_fetched,
                               on_error=lambda exc: log.info("catalogue not refreshed: %s", exc))

    def _fetch_catalogue(self) -> Any:
        """Worker thread: fetch, check, and keep a copy on disk (written atomically)."""
        from kiosk.domain.catalogue import catalogue_from_dict

        data = self.kiosk.client.procedures()
        catalogue = catalogue_from_dict(data)
        path = self._catalogue_copy()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
        return catalogue

    def _catalogue_fetched(self, catalogue: Any) -> None:
        self.kiosk.catalogue = catalogue
