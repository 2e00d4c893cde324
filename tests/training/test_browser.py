"""Issue 8, acceptance 3: a training scenario in real Chromium with two participants and a
facilitator. The school's participant cannot see the police participant's information until
it is shared. Every page says it is training, not live data."""

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page
from typer.testing import CliRunner

from jigsaw.cli import app as cli
from jigsaw.config import get_settings
from jigsaw.core import encryption
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.loader import persona_authenticator_keys
from jigsaw.training import spaces
from jigsaw.training.partnership import partnership_of
from jigsaw.training.reading import packaged_scenarios
from tests.browser import assert_accessible, screenshot, serving, sign_in
from tests.demo_world import PASSWORD, DemoWorld
from tests.training.helpers import DA_WORDS, KEY

pytestmark = pytest.mark.browser
NAME = "browser-week"
SHARED = "We attended a domestic abuse incident at Kayla's home on Saturday night. Kayla was in"


@pytest.fixture(scope="module")
def training(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoWorld]]:
    """A training space made and loaded by `jigsaw training`, served live on a free port."""
    data_dir = tmp_path_factory.mktemp("training")
    ring = encryption.active()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JIGSAW_DATA_DIR", str(data_dir))
        patch.delenv("JIGSAW_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        runner = CliRunner()
        created = runner.invoke(cli, ["training", "create", NAME])
        assert created.exit_code == 0, created.output
        space = spaces.read_space(data_dir, NAME)
        assert space is not None
        space.password_file.write_text(PASSWORD)  # the one sign_in() types
        loaded = runner.invoke(cli, ["training", "load", NAME, KEY])
        assert loaded.exit_code == 0, loaded.output
        settings = spaces.space_settings(space, get_settings())
    get_settings.cache_clear()
    engine = make_engine(settings.sqlalchemy_url)
    partnership = partnership_of(KEY, packaged_scenarios()[KEY], today=date.today())  # noqa: DTZ011
    keys = persona_authenticator_keys(UnitOfWork(make_session_factory(engine)),
                                      partnership=partnership,
                                      secret_key=settings.secret("secret_key"))  # fmt: skip
    with serving(settings, engine) as base:
        yield base, DemoWorld(partnership, keys)
    engine.dispose()
    encryption.install(ring)


def assert_marked(page: Page) -> None:
    """The page says, at its top, that this is training and not live data."""
    banner = page.locator(".app-training-banner")
    assert banner.is_visible()
    assert f"Training — not live data: {NAME}" in " ".join((banner.text_content() or "").split())
    top = "el => el.getBoundingClientRect().top + window.scrollY"
    assert banner.evaluate(top) == 0  # the very top of the page
    assert page.title().startswith("Training: ")


def look(page: Page, name: str) -> None:
    assert_marked(page)
    screenshot(page, name)
    assert_accessible(page, name)


def test_the_school_sees_the_polices_information_only_once_it_is_shared(
    chromium: Browser, training: tuple[str, DemoWorld]
) -> None:
    base, world = training
    facilitator = open_as(chromium, base, world, "facilitator")
    facilitator.get_by_role("link", name="Training").click()
    assert facilitator.locator("h1").inner_text() == "A weekend call-out"
    look(facilitator, "training-1-facilitator-start")
    facilitator.get_by_role("button", name="Advance to step 1: Monday morning").click()
    police_card = facilitator.locator("section", has_text="Moorshire Police").first
    assert DA_WORDS in police_card.inner_text()
    assert "Not shared" in police_card.inner_text()
    look(facilitator, "training-2-facilitator-step-1")

    school = open_as(chromium, base, world, "school-dsl")
    school_cannot_see_the_police_record(school)
    police = open_as(chromium, base, world, "police-officer")
    police_shares_with_the_school(police)
    school_now_sees_what_was_shared(school)

    facilitator.reload()
    shared = facilitator.locator("main").inner_text().split("What has been shared between them")
    assert SHARED in shared[1]
    for step, title in ((2, "Wednesday"), (3, "Friday")):
        facilitator.get_by_role("button", name=f"Advance to step {step}: {title}").click()
        assert f"Step {step} of 3: {title}" in facilitator.locator("main").inner_text()
    facilitator.get_by_role("button", name="Show the whole picture").click()
    whole_picture(facilitator)
    for page in (facilitator, school, police):
        page.context.close()


def open_as(chromium: Browser, base: str, world: DemoWorld, persona: str) -> Page:
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(base + "/sign-in")
    assert_marked(page)
    sign_in(page, base, world, persona)
    assert_marked(page)
    return page


def school_cannot_see_the_police_record(school: Page) -> None:
    school.get_by_role("link", name="Your part in the scenario").click()
    assert "came in hungry" in school.locator("main").inner_text()
    look(school, "training-3-school-part")
    school.get_by_role("link", name="Kayla Hart\N{RIGHT SINGLE QUOTATION MARK}s record").click()
    school.get_by_role("link", name="Chronology", exact=True).click()
    main = school.locator("main").inner_text()
    assert "breakfast club" in main  # the school's own record
    assert DA_WORDS not in main
    assert "Domestic abuse incident" not in main
    assert "Moorshire Police" not in main
    look(school, "training-4-school-before-sharing")
    # Running the scenario is the facilitator's: the school's participant is refused.
    school.goto(school.url.split("/children")[0] + "/training")
    assert school.locator("h1").inner_text() == "You cannot do this"
    assert_marked(school)
    school.go_back()


def police_shares_with_the_school(police: Page) -> None:
    police.get_by_role("link", name="Your part in the scenario").click()
    assert "You attended the call-out" in police.locator("main").inner_text()
    police.get_by_role("link", name="Kayla Hart\N{RIGHT SINGLE QUOTATION MARK}s record").click()
    police.get_by_role("link", name="Chronology", exact=True).click()
    assert DA_WORDS in police.locator("main").inner_text()
    look(police, "training-5-police-chronology")
    police.go_back()
    police.get_by_role("button", name="Raise a concern").click()
    police.get_by_label("What happened?").fill(
        SHARED + " the house, upstairs and crying. Her mother had a mark on her cheek."
    )
    police.get_by_label("When did it happen?").fill(date.today().isoformat())  # noqa: DTZ011
    police.get_by_label("I saw or heard it myself").check()
    police.get_by_label("Yes, I am sharing it").check()
    police.get_by_label("Oakfield Primary School").check()
    police.get_by_label("Why are you sharing it?").fill("So the school can support Kayla today")
    police.get_by_label("Lawful basis (UK GDPR Article 6)").select_option("6(1)(e)")
    police.get_by_role("radio", name="Consent was not sought").check()
    police.get_by_label("If consent was not sought, why not?").select_option("would_increase_risk")
    assert_marked(police)
    assert_accessible(police, "training-6-police-shares")
    police.get_by_role("button", name="Send").click()
    assert (
        "sent to Oakfield Primary School"
        in police.locator(".govuk-notification-banner").inner_text()
    )
    look(police, "training-6-police-sent")


def school_now_sees_what_was_shared(school: Page) -> None:
    school.reload()
    main = school.locator("main").inner_text()
    assert "Concern shared" in main
    assert "Moorshire Police" in main
    look(school, "training-7-school-after-sharing")
    school.get_by_role("link", name="Shared with us").click()
    school.locator("tbody tr").filter(has_text="Kayla").get_by_role("link").first.click()
    assert SHARED in school.locator("main").inner_text()
    look(school, "training-8-school-reads-the-concern")


def whole_picture(facilitator: Page) -> None:
    assert facilitator.locator("h1").inner_text() == "The whole picture"
    rows = facilitator.locator("table").first.locator("tbody tr")  # the one chronology
    police_row = rows.filter(has_text="Domestic abuse incident attended by police")
    assert "Only Moorshire Police" in police_row.inner_text()
    concern_row = rows.filter(has_text="Concern shared")
    assert "Also Oakfield Primary School" in concern_row.inner_text()
    main = facilitator.locator("main").inner_text()
    for words in ("Catch-up MMR", "no food at home", "Neighbour reported shouting"):
        assert words in main, words
    look(facilitator, "training-9-whole-picture")
