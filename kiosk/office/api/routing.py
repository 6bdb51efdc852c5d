"""The router every office API module uses."""

from __future__ import annotations

import functools
import inspect
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool


class OfficeRouter(APIRouter):
    """An APIRouter whose routes answer exactly the keys their view built, with one thread-pool
    hop per sync endpoint.

    Response models give /openapi.json its schemas; optional fields a view leaves out (a
    volunteer's one-time `pin`, the staff-only fields of a dossier) stay out of the answer
    instead of appearing as null.
    """

    def add_api_route(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        kwargs["response_model_exclude_unset"] = True
        super().add_api_route(path, in_one_hop(endpoint), **kwargs)


def in_one_hop(endpoint: Any) -> Any:
    """A sync endpoint as a coroutine that runs it in the thread pool.

    FastAPI runs a sync endpoint in the thread pool and then validates its answer against the
    response model in a second trip there; a coroutine's answer is validated on the event loop.
    Each trip costs about as much CPU as a whole constant endpoint (issue 18). The validation
    holds the GIL either way, so running it on the loop blocks nothing a thread would not.
    FastAPI reads the parameters through `__wrapped__`, so dependencies and validation of the
    request are unchanged."""
    if inspect.iscoroutinefunction(endpoint) or not inspect.isfunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)
    return run
