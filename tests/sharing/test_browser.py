"""The school DSL shares a worry through the pages, in real Chromium, with accessibility checks."""

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Locator, Page

from jigsaw.demo import DemoChild
from tests.browser import CHROMIUM, CHROMIUM_FLAGS, assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld

pytestmark = pytest.mark.browser
MAX_SCREENS = 8  # the bound, from finding the child to seeing it in "My shares"


def a_pupil(world: DemoWorld, school: str = "org:school-1") -> DemoChild:
    """An unrestricted child at the school, to search for."""
    casework = world.partnership.casework
    restricted = {r.child_key for r in casework.restrictions}
    at_school = {i.child_key for i in casework.involvements if i.organisation_key == school}
    return next(c for c in world.partnership.children
                 if c.key in at_school and c.key not in restricted)  # fmt: skip


def find_child(page: Page, child: DemoChild) -> Locator:
    """Search for the child by first name, last name and date of birth; their result card."""
    page.get_by_role("link", name="Find a child").click()
    page.get_by_label("First name").fill(child.given_names.split()[0])
    page.get_by_label("Last name").fill(child.family_name)
    page.get_by_label("Day").fill(str(child.date_of_birth.day))
    page.get_by_label("Month").fill(str(child.date_of_birth.month))
    page.get_by_label("Year").fill(str(child.date_of_birth.year))
    page.get_by_role("button", name="Search").click()
    return page.locator(".govuk-summary-card").filter(has_text=child.family_name).first


def find_and_raise(page: Page, child: DemoChild) -> None:
    card = find_child(page, child)
    assert_accessible(page, "share-2-results")
    card.get_by_role("button", name="Raise a concern").click()


@pytest.fixture
def screens(chromium: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page that counts the screens (full page loads) a person goes through."""
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    loads: list[str] = []

    def on_navigation(frame: Frame) -> None:
        if frame == page.main_frame:
            loads.append(frame.url)

    page.on("framenavigated", on_navigation)
    yield page, loads
    context.close()


def test_the_school_dsl_shares_a_worry_with_guidance_in_at_most_eight_screens(
    screens: tuple[Page, list[str]], live: tuple[str, DemoWorld], chromium: Browser
) -> None:
    page, loads = screens
    base, world = live
    child = a_pupil(world)
    sign_in(page, base, world, "dsl-oakfield")
    loads.clear()

    find_and_raise(page, child)
    assert page.locator("h1").inner_text().startswith("Raise a concern about")
    page.get_by_label("What happened?").fill(
        "At the gate she flinched when her stepfather raised his hand, then told me he hits her"
    )
    page.get_by_label("When did it happen?").fill("2026-11-20")
    page.get_by_label("The child told me").check()
    page.get_by_label("What did the child say, in their own words?").fill(
        "He hits me when he is cross"
    )
    page.get_by_text("Abuse or neglect").click()
    page.get_by_label("Physical abuse: adult on child").check()
    page.locator("#draft-status").get_by_text("Draft saved").wait_for()
    assert_accessible(page, "share-3-concern")
    screenshot(page, "share-3-concern")

    page.get_by_role("button", name="Should I share this information?").click()
    # Not in danger right now; a safeguarding purpose; it identifies her; significant harm.
    steps = [("No", "keep a child safe"), ("Yes", "identify anyone"),
             ("Yes", "significant harm"), ("Yes", "Share now")]  # fmt: skip
    for answer, next_heading in steps:
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.locator("#guidance-heading", has_text=next_heading).wait_for()
        if next_heading == "significant harm":
            assert_accessible(page, "share-4-guidance-question")
    screenshot(page, "share-4-guidance-outcome")
    assert_accessible(page, "share-4-guidance-outcome")
    page.get_by_role("button", name="Use this decision").click()

    assert page.get_by_label("Yes, I am sharing it").is_checked()  # pre-filled by the flow
    page.get_by_label("Eastmoor Multi-Agency Safeguarding Hub (as a contact)").check()
    page.get_by_label("Why are you sharing it?").fill("So the MASH can decide how to protect her")
    assert_accessible(page, "share-5-decision")
    screenshot(page, "share-5-decision")
    page.get_by_role("button", name="Send").click()

    assert (
        "sent to Eastmoor Multi-Agency Safeguarding Hub"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    row = page.locator("tbody tr").filter(has_text=child.family_name)
    assert "Sent" in row.inner_text()
    screenshot(page, "share-6-my-shares")
    assert_accessible(page, "share-6-my-shares")
    assert len(loads) <= MAX_SCREENS, loads

    # The MASH sees it in its inbox, with the decision record, and opening it marks it received.
    mash = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(mash, base, world, "mash-practitioner")
    mash.get_by_role("link", name="Shared with us").click()
    assert_accessible(mash, "share-7-shared-with-us")
    mash.locator("tbody tr").filter(has_text=child.family_name).get_by_role("link").first.click()
    assert "He hits me when he is cross" in mash.locator("main").inner_text()
    assert (
        "Share now with children's social care or the police" in mash.locator("main").inner_text()
    )
    screenshot(mash, "share-8-mash-reads")
    assert_accessible(mash, "share-8-mash-reads")
    mash.context.close()
    page.reload()
    assert "Received" in page.locator("tbody tr").filter(has_text=child.family_name).inner_text()


def test_a_draft_survives_a_browser_restart(chromium: Browser, live: tuple[str, DemoWorld]) -> None:
    base, world = live
    child = a_pupil(world)
    words = "Draft written before the browser closed: bruising to both arms"
    first = chromium.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    page = first.new_page()
    sign_in(page, base, world, "teacher-oakfield")
    find_and_raise(page, child)
    page.get_by_label("What happened?").fill(words)
    page.locator("#draft-status").get_by_text("Draft saved").wait_for()
    first.close()  # the whole browser, not a tab
    time.sleep(30.5 - time.time() % 30)  # an authenticator code is accepted once: the next one

    second = chromium.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    try:
        page = second.new_page()
        sign_in(page, base, world, "teacher-oakfield")
        page.get_by_role("link", name="My shares").click()
        page.locator("tbody tr").filter(has_text="Draft").first.get_by_role("link").click()
        assert page.get_by_label("What happened?").input_value() == words
    finally:
        second.close()
