"""The MASH queue in real Chromium: a school's concern arrives, is accepted and screened."""

import pytest
from playwright.sync_api import Browser

from tests.browser import assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld
from tests.sharing.test_browser import a_pupil, find_and_raise

pytestmark = pytest.mark.browser


def test_a_shared_concern_arrives_in_the_mash_queue_and_is_accepted(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    child = a_pupil(world)
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
    mash.get_by_role("link", name="MASH queue").click()
    mash.get_by_role("link", name="Mine").click()
    assert child.family_name in mash.locator("tbody").inner_text()
    mash.context.close()
