"""A school DSL uploads the roll in a real browser, then settles the possible match it leaves."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser import assert_accessible, screenshot, sign_in
from tests.demo_world import DemoWorld
from tests.linking.helpers import known_by_another_name, pupils, roster, row_for

pytestmark = pytest.mark.browser


def test_a_roll_is_linked_and_its_possible_match_settled(
    chromium: Browser, live: tuple[str, DemoWorld], tmp_path: Path
) -> None:
    base, world = live
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base, world, "dsl-oakfield")
    newcomer = pupils(world, "org:school-2")[0]
    possible = known_by_another_name(world, newcomer, "OAK-NEW")
    born = newcomer.date_of_birth
    possible["date_of_birth"] = born.strftime("%d/%m/%Y")  # as a spreadsheet saves it
    path = tmp_path / "oakfield-roll.csv"
    path.write_bytes(
        roster(*(row_for(world, c, f"S-{i}") for i, c in enumerate(pupils(world)[:5])), possible)
    )

    page.get_by_role("link", name="Rosters").click()
    page.get_by_label("Roster (CSV file)").set_input_files(path)
    screenshot(page, "roster-1-upload")
    assert_accessible(page, "roster-1-upload")
    page.get_by_role("button", name="Link the roster").click()
    assert page.locator("h1").inner_text() == "Roster linked"
    summary = page.locator("main").inner_text()
    assert "Possible matches to check\t1" in summary
    screenshot(page, "roster-2-linked")
    assert_accessible(page, "roster-2-linked")

    page.get_by_role("link", name="possible matches").click()
    assert_accessible(page, "roster-possible-matches")
    page.get_by_role("link", name=f"{possible['given_names']} {newcomer.family_name}").click()
    assert page.locator("h1").inner_text() == "Is this one of these children?"
    assert "Given name: different" in page.locator("table").inner_text()
    screenshot(page, "roster-3-compare")
    assert_accessible(page, "roster-3-compare")
    page.get_by_label("This is known child 1").check()
    page.get_by_role("button", name="Save decision").click()
    assert "No possible matches are waiting" in page.locator("main").inner_text()
    assert_accessible(page, "roster-possible-matches-settled")
    context.close()
    assert errors == []
