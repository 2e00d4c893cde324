"""Pages in a real browser: headless Chromium driven by Playwright against a live server.

Where Chromium is absent these tests skip with the reason, unless JIGSAW_REQUIRE_BROWSER=1
(as in CI), where its absence fails the run.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.config import Settings
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import generate_partnership
from jigsaw.demo.loader import load_partnership
from jigsaw.web.app import create_app
from jigsaw.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("JIGSAW_TEST_ARTIFACTS", "test-artifacts")) / "screenshots"
DEMO_CHILDREN = 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium; skip (or fail in CI) where it is not installed."""
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("JIGSAW_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Jigsaw served by uvicorn on a free port, on a SQLite database with demo data."""
    data_dir = tmp_path_factory.mktemp("live")
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'live.db'}")
    engine = make_engine(settings.sqlalchemy_url)
    migrations.upgrade(engine)
    load_partnership(
        UnitOfWork(make_session_factory(engine)),
        Actor.system("test:browser"),
        partnership=generate_partnership(seed=7, children=DEMO_CHILDREN, today=date(2026, 11, 1)),
        password="a synthetic persona password",
    )
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, engine=engine), host="127.0.0.1", port=port, log_config=None
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 10 seconds")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh page that fails the test on any console error (CSP violations included)."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The 404 under test logs "Failed to load resource"; anything else is a fault.
        if message.type == "error" and "404" not in message.text:
            errors.append(message.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == [], f"console errors: {errors}"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_home_page_renders_with_demo_data_and_security_headers(
    page: Page, live_server: str
) -> None:
    response = page.goto(live_server + "/")
    assert response is not None
    assert response.status == 200
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert page.title() == "Jigsaw"
    assert page.locator("h1").inner_text() == "Put the pieces together for every child"
    assert str(DEMO_CHILDREN) in page.locator("main").inner_text()
    # GOV.UK Frontend's JavaScript ran from a file, not inline, under the CSP.
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    font = page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert "GDS Transport" not in font
    screenshot(page, "home")


def test_error_page_says_what_to_do_and_leaks_nothing(page: Page, live_server: str) -> None:
    response = page.goto(live_server + "/children/Jayden-Okafor?dob=2014-03-09")
    assert response is not None
    assert response.status == 404
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page.title() == "Page not found \u2013 Jigsaw"
    assert page.locator("h1").inner_text() == "Page not found"
    body = page.locator("body").inner_text()
    assert "Jayden" not in body
    assert "2014" not in body
    page.get_by_role("link", name="Go to the home page").click()
    assert page.locator("h1").inner_text() == "Put the pieces together for every child"
    page.goto(live_server + "/children/Jayden-Okafor")
    screenshot(page, "error-404")


def test_first_tab_reaches_the_skip_link(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
