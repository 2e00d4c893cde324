"""A social worker reads a long multi-agency chronology in real Chromium, filters it, marks an
event, and takes it to a strategy discussion as a PDF, whose pages are turned into PNGs."""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from playwright.sync_api import Browser, Page

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.db import make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoChild
from jigsaw.events.posting import post_events
from jigsaw.events.routes import PAGE_LIMIT
from jigsaw.events.rules import Identity, PostedEvent
from jigsaw.events.services import record
from tests.browser import (
    SCREENSHOTS,
    assert_accessible,
    demo_database,
    screenshot,
    serving,
    sign_in,
)
from tests.demo_world import DemoWorld

pytestmark = pytest.mark.browser
# What each agency records about the child, as (category, its own code, words, shared with).
Held = tuple[str, str | None, str, tuple[str, ...]]
HELD: dict[str, list[Held]] = {
    "school": [("persistent_absence", "ATT-PA", "Attendance 84% this half term", ()),
               ("suspension", "EXC-FT", "Suspended for two days after a fight", ("la",)),
               ("concern_shared", None, "Concern shared with the MASH: bruising", ("mash",))],
    "org:gp-1": [("missed_health_appointment", "DNA", "Did not attend the asthma review", ()),
                 ("health_visit", "REV", "Weight below the expected centile", ())],
    "org:la": [("social_care_visit", "SV", "Home visit: mother tired, flat tidy", ()),
               ("strategy_discussion", "SD", "Strategy discussion: section 47 enquiry", ()),
               ("plan_started", None, "Child in need plan started", ())],
    "org:mash": [("mash_decision", None, "The MASH decided: social care assessment", ())],
}  # fmt: skip
# Posted by agencies' systems through the events API, matched by the child's NHS number.
POSTED: dict[str, list[tuple[str, str, str]]] = {
    "org:hospital": [("emergency_attendance", "ED-ATT", "Head injury; explanation consistent"),
                     ("hospital_admission", "ADM", "Admitted overnight for observation")],
    "org:police": [("domestic_abuse_incident", "DA01", "Officers attended a disturbance; "
                    "the child was in the house"),
                   ("missing_episode", "MISS", "Reported missing overnight, found at a friend's"),
                   ("police_welfare_check", "WC", "Welfare check at the address")],
}  # fmt: skip
EVENTS = 260  # more than a page (100), so "Show earlier events" is there


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoWorld]]:
    """Jigsaw served live on the demo partnership, one child with a long history."""
    settings, engine, world = demo_database(
        tmp_path_factory, "live-chronology", jobs_in_process=False
    )
    uow = UnitOfWork(make_session_factory(engine))
    two_years(uow, world, allocated(world))
    with serving(settings, engine) as base:
        yield base, world
    engine.dispose()


def allocated(world: DemoWorld) -> DemoChild:
    """A child allocated to the social worker, at a school, whose record is not restricted."""
    casework = world.partnership.casework
    restricted = {r.child_key for r in casework.restrictions}
    mine = {
        i.child_key
        for i in casework.involvements
        if i.persona_key == "persona:social-worker" and i.child_key not in restricted
    }
    return next(c for c in world.partnership.children if c.key in mine and c.school_key)


def two_years(uow: UnitOfWork, world: DemoWorld, child: DemoChild) -> None:
    """Two years of the child's life from six agencies: Jigsaw's own and posted events."""
    rng = random.Random(7)  # noqa: S311 - synthetic test data
    now = datetime.now(UTC)
    child_id = world.id(child.key)
    holders = sorted([*HELD, *POSTED])
    school = child.school_key or ""
    posted: dict[str, list[PostedEvent]] = {org: [] for org in POSTED}
    with uow:
        for number in range(EVENTS):
            at = now - timedelta(days=730) + timedelta(minutes=rng.randint(0, 730 * 24 * 60))
            holder = rng.choice(holders)
            if holder in POSTED:
                code, source_code, words = rng.choice(POSTED[holder])
                posted[holder].append(PostedEvent(
                    source_event_id=f"{holder}-{number}", category=code, occurred_at=at,
                    child=Identity(nhs_number=child.nhs_number), source_code=source_code,
                    text=words, source_system="Moorshire Niche RMS" if holder == "org:police"
                    else "Eastmoor Symphony ED",
                ))  # fmt: skip
                continue
            code, _source_code, words, shared = rng.choice(HELD[holder])
            record(uow, child_id=child_id, code=code, occurred_at=at, text=words,
                   organisation_id=world.id(school if holder == "school" else holder),
                   shared_with=[world.id(f"org:{o}") for o in shared],
                   open_to_all=code == "plan_started")  # fmt: skip
        uow.commit()
    for organisation, events in posted.items():
        system = Actor.service_account(uuid.uuid4(), organisation_id=world.id(organisation),
                                       agency_kind=AgencyKind.POLICE
                                       if organisation == "org:police"
                                       else AgencyKind.ACUTE_HEALTH,
                                       permissions=frozenset({Permission.EVENT_POST}))  # fmt: skip
        assert {r.state for r in post_events(uow, system, events)} == {"matched"}


def test_a_social_worker_reads_filters_marks_and_exports_a_chronology(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    child = allocated(world)
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, base, world, "social-worker")
    page.goto(f"{base}/children/{world.id(child.key)}")
    page.get_by_role("link", name="Chronology", exact=True).click()
    assert page.locator("h1").inner_text() == f"{child.given_names} {child.family_name}"
    main = page.locator("main").inner_text()
    assert f"Showing {PAGE_LIMIT} of {EVENTS} events" in main
    assert "Other agencies hold information" not in main  # children's social care sees all
    assert "DA01" in main or "MISS" in main or "ED-ATT" in main  # the source's own codes
    screenshot(page, "chronology-1-page")
    assert_accessible(page, "chronology-1-page")
    police_this_year(page)
    mark_the_first(page)
    compact(page)
    export_pdf(page, child)
    page.context.close()


def police_this_year(page: Page) -> None:
    """Police events in the last year: every row is the police's, and the count says so."""
    page.get_by_role("group", name="Category").get_by_label("Police (").check()
    start = (datetime.now(UTC) - timedelta(days=365)).date().isoformat()
    page.get_by_label("From").fill(start)
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    agencies = {rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}
    assert agencies == {"Moorshire Police"}
    assert "that match the filters" in page.locator("main").inner_text()
    assert f"from={start}" in page.url
    assert "Moorshire" not in page.url  # ids, codes and dates only
    screenshot(page, "chronology-2-police")


def mark_the_first(page: Page) -> None:
    """The social worker marks a welfare check significant; htmx swaps only the mark."""
    row = page.locator("tbody tr").filter(has_text="Police welfare check").first
    row.get_by_role("button", name="Mark significant").click()
    row.locator(".govuk-tag", has_text="Significant").wait_for()
    assert row.get_by_role("button", name="Remove the mark").is_visible()


def compact(page: Page) -> None:
    """One line per event, by month, no words."""
    page.get_by_role("link", name="Compact view").click()
    captions = page.locator("caption")
    assert captions.count() >= 2
    assert "Officers attended a disturbance" not in page.locator("main").inner_text()
    screenshot(page, "chronology-3-compact")
    assert_accessible(page, "chronology-3-compact")


def export_pdf(page: Page, child: DemoChild) -> None:
    """The filtered chronology as a PDF: looked at page by page as PNGs."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert str(child.family_name) not in download.value.suggested_filename
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "chronology.pdf"
    download.value.save_as(path)
    text = pdf_pages_as_png(path, "chronology-pdf")
    assert f"{child.given_names} {child.family_name}" in text[0]
    assert "Categories: Police" in text[0]
    for page_number, words in enumerate(text, start=1):
        assert words.count("OFFICIAL-SENSITIVE") == 2  # top and bottom margins
        assert f"Page {page_number} of {len(text)}" in words
    assert "Significant" in "".join(text)


def pdf_pages_as_png(path: Path, name: str) -> list[str]:
    """Each page of the PDF as a PNG beside the screenshots; the text of each page."""
    document = pdfium.PdfDocument(path)
    words = []
    for number in range(len(document)):
        pdf_page = document[number]
        pdf_page.render(scale=1.6).to_pil().save(SCREENSHOTS / f"{name}-{number + 1}.png")
        words.append(pdf_page.get_textpage().get_text_range())
    document.close()
    assert words, "the PDF has no pages"
    return words
