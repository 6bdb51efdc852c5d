"""Debian's Chromium, headless, driven by Playwright: shared by the browser tests.

A test module may set BROWSER_ARGS (e.g. TV_ARGS for the lobby board's autoplay) before use.
"""

from __future__ import annotations

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
TV_ARGS = ARGS + ["--autoplay-policy=no-user-gesture-required"]  # as on the lobby TV (web README)
WAIT = 10_000  # ms; generous for a loaded machine (speed goals are measured, not asserted)


def watch_errors(context, errors: list) -> None:
    """Collect every uncaught JavaScript error on the context's pages (tests assert none)."""
    context.set_default_timeout(WAIT)
    context.on("page", lambda page: page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}")))


@pytest.fixture(scope="module")
def browser(chromium_path, request):
    playwright_sync = pytest.importorskip("playwright.sync_api")
    args = getattr(request.module, "BROWSER_ARGS", ARGS)
    with playwright_sync.sync_playwright() as p:
        # every launch gets a fresh temporary profile (user-data dir)
        b = p.chromium.launch(executable_path=chromium_path, args=args, headless=True)
        yield b
        b.close()
