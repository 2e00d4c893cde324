"""The MASH loop in real Chromium, four personas: share, screen, ask the GP, decide, feed back."""

import time

import pytest
from playwright.sync_api import Browser

from jigsaw.demo import DemoChild
from tests.browser import assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld
from tests.sharing.test_browser import find_and_raise

pytestmark = pytest.mark.browser


def test_school_mash_gp_and_manager_close_the_loop(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    child = registered_at_riverside(world)
    share_from_school(chromium, base, world, child)
    contact_url = screen_at_the_mash(chromium, base, world, child)
    answer_as_the_gp(chromium, base, world)
    decide_and_send_feedback(chromium, base, world, contact_url)
    read_and_acknowledge(chromium, base, world, child)


def registered_at_riverside(world: DemoWorld) -> DemoChild:
    """An Oakfield pupil (not restricted) who is also registered at Riverside Medical Practice."""
    casework = world.partnership.casework
    restricted = {r.child_key for r in casework.restrictions}
    at = {org: {i.child_key for i in casework.involvements if i.organisation_key == org}
          for org in ("org:school-1", "org:gp-1")}  # fmt: skip
    return next(
        c
        for c in world.partnership.children
        if c.key in at["org:school-1"] & at["org:gp-1"] and c.key not in restricted
    )


def share_from_school(chromium: Browser, base: str, world: DemoWorld, child: DemoChild) -> None:
    dsl = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(dsl, base, world, "dsl-oakfield")
    find_and_raise(dsl, child)
    dsl.get_by_label("What happened?").fill("Came in with a burn on the back of the hand")
    dsl.get_by_label("When did it happen?").fill("2026-11-20")
    dsl.get_by_label("I saw or heard it myself").check()
    dsl.get_by_label("Level 4: child protection").check()
    dsl.get_by_label("Yes, I am sharing it").check()
    dsl.get_by_label("Eastmoor Multi-Agency Safeguarding Hub (as a contact)").check()
    dsl.get_by_label("Why are you sharing it?").fill("So the MASH can protect him")
    dsl.get_by_label("Lawful basis (UK GDPR Article 6)").select_option("6(1)(e)")
    dsl.get_by_role("radio", name="Consent was not sought").check()
    dsl.get_by_label("If consent was not sought, why not?").select_option("would_increase_risk")
    dsl.get_by_role("button", name="Send").click()
    assert "sent to Eastmoor" in dsl.locator(".govuk-notification-banner").inner_text()
    dsl.context.close()


def screen_at_the_mash(chromium: Browser, base: str, world: DemoWorld, child: DemoChild) -> str:
    """The practitioner finds it in the queue and accepts it; the contact's address."""
    mash = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(mash, base, world, "mash-practitioner")
    mash.get_by_role("link", name="MASH queue").click()
    row = mash.locator("tbody tr").filter(has_text=child.family_name).first
    assert "Red" in row.inner_text() and "Received" in row.inner_text()  # noqa: PT018
    screenshot(mash, "mash-1-queue")
    assert_accessible(mash, "mash-1-queue")
    row.get_by_role("link").click()
    assert "Came in with a burn" in mash.locator("main").inner_text()
    mash.get_by_label("Accept it and start screening").check()
    mash.get_by_role("button", name="Save").click()
    assert "Being screened" in mash.locator("main").inner_text()
    screenshot(mash, "mash-2-contact")
    assert_accessible(mash, "mash-2-contact")
    mash.get_by_label("Riverside Medical Practice").check()
    mash.get_by_label("What do you want to know?").fill("Any injuries or missed appointments?")
    mash.get_by_role("button", name="Ask", exact=True).click()
    assert "Awaiting partner information" in mash.locator("main").inner_text()
    mash.get_by_role("link", name="MASH queue").click()
    mash.get_by_role("link", name="Mine").click()
    assert child.family_name in mash.locator("tbody").inner_text()
    contact_url = mash.locator("tbody a").first.get_attribute("href")
    mash.context.close()
    assert contact_url is not None
    return contact_url


def answer_as_the_gp(chromium: Browser, base: str, world: DemoWorld) -> None:
    """The GP practice finds the MASH's question under Shared with us and answers it."""
    gp = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(gp, base, world, "gp-riverside")
    gp.get_by_role("link", name="Shared with us").click()
    gp.locator("table").first.get_by_role("link").first.click()
    assert "Any injuries or missed appointments?" in gp.locator("main").inner_text()
    gp.get_by_label("What does your agency hold?").fill("Seen in October with a scald on the wrist")
    screenshot(gp, "mash-3-gp-answers")
    assert_accessible(gp, "mash-3-gp-answers")
    gp.get_by_role("button", name="Send the answer").click()
    assert "Your answer" in gp.locator("main").inner_text()
    gp.context.close()


def decide_and_send_feedback(chromium: Browser, base: str, world: DemoWorld, url: str) -> None:
    """The manager decides; the feedback is drafted for the school, checked and sent."""
    manager = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(manager, base, world, "mash-manager")
    manager.goto(f"{base}{url}")
    assert "Seen in October with a scald" in manager.locator("main").inner_text()  # side by side
    manager.get_by_label("Decide (MASH manager)").check()
    manager.get_by_label("Outcome, if you are deciding").select_option("s17")
    manager.get_by_role("textbox", name="Why", exact=True).fill(
        "A burn with no explanation: the family needs assessing"
    )
    manager.get_by_role("button", name="Save").click()
    draft = manager.get_by_role("textbox", name="Feedback").input_value()
    assert "Child in need assessment" in draft and "designated safeguarding lead" in draft  # noqa: PT018
    screenshot(manager, "mash-4-feedback-draft")
    assert_accessible(manager, "mash-4-feedback-draft")
    manager.get_by_role("button", name="Send the feedback").click()
    manager.context.close()


def read_and_acknowledge(chromium: Browser, base: str, world: DemoWorld, child: DemoChild) -> None:
    """The school sees the outcome and what happens next under My shares, and acknowledges it."""
    time.sleep(30.5 - time.time() % 30)  # the DSL's authenticator code was used once already
    school = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(school, base, world, "dsl-oakfield")
    school.get_by_role("link", name="My shares").click()
    row = school.locator("tbody tr").filter(has_text=child.family_name).first
    assert "Feedback received" in row.inner_text()
    row.get_by_role("link").click()
    banner = school.locator(".govuk-notification-banner").first.inner_text()
    assert "Child in need assessment (section 17)" in banner and "What happens next" in banner  # noqa: PT018
    screenshot(school, "mash-5-referrer-feedback")
    assert_accessible(school, "mash-5-referrer-feedback")
    school.get_by_role("button", name="I have read this").click()
    assert "You have read this." in school.locator("main").inner_text()
    school.context.close()
