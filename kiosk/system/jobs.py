"""Run blocking work (HTTP, printing, device I/O) off the UI thread.

`post` hands a callable back to the UI thread; the Kivy app passes one built on
Clock.schedule_once, tests can pass a plain queue. No Kivy here.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

log = logging.getLogger(__name__)


class Jobs:
    def __init__(self, post: Callable[[Callable[[], None]], None], workers: int = 2) -> None:
        self._post = post
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-job")

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future:
        """Run fn(*args) on a worker; deliver its result or exception on the UI thread."""

        def finished(fut: Future) -> None:
            if fut.cancelled():  # the kiosk is stopping (shutdown cancels what has not started)
                return
            exc = fut.exception()
            if exc is not None:
                if on_error is None:
                    log.error("background job %s failed: %s", getattr(fn, "__name__", fn), exc)
                else:
                    self._post(lambda: on_error(exc))
            elif on_done is not None:
                result = fut.result()
                self._post(lambda: on_done(result))

        fut = self._pool.submit(fn, *args)
        fut.add_done_callback(finished)
        return fut

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
