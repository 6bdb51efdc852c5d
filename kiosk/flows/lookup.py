"""Looking a dossier up (screens/lookup): by the code typed or scanned from a receipt, or every
dossier of a scanned ID card.

A dossier still waiting in this kiosk's outbox is answered from the outbox; the outbox is SQLite
behind a lock the sender holds across fsyncs, so it is read on a worker, never the UI thread.
"""

from __future__ import annotations

from typing import Any

from kiosk.flows.base import Flow


class LookupFlow(Flow):
    def enter(self) -> None:
        self.shell.screen("lookup").results = []

    def find(self, code: str) -> None:
        code = code.strip().upper()
        if not code:
            return
        self.shell.activity()
        self.kiosk.submit_for_session(self._find, code, on_done=self._show, on_error=self._failed)

    def _find(self, code: str) -> list[dict]:
        """Worker thread: this kiosk's outbox first (a code or a local reference), then the office."""
        outbox = self.kiosk.outbox
        resolved = outbox.resolve(code) if outbox is not None else None
        local = outbox.by_ref(code) if outbox is not None else None
        if local is not None and local.state == "pending":
            return [{"code": local.local_ref, "status": "pending"}]
        return [self.kiosk.client.dossier(resolved or code)]

    def by_citizen(self, citizen: Any) -> None:
        self.kiosk.submit_for_session(self.kiosk.client.dossiers_for, citizen.id_number, on_done=self._show,
                                      on_error=self._failed)

    def scanned_receipt(self, result: Any) -> None:
        """The QR of a dossier slip: look it up, from whatever screen it was scanned on."""
        if self.shell.current() != "lookup":
            self.shell.go("lookup")
            self.enter()
        self.shell.screen("lookup").code = result.code  # in the field, as if typed
        self.find(result.code)

    def card_scanned(self, citizen: Any) -> None:
        """A card scanned on the look-up screen lists this citizen's dossiers."""
        if self.shell.current() == "lookup":
            self.by_citizen(citizen)

    def _failed(self, exc: BaseException) -> None:
        if getattr(exc, "status", None) == 404:
            self.shell.screen("lookup").results = [self.t("lookup.none")]
        else:
            self.office_failed(exc)

    def _show(self, dossiers: list[dict]) -> None:
        if not dossiers:
            self.shell.screen("lookup").results = [self.t("lookup.none_for_card")]
            return
        out = []
        for d in dossiers:
            status = d.get("status", "received")
            name = d.get("procedure_name_" + self.lang) or d.get("procedure_name_vi", "")
            lines = [f"[b]{d.get('code', '')}[/b]  {name}", self.t("lookup.status", status=self.t(f"status.{status}"))]
            if d.get("appointment_date"):
                from kiosk.domain.forms import format_date

                lines.append(self.t("lookup.appointment", date=format_date(d["appointment_date"])))
            if d.get("note"):
                lines.append(d["note"])
            lines.append(self.t(f"next.{status}"))
            out.append("\n".join(lines))
        self.shell.screen("lookup").results = out
