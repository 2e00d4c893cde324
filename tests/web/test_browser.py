"""Pages in a real browser: headless Chromium driven by Playwright against a live server.

The fixtures (chromium, live, live_server, page) are in ``tests/browser.py``. Where Chromium is
absent these tests skip with the reason, unless JIGSAW_REQUIRE_BROWSER=1 (as in CI), where its
absence fails the run. Every page visited must pass axe-core with nothing serious or critical.
"""

import pytest
from playwright.sync_api import Browser, Page

from jigsaw.matching.nicknames import variants_of
from jigsaw.web.middleware import CONTENT_SECURITY_POLICY
from tests.browser import assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld

pytestmark = pytest.mark.browser


def test_home_page_renders_with_demo_data_and_security_headers(
    page: Page, live: tuple[str, DemoWorld]
) -> None:
    live_server, world = live
    response = page.goto(live_server + "/")
    assert response is not None
    assert response.status == 200
    headers = response.headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert page.title() == "Jigsaw"
    assert page.locator("h1").inner_text() == "Put the pieces together for every child"
    # Every record in the index: the children and the duplicates agencies recorded.
    records = len(world.partnership.children) + len(world.partnership.duplicates)
    assert f"{records:,}" in page.locator("main").inner_text()
    # GOV.UK Frontend's JavaScript ran from a file, not inline, under the CSP.
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    font = page.locator("h1").evaluate("el => getComputedStyle(el).fontFamily")
    assert "GDS Transport" not in font
    screenshot(page, "home")
    assert_accessible(page, "home")


def test_error_page_says_what_to_do_and_leaks_nothing(page: Page, live_server: str) -> None:
    response = page.goto(live_server + "/nothing-here/Jayden-Okafor?dob=2014-03-09")
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
    page.goto(live_server + "/nothing-here/Jayden-Okafor")
    screenshot(page, "error-404")
    assert_accessible(page, "error-404")


def test_first_tab_reaches_the_skip_link(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"


def test_break_glass_from_refusal_to_review(chromium: Browser, live: tuple[str, DemoWorld]) -> None:
    base, world = live
    council = {
        i.child_key
        for i in world.partnership.casework.involvements
        if i.organisation_key == "org:la"
    }
    restricted = {r.child_key for r in world.partnership.casework.restrictions}
    pupil = next(
        i.child_key
        for i in world.partnership.casework.involvements
        if i.role == "school_attended" and i.child_key not in council | restricted
    )
    child = world.id(pupil)

    worker = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(worker, base, world, "social-worker")
    refused = worker.goto(f"{base}/children/{child}")
    assert refused is not None
    assert refused.status == 404
    screenshot(worker, "break-glass-1-refused")
    assert_accessible(worker, "break-glass-1-refused")
    worker.get_by_role("link", name="ask for emergency access to this record").click()
    worker.get_by_label("Why do you need this record now?").fill(
        "Police called: the child was found alone at night. Checking who else knows the family."
    )
    screenshot(worker, "break-glass-2-reason")
    assert_accessible(worker, "break-glass-2-reason")
    worker.get_by_role("button", name="Open the record").click()
    assert worker.url == f"{base}/children/{child}"
    assert "You opened this record with break-glass access" in worker.locator("main").inner_text()
    screenshot(worker, "break-glass-3-record")
    assert_accessible(worker, "break-glass-3-record")

    officer = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(officer, base, world, "privacy-officer")
    officer.get_by_role("link", name="Break-glass reviews (1)").click()
    assert "Waiting for review (1)" in officer.locator("main").inner_text()
    assert "Jordan Ellis" in officer.locator("main").inner_text()
    screenshot(officer, "break-glass-4-review-queue")
    assert_accessible(officer, "break-glass-4-review-queue")
    officer.get_by_label("Review note").fill("Justified: police concern the same night.")
    officer.get_by_role("button", name="Mark as reviewed").click()
    assert "Waiting for review (0)" in officer.locator("main").inner_text()
    assert_accessible(officer, "break-glass-5-reviewed")
    officer.context.close()
    worker.context.close()


def test_administration_pages(chromium: Browser, live: tuple[str, DemoWorld]) -> None:
    base, world = live
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, world, "system-admin")
    page.get_by_role("link", name="Organisations").click()
    assert page.locator("h1").inner_text() == "Organisations"
    screenshot(page, "admin-1-organisations")
    assert_accessible(page, "admin-1-organisations")
    page.get_by_role("link", name="Oakfield Primary School").click()
    assert "Tom Bradley" in page.locator("main").inner_text()
    screenshot(page, "admin-2-users")
    assert_accessible(page, "admin-2-users")
    page.get_by_role("link", name="Tom Bradley").click()
    screenshot(page, "admin-3-user")
    assert_accessible(page, "admin-3-user")
    page.get_by_role("link", name="Account").click()
    assert "Where you are signed in" in page.locator("main").inner_text()
    screenshot(page, "admin-4-account")
    assert_accessible(page, "admin-4-account")
    context.close()
    assert errors == []


def test_find_a_child_by_a_misspelt_nickname_and_a_transposed_birth_date(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    casework = world.partnership.casework
    pupils = {i.child_key for i in casework.involvements if i.role == "class_teacher"}
    pupils -= {r.child_key for r in casework.restrictions}
    child, nickname = next(
        (c, sorted(v for v in variants_of(c.given_names.split()[0]) if len(v) > 3)[0])
        for c in world.partnership.children
        if c.key in pupils
        and c.date_of_birth.day <= 12
        and c.date_of_birth.day != c.date_of_birth.month
        and any(len(v) > 3 for v in variants_of(c.given_names.split()[0]))
    )
    misspelt = nickname[:-1] + ("y" if nickname[-1] != "y" else "i")  # "Alfie" -> "Alfiy"
    born = child.date_of_birth
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, base, world, "teacher-oakfield")
    page.get_by_role("link", name="Find a child").click()
    assert_accessible(page, "find-a-child-form")
    page.get_by_label("First name").fill(misspelt.capitalize())
    page.get_by_label("Last name").fill(child.family_name)
    page.get_by_label("Day").fill(str(born.month))  # day and month the wrong way round
    page.get_by_label("Month").fill(str(born.day))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Search").click()
    card = page.locator(".govuk-summary-card").filter(has_text=child.family_name).first
    card.get_by_text("Why this is a match").click()
    explanation = card.locator(".govuk-details__text").inner_text()
    assert "family name" in explanation
    assert "date of birth" in explanation
    screenshot(page, "find-a-child")
    assert_accessible(page, "find-a-child")
    card.get_by_role("link", name="Open the record").click()
    assert child.family_name in page.locator("h1").inner_text()
    assert_accessible(page, "child-record")
    page.context.close()


def test_accessibility_check_fails_on_serious_problems_only(page: Page) -> None:
    # An image with no text alternative is critical; a page outside landmarks is moderate.
    page.set_content(
        '<html lang="en"><title>Check</title><main><h1>Check</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt"></main></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "broken")
    assert (
        "critical image-alt: Images must have alternative text at #no-alt "
        "(https://dequeuniversity.com/rules/axe/4.14/image-alt"
    ) in str(failure.value)
    page.set_content('<html lang="en"><title>Check</title><h1>Check</h1></html>')
    assert_accessible(page, "self-test, expected")
