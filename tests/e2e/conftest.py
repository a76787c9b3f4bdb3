"""Browser fixtures: the app served on a real port, Debian's chromium driven by Playwright.

The session `app` fixture (one per database) is served by werkzeug in a daemon thread. Every test
starts from the clean database of the `db` fixture, with CSRF protection switched on so the real
forms must carry their tokens, and in a fresh browser context (no cookies from the test before).
"""

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("SASAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu"]
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Short enough that a broken page fails in seconds, long enough for a cold first render.
TIMEOUT_MS = 5_000

expect.set_options(timeout=TIMEOUT_MS)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG under tests/e2e/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class RequestsInFlight:
    """The requests the live server is still answering. A page may leave one running when its test ends (a
    fetch made after load, like the dashboard's map data); emptying the tables under it for the next test
    deadlocks PostgreSQL, so a page's teardown waits for the server to fall quiet."""

    def __init__(self, app):
        self.app, self.count, self.changed = app, 0, threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        response = None
        try:
            response = self.app(environ, start_response)
            return list(response)
        finally:
            # close() runs Flask's teardown, which hands the request's database connection back: until then
            # it sits idle in a transaction, holding locks the next test's TRUNCATE would wait on.
            if hasattr(response, "close"):
                response.close()
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_until_idle(self, timeout: float = 10) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.count == 0, timeout)


IN_FLIGHT: dict[str, RequestsInFlight] = {}  # live server URL → its requests


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app on 127.0.0.1 at a free port, for the whole session of one database."""
    counted = RequestsInFlight(app)
    server = make_server("127.0.0.1", 0, counted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="sasar-e2e-server", daemon=True)
    thread.start()
    IN_FLIGHT[f"http://127.0.0.1:{server.server_port}"] = counted
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def csrf_on(app) -> Iterator[None]:
    """Real forms carry the token; the unit tests' app has CSRF off, so turn it on per test."""
    before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = before


@pytest.fixture
def base_url(live_server, db, csrf_on) -> str:
    """The served app's URL, over a database emptied for this test."""
    return live_server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        reason = f"no chromium at {CHROMIUM} (set SASAR_CHROMIUM)"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true: browser tests must run, not skip", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open_page(browser: Browser, base_url: str, **context_options) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    def server_error(response) -> None:
        if response.status >= 500:
            problems.append(f"HTTP {response.status} from {response.request.method} {response.url}")

    def csp_violation(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP violation: {message.text}")

    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", csp_violation)
    page.on("response", server_error)
    yield page
    context.close()
    IN_FLIGHT[base_url].wait_until_idle()
    assert not problems, "the browser saw errors:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, base_url) -> Iterator[Page]:
    """A desktop page (1280×800) in a fresh context; relative URLs go to the live server."""
    yield from _open_page(browser, base_url, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser, base_url) -> Iterator[Page]:
    """A phone page (390×844, touch) in its own fresh context, as an officer in the field sees it."""
    yield from _open_page(browser, base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                          device_scale_factor=2)


# Kilensari, Panarukan: where Pak Hendra's phone is in the field tests.
FIELD_POSITION = {"latitude": -7.7011, "longitude": 113.9383, "accuracy": 15}


@pytest.fixture
def field_phone_page(browser, base_url) -> Iterator[Page]:
    """A phone page that shares its position (Geolocation API mocked); move it with context.set_geolocation."""
    yield from _open_page(browser, base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                          device_scale_factor=2, geolocation=FIELD_POSITION, permissions=["geolocation"])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        for name in ("page", "phone_page", "field_phone_page"):
            page = item.funcargs.get(name)
            if page is not None and not page.is_closed():
                try:
                    path = screenshot(page, f"FAILED-{item.name}-{name}")
                except Exception as error:  # noqa: BLE001 - a broken page must not hide the real failure
                    report.sections.append(("e2e screenshot", f"could not take one: {error}"))
                else:
                    report.sections.append(("e2e screenshot", str(path)))
    return report
