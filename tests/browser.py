"""Browser-test fixtures and helpers, loaded as a pytest plugin by ``tests/conftest.py``.

Headless Debian Chromium driven by Playwright against Jigsaw served live on a free port.
Where Chromium is absent the tests that use it skip with the reason, unless
JIGSAW_REQUIRE_BROWSER=1 (as in CI), where its absence fails the run.

``assert_accessible`` runs the vendored axe-core (``tests/vendor/axe-core/``) on a page.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from sqlalchemy import Engine

from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.config import Settings
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import generate_partnership
from jigsaw.demo.loader import load_partnership, persona_authenticator_keys
from jigsaw.web.app import create_app
from tests.demo_world import PASSWORD, DemoWorld

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
DEMO_CHILDREN = 300

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, the level public-sector services must meet, plus Deque's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = frozenset({"serious", "critical"})
# One entry per violation node, flattened in the page so only plain strings cross over.
_RUN_AXE = """tags => axe.run(document, {runOnly: tags}).then(results =>
    results.violations.flatMap(rule => rule.nodes.map(node => ({
        impact: node.impact || rule.impact || 'unknown',
        id: rule.id,
        help: rule.help,
        url: rule.helpUrl,
        target: node.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' '),
    }))))"""
_minor_findings: list[str] = []


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
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoWorld]]:
    """Jigsaw served by uvicorn on a free port, on a SQLite database with demo data."""
    settings, engine, world = demo_database(tmp_path_factory, "live", jobs_in_process=True)
    with serving(settings, engine) as base:
        yield base, world
    engine.dispose()


def demo_database(
    tmp_path_factory: pytest.TempPathFactory, name: str, *, jobs_in_process: bool
) -> tuple[Settings, Engine, DemoWorld]:
    """A new SQLite database in its own data dir, migrated, with the demo partnership."""
    data_dir = tmp_path_factory.mktemp(name)
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'live.db'}",
                        jobs_in_process=jobs_in_process)  # fmt: skip
    engine = make_engine(settings.sqlalchemy_url)
    migrations.upgrade(engine)
    partnership = generate_partnership(seed=7, children=DEMO_CHILDREN, today=date.today())  # noqa: DTZ011
    uow = UnitOfWork(make_session_factory(engine))
    secret_key = settings.secret("secret_key")
    load_partnership(uow, Actor.system("test:browser"), partnership=partnership,
                     password=PASSWORD, secret_key=secret_key)  # fmt: skip
    world = DemoWorld(
        partnership, persona_authenticator_keys(uow, partnership=partnership, secret_key=secret_key)
    )
    return settings, engine, world


@contextmanager
def serving(settings: Settings, engine: Engine) -> Iterator[str]:
    """Jigsaw served by uvicorn in a thread on a free port, for as long as the block runs."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine=engine), host="127.0.0.1",
                                           port=_free_port(), log_config=None))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start within 10 seconds")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_server(live: tuple[str, DemoWorld]) -> str:
    """The address of the live server."""
    return live[0]


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
    """Save a full-page screenshot to the test artifacts, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def sign_in(page: Page, base: str, world: DemoWorld, persona: str) -> None:
    """Sign in through the pages, password then authenticator code, as a person would."""
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(world.persona(persona).email)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "sign-in-1-password")
    assert_accessible(page, "sign-in-1-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Enter your security code"
    page.get_by_label("Security code").fill(world.code(persona))
    screenshot(page, "sign-in-2-code")
    assert_accessible(page, "sign-in-2-code")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("button", name="Sign out").is_visible()


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def assert_accessible(page: Page, name: str) -> None:
    """Fail on any serious or critical axe-core violation on the page as it is now.

    Minor and moderate findings do not fail the test; they are listed at the end of the run
    so they are seen and can be fixed. ``name`` says which page in the messages.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        # Not page.add_script_tag: it inserts the file as an inline <script>, which the app's
        # CSP ("script-src 'self'") blocks, as it should. Script run through Playwright's
        # evaluate is not page content, so CSP does not apply to it, and the page is still
        # checked under the CSP it is served with (bypass_csp=True would change the page).
        page.evaluate(_axe_source())
    findings: list[dict[str, Any]] = page.evaluate(_RUN_AXE, AXE_TAGS)
    failing = [_describe(f) for f in findings if f["impact"] in FAILING_IMPACTS]
    _minor_findings.extend(
        f"{name}: {_describe(f)}" for f in findings if f["impact"] not in FAILING_IMPACTS
    )
    assert not failing, (
        f"axe-core found {len(failing)} serious or critical accessibility problem(s) "
        f"on {name} ({page.url}):\n" + "\n".join(failing)
    )


def _describe(finding: dict[str, Any]) -> str:
    return (
        f"{finding['impact']} {finding['id']}: {finding['help']} "
        f"at {finding['target']} ({finding['url']})"
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """List the minor and moderate accessibility findings, which do not fail a test."""
    if _minor_findings:
        terminalreporter.section("axe-core: minor and moderate accessibility findings")
        for line in _minor_findings:
            terminalreporter.write_line(line)
