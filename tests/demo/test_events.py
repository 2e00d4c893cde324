"""The demo's histories: years of what each agency's system knows, and every alert rule firing.

A social worker opening one of the chosen children's chronology finds hundreds of events from
the police, the hospital, the GP, the school and the council; the MASH manager, the social
worker and a school's safeguarding lead each find the alert their rule gives them. The story
is told as of a fixed weekday morning, after the demo's concerns, MASH work and consultations,
as `make demo` loads them.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import Role
from jigsaw.accounts import ServiceAccount
from jigsaw.alerts.models import Alert, AlertItem, AlertState
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON, WorkingCalendar
from jigsaw.demo import generate_partnership
from jigsaw.demo.concerns import load_concerns
from jigsaw.demo.consultations import load_consultations
from jigsaw.demo.events import SYSTEMS, Cast, choose_cast, history, load_events, service_actor
from jigsaw.demo.loader import load_partnership
from jigsaw.demo.mash import load_mash
from jigsaw.events import posting
from jigsaw.events.models import ChildEvent, EventWaiting, MatchState
from jigsaw.events.rules import JIGSAW
from jigsaw.events.services import event_text
from jigsaw.guidance.library import FlowLibrary
from jigsaw.notifications.models import Notification
from tests.children.helpers import actor
from tests.demo_world import PASSWORD, DemoWorld

CALENDAR = WorkingCalendar()
SECRET_KEY = "synthetic secret key for the test world"


def a_working_morning() -> datetime:
    """10:30 on the last working day before today: the demo's morning, already past."""
    day = date.today() - timedelta(days=1)  # noqa: DTZ011 - the demo world is built for today
    while not CALENDAR.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(10, 30), LONDON).astimezone(UTC)


NOW = a_working_morning()


@pytest.fixture(scope="module")
def loaded(engine: Engine) -> Iterator[tuple[UnitOfWork, DemoWorld]]:
    """The demo as `make demo` loads it, once for the module, rolled back at its end.

    Loading three years of histories takes seconds, so the tests share one load; they only
    read it, except the last, which posts the histories again and finds nothing written.
    """
    connection = engine.connect()
    outer = connection.begin()
    uow = UnitOfWork(sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                  expire_on_commit=False))  # fmt: skip
    partnership = generate_partnership(seed=11, children=150, today=date.today())  # noqa: DTZ011
    load_partnership(uow, Actor.system("test:world"), partnership=partnership,
                     password=PASSWORD, secret_key=SECRET_KEY)  # fmt: skip
    flows = FlowLibrary.load()
    load_concerns(uow, partnership, flows, today=clock.today())
    load_mash(uow, partnership, flows, now=NOW)
    load_consultations(uow, partnership, now=NOW)
    assert load_events(uow, partnership, now=NOW) > 500
    yield uow, DemoWorld(partnership, {})
    outer.rollback()
    connection.close()


@pytest.fixture
def uow(loaded: tuple[UnitOfWork, DemoWorld]) -> UnitOfWork:
    return loaded[0]


@pytest.fixture
def world(loaded: tuple[UnitOfWork, DemoWorld]) -> DemoWorld:
    return loaded[1]


def cast_of(world: DemoWorld) -> Cast:
    return choose_cast(world.partnership, today=NOW.astimezone(LONDON).date())


def posted(uow: UnitOfWork, **where: object) -> list[ChildEvent]:
    """Events agencies' systems posted (not Jigsaw's own), filtered by column values."""
    with uow:
        query = select(ChildEvent).where(ChildEvent.source_system != JIGSAW)
        for column, value in where.items():
            query = query.where(getattr(ChildEvent, column) == value)
        return list(uow.session.scalars(query))


def alerts_of(uow: UnitOfWork, rule: str) -> list[Alert]:
    with uow:
        return list(uow.session.scalars(select(Alert).where(Alert.rule_key == rule)))


def test_the_chosen_children_have_hundreds_of_events_from_four_agencies_or_more(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    cast = cast_of(world)

    assert len(cast.rich) == 3
    for _profile, child in cast.rich:
        events = posted(uow, child_id=world.id(child.key), match_state=MatchState.MATCHED)
        assert 150 <= len(events) <= 400
        assert len({e.organisation_id for e in events}) >= 4
        assert max(e.occurred_at for e in events) - min(e.occurred_at for e in events) > (
            timedelta(days=365 * 2)
        )
    for child in cast.small:
        assert 0 < len(posted(uow, child_id=world.id(child.key))) < 60


def test_each_agency_posts_from_its_own_system_in_its_own_codes(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    with uow:
        accounts = {a.organisation_id: a.name for a in uow.session.scalars(select(ServiceAccount))}
    police = posted(uow, organisation_id=world.id("org:police"))
    hospital = posted(uow, organisation_id=world.id("org:hospital"))
    school = posted(uow, organisation_id=world.id("org:school-1"))

    assert accounts[world.id("org:police")] == SYSTEMS["org:police"][0]
    assert {e.source_system for e in police} == {SYSTEMS["org:police"][0]}
    assert {e.source_code for e in police if e.category == "domestic_abuse_incident"} <= {
        "DA-V", "DA-A", "DA-B", "DA-C"
    }  # fmt: skip
    assert {e.source_system for e in hospital} == {SYSTEMS["org:hospital"][0]}
    assert all(e.source_event_id.startswith("EMH-") for e in hospital)
    assert {e.category for e in school} >= {"persistent_absence"}
    assert all(e.source_code and e.source_code.startswith(("ATT-", "SUS-", "CME", "CTF"))
               for e in school)  # fmt: skip


def test_no_events_words_name_a_child(uow: UnitOfWork, world: DemoWorld) -> None:
    children = world.partnership.children
    first_names = {c.given_names.split()[0] for c in children}
    full_names = {f"{c.given_names.split()[0]} {c.family_name}" for c in children}
    words_of = re.compile(r"[A-Za-z'-]+")

    for event in posted(uow):
        text = event_text(event.id, event.text_sealed)
        assert len(text) > 30
        assert not first_names & set(words_of.findall(text)), event.source_event_id
        assert not any(name in text for name in full_names), event.source_event_id
        assert "{" not in text  # every placeholder filled


def test_a_few_events_sent_by_name_only_wait_for_the_practice(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    waiting = [e for e in posted(uow) if e.match_state is MatchState.POSSIBLE]

    assert len(waiting) >= 2
    assert {e.organisation_id for e in waiting} == {world.id("org:gp-1")}
    for event in waiting:
        identity = posting.identity_of(event)
        assert identity["nhs_number"] is None
        assert identity["family_name"]
        assert identity["date_of_birth"]
        assert event.candidates  # the child is among those offered
        with uow:
            assert uow.session.get(EventWaiting, event.id) is None  # not for the rules yet


def test_the_social_worker_marked_what_matters(uow: UnitOfWork, world: DemoWorld) -> None:
    marked = [e for e in posted(uow) if e.marked_by_id == world.id("persona:social-worker")]

    assert len(marked) >= 5
    assert all(e.significant for e in marked)
    assert {e.child_id for e in marked} <= {world.id(c.key) for _p, c in cast_of(world).rich}


def test_concerns_from_a_school_and_a_gp_add_up_for_the_mash_manager(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    [alert] = alerts_of(uow, "adding-up")
    with uow:
        items = uow.session.scalars(
            select(ChildEvent).join(AlertItem, AlertItem.event_id == ChildEvent.id)
            .where(AlertItem.alert_id == alert.id)
        ).all()  # fmt: skip

    assert alert.organisation_id == world.id("org:mash")
    assert alert.owner_role == "mash_manager"
    assert len(items) >= 3
    assert {e.organisation_id for e in items} >= {world.id("org:gp-1")}
    assert len({e.organisation_id for e in items}) >= 2
    assert all(NOW - e.occurred_at <= timedelta(days=90) for e in items)
    assert notified(uow, world, "mash-manager", alert)


def test_a_hospital_attendance_of_a_child_on_a_plan_goes_to_their_social_worker(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    child = cast_of(world).on_a_plan
    assert child is not None
    at_hospital = posted(
        uow, child_id=world.id(child.key), organisation_id=world.id("org:hospital")
    )
    event = max(at_hospital, key=lambda e: e.occurred_at)
    [alert] = [a for a in alerts_of(uow, "plan-child-event") if a.event_id == event.id]

    assert alert.child_id == world.id(child.key)
    assert alert.organisation_id == world.id("org:la")
    assert alert.assigned_to_id == world.id("persona:social-worker")
    assert alert.state is AlertState.OPEN
    assert event.category == "emergency_attendance"
    assert NOW - event.occurred_at < timedelta(days=4)
    assert notified(uow, world, "social-worker", alert)


def test_last_fridays_domestic_abuse_incident_reaches_the_school_before_it_opens(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    _profile, child = cast_of(world).rich[0]
    incidents = posted(uow, child_id=world.id(child.key), category="domestic_abuse_incident")
    last = max(incidents, key=lambda e: e.occurred_at)
    [alert] = [a for a in alerts_of(uow, "domestic-abuse-school") if a.event_id == last.id]

    local = last.occurred_at.astimezone(LONDON)
    assert (local.weekday(), local.hour) == (4, 22)  # a Friday night
    assert timedelta(0) < NOW - last.occurred_at <= timedelta(days=7)
    assert alert.organisation_id == world.id(str(child.school_key))
    assert alert.owner_role == "designated_safeguarding_lead"
    assert alert.state is AlertState.OPEN
    assert alert.due_at == get_settings().school_calendar().next_school_day_start(last.occurred_at)
    lead = actor(
        uow, world, "dsl-oakfield" if child.school_key == "org:school-1" else "dsl-kestrel"
    )
    assert Role.DESIGNATED_SAFEGUARDING_LEAD in lead.roles
    assert policy.may_work_alert(lead, organisation_id=alert.organisation_id,
                                 owner_role=Role.DESIGNATED_SAFEGUARDING_LEAD,
                                 assigned_to_id=alert.assigned_to_id)  # fmt: skip


def test_older_incidents_were_acknowledged_by_the_schools_lead_and_timescales_missed(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    incidents = alerts_of(uow, "domestic-abuse-school")
    old = [a for a in incidents if a.raised_at < NOW - timedelta(days=14)]

    assert old
    assert all(a.state is AlertState.ACKNOWLEDGED for a in old)
    assert all(a.raised_at < a.acknowledged_at <= a.due_at for a in old if a.acknowledged_at)
    missed = alerts_of(uow, "timescale-missed")
    assert missed
    assert {(a.organisation_id, a.owner_role) for a in missed} == {
        (world.id("org:mash"), "mash_manager")
    }  # fmt: skip


def test_posting_the_histories_again_writes_nothing_twice(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    posts = history(world.partnership, cast_of(world), now=NOW)
    with uow:
        before = uow.session.scalar(select(func.count()).select_from(ChildEvent))

    for post in posts:
        answers = posting.post_events(uow, service_actor(world.partnership, post.organisation),
                                      post.events)  # fmt: skip
        assert all(answer.replayed for answer in answers)

    with uow:
        assert uow.session.scalar(select(func.count()).select_from(ChildEvent)) == before
        assert uow.session.scalar(select(func.count()).select_from(EventWaiting)) == 0


def notified(uow: UnitOfWork, world: DemoWorld, persona: str, alert: Alert) -> bool:
    """Whether the persona has a notice of the alert."""
    with uow:
        return uow.session.scalar(
            select(Notification.id).where(
                Notification.user_id == world.id(f"persona:{persona}"),
                Notification.reference == alert.reference,
            )
        ) is not None  # fmt: skip
