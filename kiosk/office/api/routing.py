"""The router every office API module uses."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter


class OfficeRouter(APIRouter):
    """An APIRouter whose routes answer exactly the keys their view built.

    Response models give /openapi.json its schemas; optional fields a view leaves out (a
    volunteer's one-time `pin`, the staff-only fields of a dossier) stay out of the answer
    instead of appearing as null.
    """

    def add_api_route(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        kwargs["response_model_exclude_unset"] = True
        super().add_api_route(path, endpoint, **kwargs)
