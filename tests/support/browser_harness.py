"""Debian's Chromium, headless, driven by Playwright: shared by the browser tests.

Fixtures: `browser` (one per module; a module may set BROWSER_ARGS, e.g. TV_ARGS for the lobby
board's autoplay), `ctx` (a fresh 1366×768 context whose uncaught JavaScript errors fail the test)
and `page` (a page in such a context whose console errors fail the test too). For other sizes:
`with watched_context(browser, viewport=…) as c:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
def pw():
    """Playwright itself (one per module: its sync API cannot nest), for a test that launches a
    second browser with other arguments."""
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(pw, chromium_path, request):
    args = getattr(request.module, "BROWSER_ARGS", ARGS)
    # every launch gets a fresh temporary profile (user-data dir)
    b = pw.chromium.launch(executable_path=chromium_path, args=args, headless=True)
    launched_context = b.new_context

    def in_the_wards_zone(**options):
        # the ward's computers and phones keep Việt Nam's time; pages that take "today" from the
        # browser must see the ward's day, whatever zone the test machine is in (UTC after 17:00)
        options.setdefault("timezone_id", "Asia/Ho_Chi_Minh")
        return launched_context(**options)

    b.new_context = in_the_wards_zone
    yield b
    b.close()


def watch_console(page, errors: list) -> None:
    """Collect the page's console errors. Chromium logs every 4xx answer as "Failed to load
    resource" (a 401 before login is expected): not a page error."""
    page.on("console", lambda m: errors.append(f"console: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)


def log_in(page, url: str, user: str) -> None:
    """Open a staff page and log in as one of the demo office's users (password USER-demo)."""
    page.goto(url)
    page.fill("#username", user)
    page.fill("#password", f"{user}-demo")
    page.click("#login-submit")


@contextmanager
def demo_office(tmp_path_factory) -> Iterator:
    """A real office service (embedded: uvicorn in a thread, SQLite) with the demo data, for a
    module's pages."""
    from kiosk.config import Kiosk, Settings
    from kiosk.office.embedded import start_embedded

    tmp = tmp_path_factory.mktemp("office")
    emb = start_embedded(Settings(kiosk=Kiosk(state_dir=str(tmp))), database_url=f"sqlite:///{tmp}/office.db",
                         demo=True)
    try:
        yield emb
    finally:
        emb.stop()


@contextmanager
def watched_context(browser, console: bool = False, **options) -> Iterator:
    """A new context (its own cookies) with `options` (viewport, is_mobile…); on leaving, asserts
    that its pages raised no uncaught JavaScript error (and, with console=True, logged no console error)."""
    errors: list = []
    c = browser.new_context(**options)
    watch_errors(c, errors)
    if console:
        c.on("page", lambda p: watch_console(p, errors))
    try:
        yield c
    finally:
        c.close()
    assert errors == []


@pytest.fixture
def ctx(browser):
    """A fresh desktop context; any uncaught JavaScript error on its pages fails the test."""
    with watched_context(browser, viewport={"width": 1366, "height": 768}) as c:
        yield c


@pytest.fixture
def page(browser):
    """A desktop page whose uncaught errors and console errors fail the test; its clock in the
    ward's zone, as the office's computers are (pages that take "today" from the browser)."""
    with watched_context(browser, console=True, viewport={"width": 1366, "height": 900},
                         timezone_id="Asia/Ho_Chi_Minh") as c:
        yield c.new_page()
