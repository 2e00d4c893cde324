"""Talk it through in real Chromium: a teacher asks, the advisor answers, the advice becomes a
referral carrying what the teacher wrote."""

import pytest
from playwright.sync_api import Browser, Page

from jigsaw.demo import DemoChild
from tests.browser import assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld
from tests.mash.test_browser import registered_at_riverside
from tests.sharing.test_browser import find_child

pytestmark = pytest.mark.browser

SITUATION = "He has come in hungry three days running and his coat is too small for him"
QUESTION = "Is this neglect I should refer, or should I talk to his mum first?"
ADVICE = "Given the earlier concerns, refer today; tell mum you are doing so unless it is unsafe."


def test_a_teacher_talks_it_through_and_the_advice_becomes_a_referral(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    child = registered_at_riverside(world)
    teacher = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(teacher, base, world, "dsl-oakfield")
    reference = ask_about(teacher, child)
    advise(chromium.new_context(viewport={"width": 1200, "height": 900}).new_page(), base, world,
           reference)  # fmt: skip
    make_it_a_referral(teacher, reference)


def ask_about(teacher: Page, child: DemoChild) -> str:
    """From the search result, the short form; the consultation's reference."""
    card = find_child(teacher, child)
    card.get_by_role("link", name="Talk it through first").click()
    assert f"{child.given_names} {child.family_name}" in teacher.locator("main").inner_text()
    teacher.get_by_label("What is worrying you?").fill(SITUATION)
    teacher.get_by_label("What would you like advice on?").fill(QUESTION)
    teacher.get_by_label("Today: an answer within 4 working hours").check()
    screenshot(teacher, "talk-1-form")
    assert_accessible(teacher, "talk-1-form")
    teacher.get_by_role("button", name="Ask for a consultation").click()
    assert "Waiting for advice" in teacher.locator("main").inner_text()
    return teacher.locator(".govuk-caption-l").inner_text().split()[1]


def advise(advisor: Page, base: str, world: DemoWorld, reference: str) -> None:
    """The advisor finds it in the queue, takes it, and advises a referral."""
    sign_in(advisor, base, world, "consultation-advisor")
    advisor.get_by_role("link", name="Consultation line").click()
    row = advisor.locator("tbody tr").filter(has_text=reference)
    assert "Oakfield" in row.inner_text()
    screenshot(advisor, "talk-2-queue")
    assert_accessible(advisor, "talk-2-queue")
    row.get_by_role("link", name=reference).click()
    advisor.get_by_role("button", name="Take this consultation").click()
    assert "Taken by Nadia Hussain" in advisor.locator("main").inner_text()
    advisor.get_by_label("Your advice").fill(ADVICE)
    advisor.get_by_label("Make a referral to the MASH").check()
    screenshot(advisor, "talk-3-advise")
    assert_accessible(advisor, "talk-3-advise")
    advisor.get_by_role("button", name="Send the advice").click()
    assert "Advice given" in advisor.locator("main").inner_text()
    advisor.context.close()


def make_it_a_referral(teacher: Page, reference: str) -> None:
    """The teacher reads the advice and turns the consultation into a referral."""
    teacher.get_by_role("link", name="Talk it through").click()
    assert "New advice" in teacher.locator("tbody").inner_text()
    teacher.get_by_role("link", name=reference).click()
    main = teacher.locator("main").inner_text()
    assert ADVICE in main
    assert "The advisor advises a referral." in main
    screenshot(teacher, "talk-4-advice")
    assert_accessible(teacher, "talk-4-advice")
    teacher.get_by_role("button", name="Make this a referral").click()
    # The draft carries everything the consultation said, and links back to it.
    assert teacher.get_by_label("What happened?").input_value() == SITUATION
    done = teacher.locator("textarea[name=actions_taken]").input_value()
    assert reference in done
    assert QUESTION in done
    assert ADVICE in done
    screenshot(teacher, "talk-5-referral")
    teacher.get_by_role("link", name=f"consultation {reference}").click()
    assert "Made into referral" in teacher.locator("main").inner_text()
    teacher.context.close()
