"""Acceptance (issue 8): a police officer reads a social worker's concern in real Chromium.

"s47", "CIN" and "ICPC" are each explained in police words, opened and closed by keyboard
alone, and axe-core finds no serious or critical problem with the explanations open.
"""

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from jigsaw.core.db import make_session_factory
from jigsaw.core.uow import UnitOfWork
from tests.browser import (
    assert_accessible,
    demo_database,
    screenshot,
    serving,
    sign_in,
)
from tests.children.helpers import actor
from tests.demo_world import DemoWorld
from tests.glossary.helpers import police_receive_concerns, share_with_police

pytestmark = pytest.mark.browser
# The three terms as the social worker wrote them (tests/glossary/helpers.py).
TERMS = ("s47 enquiry", "CIN", "ICPC")
MOST_TABS = 80


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoWorld, uuid.UUID]]:
    """Jigsaw served live on the demo partnership, with the social worker's concern sent."""
    settings, engine, world = demo_database(
        tmp_path_factory, "live-glossary", jobs_in_process=False
    )
    uow = UnitOfWork(make_session_factory(engine))
    police_receive_concerns(uow, world)
    concern = share_with_police(uow, world, actor(uow, world, "social-worker"))
    with serving(settings, engine) as base:
        yield base, world, concern.id
    engine.dispose()


def test_a_police_officer_reads_a_social_workers_concern_in_police_words(
    chromium: Browser, live: tuple[str, DemoWorld, uuid.UUID]
) -> None:
    base, world, concern_id = live
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, base, world, "police-officer")
    page.goto(f"{base}/shared-with-us")
    page.locator(f'a[href="/concerns/{concern_id}"]').click()

    narrative = page.locator(".govuk-summary-list__row", has_text="What happened").locator("dd")
    for words in TERMS:
        term = narrative.locator("details.app-term", has=page.locator("summary", has_text=words))
        assert term.count() == 1, words
        assert not term.locator(".app-term__note").is_visible()  # closed until asked for
    screenshot(page, "glossary-1-concern")
    assert_accessible(page, "glossary-1-concern")

    for words in TERMS:
        note = open_by_keyboard(page, words)
        assert "In police terms:" in note, words
    assert "the council\u2019s child protection enquiry" in note_of(page, "s47 enquiry")
    assert "a vulnerable child the council supports" in note_of(page, "CIN")
    assert "decides on a child protection plan" in note_of(page, "ICPC")

    risk = page.locator(".govuk-summary-list__row", has_text="Their risk level").inner_text()
    assert "Usually means: Level 3: child in need" in risk
    assert "In your organisation\u2019s scale: DASH medium" in risk
    assert "Mappings are indicative." in risk
    screenshot(page, "glossary-2-explained")
    assert_accessible(page, "glossary-2-explained")

    page.keyboard.press("Enter")  # the focused term (ICPC) closes again by keyboard
    assert not is_open(page, "ICPC")
    page.context.close()


def open_by_keyboard(page: Page, words: str) -> str:
    """Tab to the term as written, open it with Enter, and read its explanation."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('details.app-term > summary')") and (
            page.evaluate("document.activeElement.firstChild.textContent") == words
        ):
            break
    else:
        pytest.fail(f"“{words}” cannot be reached by keyboard")
    page.keyboard.press("Enter")
    assert is_open(page, words)
    return note_of(page, words)


def is_open(page: Page, words: str) -> bool:
    return bool(
        page.locator(
            "details.app-term", has=page.locator("summary", has_text=words)
        ).first.evaluate("element => element.open")
    )


def note_of(page: Page, words: str) -> str:
    term = page.locator("details.app-term", has=page.locator("summary", has_text=words)).first
    note = term.locator(".app-term__note")
    assert note.is_visible()
    return note.inner_text()


def test_the_glossary_pages_are_found_by_search_and_accessible(
    chromium: Browser, live: tuple[str, DemoWorld, uuid.UUID]
) -> None:
    base, world, _concern_id = live
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, base, world, "health-visitor")  # (a second sign-in as the officer would
    page.get_by_role("link", name="Glossary", exact=True).click()  # reuse a one-time code)
    screenshot(page, "glossary-3-list")
    assert_accessible(page, "glossary-3-list")

    page.get_by_label("Search the glossary").fill("ICPC")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Initial Child Protection Conference (ICPC)").click()
    assert page.locator("h1").inner_text() == "Initial Child Protection Conference (ICPC)"
    police = page.get_by_role("row", name="Police").inner_text()
    assert "the police attend and share what they hold" in police
    screenshot(page, "glossary-4-term")
    assert_accessible(page, "glossary-4-term")

    page.goto(f"{base}/glossary/risk-levels")
    assert "DASH high" in page.get_by_role("row", name="Police (usual scale)").inner_text()
    screenshot(page, "glossary-5-risk-levels")
    assert_accessible(page, "glossary-5-risk-levels")
    page.context.close()


def test_a_keeper_is_told_every_problem_on_the_forms_accessibly(
    chromium: Browser,
    live: tuple[str, DemoWorld, uuid.UUID],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    base, world, _concern_id = live
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, base, world, "system-admin")
    page.goto(f"{base}/glossary/new")
    page.get_by_label("Term", exact=True).fill("Child protection medical")
    page.get_by_role("button", name="Save the term").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter a key" in summary
    assert "Enter a definition" in summary
    assert page.get_by_label("Term", exact=True).input_value() == "Child protection medical"
    screenshot(page, "glossary-6-add-refused")
    assert_accessible(page, "glossary-6-add-refused")

    bad = tmp_path_factory.mktemp("csv") / "terms.csv"
    bad.write_text("key,term,definition\r\nfine,Fine,A term.\r\nBad Key,,x\r\n", encoding="utf-8")
    page.goto(f"{base}/glossary/import")
    page.get_by_label("The CSV file").set_input_files(bad)
    page.get_by_label("Why this import?").fill("Terms from the practice group")
    page.get_by_role("button", name="Import the terms").click()
    assert "Nothing was imported: the file has 2 problems" in page.locator("main").inner_text()
    assert page.locator("#problems + table tbody tr").count() == 2
    screenshot(page, "glossary-7-import-refused")
    assert_accessible(page, "glossary-7-import-refused")
    page.context.close()
