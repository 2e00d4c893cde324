"""A story in real Chromium: a school's DSL names a child from the index, the check says so,
they fix it, the privacy officer publishes it, and a police officer finds it by its theme."""

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld

pytestmark = pytest.mark.browser

TITLE = "A hungry pupil and a GP's note"
STORY = (
    "A Year 4 pupil had been coming in hungry most mornings. The class teacher told me, and I "
    "shared it with the MASH.\n\n"
    "The GP practice had seen mum about her low mood. Together the two pieces showed a mum "
    "struggling to cope. Early help started within a week, and {who} now has breakfast at home."
)


def test_a_story_is_checked_fixed_moderated_and_found(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    child = world.partnership.children[0]
    name = f"{child.given_names.split()[0]} {child.family_name}"
    dsl = _page(chromium)
    sign_in(dsl, base, world, "dsl-oakfield")
    tell_naming(dsl, name)
    fix_and_submit(dsl, name)
    moderator = _page(chromium)
    sign_in(moderator, base, world, "privacy-officer")
    publish(moderator)
    police = _page(chromium)
    sign_in(police, base, world, "police-officer")
    find_by_theme(police)


def _page(chromium: Browser) -> Page:
    return chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()


def tell_naming(dsl: Page, name: str) -> None:
    """The first draft names the child; the check refuses it and says what it found, where."""
    dsl.get_by_role("link", name="Stories").click()
    dsl.get_by_role("link", name="Tell a story").click()
    dsl.get_by_label("Title").fill(TITLE)
    dsl.get_by_label("The story").fill(STORY.format(who=name))
    for agency in ("School", "GP practice", "The MASH"):
        dsl.get_by_label(agency, exact=True).check()
    dsl.get_by_label("Neglect", exact=True).check()
    screenshot(dsl, "stories-1-tell")
    assert_accessible(dsl, "stories-1-tell")
    dsl.get_by_role("button", name="Check and submit").click()

    summary = dsl.locator(".govuk-error-summary").inner_text()
    assert "found 1 thing that could identify someone" in summary
    row = dsl.locator("#findings ~ table tbody tr")
    assert row.count() == 1
    assert row.inner_text().split("\t")[:2] == [name, "Paragraph 2"]
    assert "Matches a name in the child index" in row.inner_text()
    assert dsl.locator(".govuk-inset-text mark").inner_text() == name  # highlighted in place
    screenshot(dsl, "stories-2-refused")
    assert_accessible(dsl, "stories-2-refused")


def fix_and_submit(dsl: Page, name: str) -> None:
    """The DSL writes "the pupil" instead; the check finds nothing and it goes for moderation."""
    text = dsl.get_by_label("The story")
    assert name in text.input_value()  # what they wrote is kept
    text.fill(STORY.format(who="the pupil"))
    dsl.get_by_role("button", name="Check and submit").click()
    assert dsl.locator("h1").inner_text() == "Your stories"
    row = dsl.locator("tbody tr").filter(has_text=TITLE)
    assert "Waiting for the moderator" in row.inner_text()
    assert "Found nothing" in row.inner_text()
    screenshot(dsl, "stories-3-mine")
    assert_accessible(dsl, "stories-3-mine")


def publish(moderator: Page) -> None:
    """The privacy officer reads it in the queue, sees the check found nothing, publishes."""
    moderator.get_by_role("link", name="Stories").click()
    moderator.get_by_role("link", name="Stories waiting for moderation").click()
    screenshot(moderator, "stories-4-queue")
    assert_accessible(moderator, "stories-4-queue")
    moderator.get_by_role("link", name=TITLE).click()
    assert "found nothing that could identify someone" in moderator.locator("main").inner_text()
    screenshot(moderator, "stories-5-moderate")
    assert_accessible(moderator, "stories-5-moderate")
    moderator.get_by_role("button", name="Publish this story").click()
    assert moderator.locator("h1").inner_text() == TITLE
    assert "Told by a school, published" in moderator.locator(".govuk-caption-l").inner_text()


def find_by_theme(police: Page) -> None:
    """A police officer narrows the published stories to neglect and reads it."""
    police.get_by_role("link", name="Stories").click()
    police.get_by_label("Theme").select_option(label="Neglect")
    police.get_by_role("button", name="Find stories").click()
    assert police.locator("h2").filter(has_text="found").inner_text() == "1 story found"
    screenshot(police, "stories-6-found")
    assert_accessible(police, "stories-6-found")
    police.get_by_role("link", name=TITLE).click()
    main = police.locator("main").inner_text()
    assert "the pupil now has breakfast at home" in main
    assert "Withdraw" not in main
    screenshot(police, "stories-7-read")
    assert_accessible(police, "stories-7-read")
