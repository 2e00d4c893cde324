"""The measures page in real Chromium, on four weeks of a busy MASH: charts, filters, axe."""

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page

from jigsaw.consultations.rules import ConsultationOutcome, ConsultationState
from jigsaw.core.db import make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.mash.rules import ContactState, Outcome
from tests.browser import (
    assert_accessible,
    demo_database,
    screenshot,
    serving,
    sign_in,
)
from tests.demo_world import DemoWorld
from tests.measures.helpers import History

pytestmark = pytest.mark.browser
SOURCES = ("police", "school-1", "school-2", "school-3", "gp-1", "hospital", "health-visiting",
           "la", "gp-2")  # fmt: skip
PARTNERS = ("gp-1", "police", "school-1", "health-visiting")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoWorld]]:
    """Jigsaw served live on the demo partnership, with four weeks of MASH work behind it."""
    settings, engine, world = demo_database(tmp_path_factory, "live-measures", jobs_in_process=True)
    uow = UnitOfWork(make_session_factory(engine))
    with uow:
        four_weeks(History(uow.session, world), world)
        uow.commit()
    with serving(settings, engine) as base:
        yield base, world
    engine.dispose()


def four_weeks(h: History, world: DemoWorld) -> None:
    """Contacts every day (fewer at weekends), most decided; feedback, checks, consultations."""
    rng = random.Random(6)  # noqa: S311 - synthetic test data
    children = [world.id(child.key) for child in world.partnership.children]
    today = datetime.now(LONDON).date()
    for back in range(27, -1, -1):
        day = today - timedelta(days=back)
        for _ in range(rng.randint(1, 3) if day.weekday() >= 5 else rng.randint(6, 14)):
            received = datetime.combine(day, datetime.min.time()) + timedelta(
                minutes=rng.randint(8 * 60, 18 * 60))  # fmt: skip
            one_of(h, rng, received, rng.choice(children), now=datetime.now(LONDON))


def one_of(h: History, rng: random.Random, received: datetime, child: uuid.UUID, *,
           now: datetime) -> None:  # fmt: skip
    """One contact and what followed it, all before ``now`` (London wall times)."""
    text = "%Y-%m-%d %H:%M"
    decided = received + timedelta(hours=rng.choice([1, 2, 3, 5, 20, 26, 50]))
    source = rng.choices(SOURCES, weights=[30, 8, 7, 6, 6, 10, 8, 15, 4])[0]
    if decided.replace(tzinfo=LONDON) >= now or rng.random() < 0.05:
        state = rng.choice([ContactState.RECEIVED, ContactState.SCREENING, ContactState.REJECTED])
        h.contact(received.strftime(text), source, child=child, state=state)
        return
    outcome = rng.choice(list(Outcome))
    contact = h.contact(received.strftime(text), source, child=child,
                        decided=decided.strftime(text), outcome=outcome)  # fmt: skip
    sent = decided + timedelta(hours=rng.choice([1, 2, 4, 18]))
    h.feedback(contact, sent=sent.strftime(text) if sent.replace(tzinfo=LONDON) < now else None)
    if rng.random() < 0.4:
        asked = received + timedelta(minutes=30)
        answered = asked + timedelta(hours=rng.choice([1, 3, 6, 30]))
        h.request(contact, rng.choice(PARTNERS), asked=asked.strftime(text),
                  due=(asked + timedelta(hours=8)).strftime(text),
                  answered=answered.strftime(text) if answered < decided else None)  # fmt: skip
    if rng.random() < 0.3:
        advised = received + timedelta(hours=rng.choice([1, 2, 6]))
        h.consultation(received.strftime(text), source,
                       due=(received + timedelta(hours=4)).strftime(text),
                       state=ConsultationState.ADVISED, advised=advised.strftime(text),
                       outcome=rng.choice(list(ConsultationOutcome)))  # fmt: skip


def test_the_mash_manager_reads_the_measures_charts_and_filters(
    chromium: Browser, live: tuple[str, DemoWorld]
) -> None:
    base, world = live
    page = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    sign_in(page, base, world, "mash-manager")
    page.get_by_role("link", name="MASH queue").click()
    page.get_by_role("link", name="See the MASH's measures").click()
    assert page.locator("h1").inner_text() == "MASH measures"
    assert "(28 days), all agencies" in page.locator("main").inner_text()
    chart = page.get_by_role("img", name="Contacts received per day, by agency")
    assert chart.locator("rect").count() > 28  # a bar a day, stacked by agency
    screenshot(page, "measures-1-page")
    assert_accessible(page, "measures-1-page")
    narrowed(page)
    refused(page)
    page.context.close()


def narrowed(page: Page) -> None:
    """One agency: the figures say so, and the CSV link keeps the filter."""
    page.get_by_label("Agency", exact=True).select_option(label="Moorshire Police")
    page.get_by_role("button", name="Show measures").click()
    assert "Moorshire Police." in page.locator("main").inner_text()
    link = page.get_by_role("link", name="Download these figures (CSV)")
    assert "agency=" in (link.get_attribute("href") or "")
    screenshot(page, "measures-2-one-agency")


def refused(page: Page) -> None:
    """A start after the end: the error summary links to the field, the dates are kept."""
    today = datetime.now(LONDON).date()
    start, end = str(today - timedelta(days=1)), str(today - timedelta(days=10))
    page.get_by_label("From", exact=True).fill(start)
    page.get_by_label("To", exact=True).fill(end)
    page.get_by_role("button", name="Show measures").click()
    summary = page.locator(".govuk-error-summary")
    assert "The start date must be on or before the end date" in summary.inner_text()
    assert page.get_by_label("From", exact=True).input_value() == start
    screenshot(page, "measures-3-refused")
    assert_accessible(page, "measures-3-refused")
