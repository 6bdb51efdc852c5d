"""GET /api/events: server-sent events (call, queue, kiosk, reprint) with Last-Event-ID resume."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Annotated

from fastapi import Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from kiosk.office.api.deps import OfficeDep
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.storage.events import format_sse

router = OfficeRouter(prefix="/api", tags=["events"])


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def events(request: Request, office: OfficeDep, last_event_id: Annotated[str | None, Header()] = None,
                 since: Annotated[int | None, Query(ge=0, description="resume after this event id")] = None,
                 kinds: Annotated[str | None, Query(description="comma-separated filter, e.g. call,queue")] = None):
    hub = office.hub
    wanted = {k.strip() for k in kinds.split(",") if k.strip()} if kinds else None
    resume = since
    if last_event_id and last_event_id.strip().isdigit():
        resume = int(last_event_id.strip())
    heartbeat = office.settings.sse_heartbeat_seconds
    q = hub.subscribe()  # subscribe before replaying, then drop duplicates by id

    async def stream():
        sent = hub.last_id if resume is None else resume
        if resume is not None:
            # an id from the future (another database, a reset) cannot be resumed: start live
            sent = min(resume, await run_in_threadpool(hub.max_id))
        try:
            yield f"retry: 2000\n: connected worker={os.getpid()}\n\n".encode()
            if resume is not None:
                while True:
                    rows = await run_in_threadpool(hub.fetch_since, sent)
                    for event_id, kind, data in rows:
                        sent = event_id
                        if wanted is None or kind in wanted:
                            yield format_sse(event_id, kind, json.dumps(data, ensure_ascii=False))
                    if len(rows) < 500:
                        break
            while True:
                try:
                    item = await asyncio.wait_for(q.get(), timeout=heartbeat)
                except asyncio.TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield b": heartbeat\n\n"
                    continue
                if item is None:  # the worker is shutting down
                    return
                event_id, kind, data = item
                if event_id <= sent:
                    continue
                sent = event_id
                if wanted is None or kind in wanted:
                    yield format_sse(event_id, kind, json.dumps(data, ensure_ascii=False))
        finally:
            hub.unsubscribe(q)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
