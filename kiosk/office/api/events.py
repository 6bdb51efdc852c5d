"""GET /api/events: server-sent events (call, queue, kiosk, reprint) with Last-Event-ID resume.

Each open stream holds a socket (a file descriptor) for as long as the client wants, and needs no
log-in (the TV board): the streams per client address and in total are capped per worker process
(settings max_event_streams*), 503 beyond, so idle connections cannot use up the process's files.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from typing import Annotated

from fastapi import Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from kiosk.office.api.deps import OfficeDep, client_ip
from kiosk.office.api.errors import error_body
from kiosk.office.api.routing import OfficeRouter
from kiosk.office.storage.events import format_sse

router = OfficeRouter(prefix="/api", tags=["events"])


def _json(data) -> str:
    """Event data as JSON text; a stored lone surrogate becomes a \\u escape, not a broken stream."""
    text = json.dumps(data, ensure_ascii=False)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(data)


class StreamSlots:
    """Open streams of this process, in total and per client address (the event loop's thread only)."""

    def __init__(self, total: int, per_address: int):
        self.total, self.per_address = total, per_address
        self.open = 0
        self.by_address: Counter[str] = Counter()

    def take(self, address: str) -> bool:
        if self.open >= self.total or self.by_address[address] >= self.per_address:
            return False
        self.open += 1
        self.by_address[address] += 1
        return True

    def give_back(self, address: str) -> None:
        self.open -= 1
        self.by_address[address] -= 1
        if self.by_address[address] <= 0:
            del self.by_address[address]


def _slots(request: Request, settings) -> StreamSlots:
    slots = getattr(request.app.state, "event_stream_slots", None)
    if slots is None:
        slots = StreamSlots(settings.max_event_streams, settings.max_event_streams_per_address)
        request.app.state.event_stream_slots = slots
    return slots


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}},
                       503: {"description": "too many open event streams (in total or from this address)"}})
async def events(request: Request, office: OfficeDep, last_event_id: Annotated[str | None, Header()] = None,
                 since: Annotated[int | None, Query(ge=0, description="resume after this event id")] = None,
                 kinds: Annotated[str | None, Query(description="comma-separated filter, e.g. call,queue")] = None):
    hub = office.hub
    wanted = {k.strip() for k in kinds.split(",") if k.strip()} if kinds else None
    resume = since
    if last_event_id and last_event_id.strip().isdigit():
        resume = int(last_event_id.strip())
    heartbeat = office.settings.sse_heartbeat_seconds
    slots, address = _slots(request, office.settings), client_ip(request)
    if not slots.take(address):
        return JSONResponse(error_body("too many open event streams; try again later", None, "too_many_streams"),
                            503, headers={"Retry-After": "30"})
    q = hub.subscribe()  # subscribe before replaying, then drop duplicates by id
    ended = False

    def end() -> None:  # once, whether the stream ran, was cancelled or never started
        nonlocal ended
        if not ended:
            ended = True
            hub.unsubscribe(q)
            slots.give_back(address)

    async def stream():
        live = await run_in_threadpool(hub.live_start)  # the queue has every event after it
        sent = live if resume is None else resume
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
                            yield format_sse(event_id, kind, _json(data))
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
                    yield format_sse(event_id, kind, _json(data))
        finally:
            end()

    return _Stream(stream(), end, media_type="text/event-stream",
                   headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


class _Stream(StreamingResponse):
    """Calls `end` after the response, also when the client left before the stream's first chunk
    (the generator's own `finally` never runs then, and the slot would stay taken)."""

    def __init__(self, content, end, **kwargs):
        super().__init__(content, **kwargs)
        self._end = end

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._end()
