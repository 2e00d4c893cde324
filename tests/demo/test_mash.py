"""The demo's MASH: a live queue in every state, partner checks, decisions and feedback.

Each persona sees the loop as it would be after weeks of real work: the practitioner's queue,
the GP's and the school's questions from the MASH, the manager's decisions and challenge,
the referrers' feedback. The story is told as of a fixed weekday morning, so what is due
today does not depend on when the tests run.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw import notifications
from jigsaw.access.actor import Actor
from jigsaw.audit.queries import list_actions_by_user
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON, WorkingCalendar
from jigsaw.demo.concerns import load_concerns
from jigsaw.demo.mash import (
    CONTACTS,
    DemoContact,
    load_mash,
    pick_children,
    timeline,
    working_time_before,
)
from jigsaw.guidance.library import FlowLibrary
from jigsaw.mash import challenges, feedback, partner_checks
from jigsaw.mash import queries as mash
from jigsaw.mash.models import FeedbackStatus, MashContact
from jigsaw.mash.queries import QueueView
from jigsaw.mash.rules import ContactState, Outcome, Urgency
from jigsaw.sharing.models import Concern
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world

CALENDAR = WorkingCalendar()


def a_working_morning() -> datetime:
    """10:30 on the last working day before today: a MASH's morning, already past."""
    day = date.today() - timedelta(days=1)  # noqa: DTZ011 - the demo world is built for today
    while not CALENDAR.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(10, 30), LONDON).astimezone(UTC)


NOW = a_working_morning()


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    """The demo partnership with its concerns, then the MASH's last five weeks."""
    world = load_world(uow, app)
    flows = FlowLibrary.load()
    load_concerns(uow, world.partnership, flows, today=clock.today())
    contacts = load_mash(uow, world.partnership, flows, now=NOW)
    assert contacts == len(CONTACTS)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)  # the clock given back
    return world


def mash_contacts(uow: UnitOfWork) -> list[MashContact]:
    """The MASH's contacts from the story (received before its now; the concerns' are later)."""
    with uow:
        return list(uow.session.scalars(
            select(MashContact).where(MashContact.received_at < NOW)
            .order_by(MashContact.received_at)
        ))  # fmt: skip


def test_the_practitioner_finds_every_open_state_urgency_and_deadline(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    priya = actor(uow, world, "mash-practitioner")

    lines = mash.queue(uow, priya, now=NOW)

    assert {line.state for line in lines} == {
        ContactState.RECEIVED, ContactState.SCREENING, ContactState.AWAITING_INFORMATION
    }  # fmt: skip
    assert {line.urgency for line in lines} == set(Urgency)
    assert "Priya Sharma" in {line.assigned_to for line in lines}
    assert "Claire Donnelly" in {line.assigned_to for line in lines}
    assert mash.queue(uow, priya, view=QueueView.UNASSIGNED, now=NOW)
    overdue = mash.queue(uow, priya, view=QueueView.OVERDUE, now=NOW)
    assert {line.state for line in overdue} >= {
        ContactState.RECEIVED, ContactState.AWAITING_INFORMATION
    }  # fmt: skip
    due_later_today = [line for line in mash.queue(uow, priya, view=QueueView.DUE_TODAY, now=NOW)
                       if not line.overdue]  # fmt: skip
    assert len(due_later_today) >= 3
    assert {line.urgency for line in due_later_today} >= {Urgency.RED, Urgency.AMBER}
    mine = mash.queue(uow, priya, view=QueueView.MINE, now=NOW)
    assert {line.state for line in mine} == {
        ContactState.SCREENING, ContactState.AWAITING_INFORMATION
    }  # fmt: skip


def test_the_gp_and_the_school_have_questions_answered_waiting_and_chased(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    gp, school = actor(uow, world, "gp-riverside"), actor(uow, world, "dsl-oakfield")

    to_gp, to_school = partner_checks.inbox(uow, gp), partner_checks.inbox(uow, school)

    for inbox in (to_gp, to_school):
        waiting = [check for check in inbox if check.answered_at is None]
        answered = [check for check in inbox if check.answered_at is not None]
        assert waiting
        assert answered
        assert all(len(check.answer) > 80 for check in answered)  # a realistic answer
        assert all("{name}" not in check.question + check.answer for check in inbox)
    [chased] = [check for check in to_gp if check.chased]
    assert chased.answered_at is None
    assert chased.due_at < NOW
    assert not any(check.chased for check in to_school)
    assert kinds(uow, gp) >= {"information_requested", "information_chased"}
    assert "information_requested" in kinds(uow, school)
    assert "information_answered" in kinds(uow, actor(uow, world, "mash-practitioner"))


def test_the_manager_decided_with_every_outcome_and_feedback_is_in_every_state(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    priya, claire = actor(uow, world, "mash-practitioner"), actor(uow, world, "mash-manager")

    decided = mash.list_decisions(uow, priya, since=None, after=None, limit=100)

    assert {line.outcome for line in decided} == set(Outcome)
    assert {line.state for line in decided} == {ContactState.DECIDED, ContactState.CLOSED}
    views = {line.id: feedback.for_mash(uow, priya, contact_id=line.id) for line in decided}
    statuses = {view.status for view in views.values() if view is not None}
    assert statuses == set(FeedbackStatus)
    [escalated] = [view for view in views.values() if view is not None and view.escalated]
    assert escalated.status is FeedbackStatus.DRAFT
    assert escalated.due_at < NOW
    assert any(view.status is FeedbackStatus.DRAFT and view.due_at > NOW
               for view in views.values() if view is not None)  # fmt: skip
    sent = [view for view in views.values() if view is not None and view.sent_at is not None]
    assert all(view.text.count("\n\n") == 4 for view in sent)  # the draft, with a line added
    [challenge] = challenges.waiting(uow, claire)
    assert "Please review the decision" in challenge.reason
    assert kinds(uow, claire) >= {"decision_challenged", "feedback_overdue"}
    record = mash.open_contact(uow, claire, contact_id=decided[0].id, now=NOW)
    assert len(record.rationale) > 80
    assert {event.by for event in record.events} >= {"Claire Donnelly"}


def test_referrers_see_the_feedback_and_a_rejected_contact_says_why(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    contacts = mash_contacts(uow)
    school = actor(uow, world, "dsl-oakfield")
    with uow:
        by_school = uow.session.scalars(
            select(Concern.id).where(Concern.author_id == school.id)
        ).all()

    replies = [feedback.for_referrer(uow, school, concern_id=concern_id)
               for concern_id in by_school]  # fmt: skip

    assert {reply.status for reply in replies if reply is not None} == {
        FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.CHALLENGED
    }  # fmt: skip
    [rejected] = [contact for contact in contacts if contact.state is ContactState.REJECTED]
    record = mash.open_contact(uow, actor(uow, world, "mash-manager"), contact_id=rejected.id,
                               now=NOW)  # fmt: skip
    [reason] = [event.reason for event in record.events if event.action == "reject"]
    assert reason.startswith("Not a safeguarding matter")
    assert sum(contact.state is ContactState.CLOSED for contact in contacts) == 4


def test_the_work_was_done_in_working_hours_over_five_weeks_sealed_and_audited(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    contacts = mash_contacts(uow)
    claire = actor(uow, world, "mash-manager")

    records = [mash.open_contact(uow, claire, contact_id=contact.id, now=NOW)
               for contact in contacts]  # fmt: skip

    assert len(contacts) == len(CONTACTS)
    assert NOW - timedelta(weeks=6) < contacts[0].received_at < NOW - timedelta(weeks=4)
    moments = [event.at for record in records for event in record.events]
    assert all(moment <= NOW and in_office_hours(moment) for moment in moments)
    assert all(record.concern.concern.created_at < NOW for record in records)
    decided = next(contact for contact in contacts if contact.rationale_sealed)
    rationale = next(r.rationale for r in records if r.contact.id == decided.id)
    assert rationale
    assert rationale not in (decided.rationale_sealed or "")
    assert claire.id is not None
    with uow:
        done = list_actions_by_user(uow, claire.id, limit=1000)
    decisions = [entry for entry in done if entry.action == "contact:decide"]
    assert len(decisions) == sum(contact.decided_at is not None for contact in contacts)
    assert all(entry.occurred_at < NOW for entry in decisions)  # audited when it was done
    assert "contact:reject" in {entry.action for entry in done}


def test_the_story_runs_in_order_and_counts_back_through_office_hours() -> None:
    for contact in CONTACTS:
        times = [contact.received, *(step.at for step in contact.steps)]
        assert times == sorted(times, reverse=True), contact.key
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    assert working_time_before(CALENDAR, monday, 10) == datetime(2026, 11, 19, 16, 0,
                                                                 tzinfo=LONDON)  # fmt: skip
    saturday = datetime(2026, 11, 21, 13, 0, tzinfo=LONDON)
    friday_close = datetime(2026, 11, 20, 17, 0, tzinfo=LONDON)
    assert working_time_before(CALENDAR, saturday, 0) == friday_close
    after_boxing_day = datetime(2026, 12, 29, 11, 0, tzinfo=LONDON)  # 28th: a bank holiday
    for hours in (0.5, 2, 8, 11.25, 40):
        start = working_time_before(CALENDAR, after_boxing_day, hours)
        assert CALENDAR.add_working_time(start, timedelta(hours=hours)) == after_boxing_day
    steps = timeline(CALENDAR, friday_close, CONTACTS, seed=11)
    assert [at for at, _contact, _step in steps] == sorted(at for at, _c, _s in steps)
    assert all(in_office_hours(at) for at, _contact, _step in steps)


def test_the_same_partnership_gives_the_same_children_each_once(
    uow: UnitOfWork, app: FastAPI
) -> None:
    world = load_world(uow, app)
    today = NOW.date()

    first = pick_children(world.partnership, CONTACTS, taken=set(), today=today)
    again = pick_children(world.partnership, CONTACTS, taken=set(), today=today)

    assert first == again
    assert len({child.key for child in first.values()}) == len(CONTACTS)
    known = {(i.child_key, i.organisation_key) for i in world.partnership.casework.involvements}
    asked = [contact for contact in CONTACTS if contact.known_to]
    assert all(knows(known, contact, first[contact.key].key) for contact in asked)


def knows(known: set[tuple[str, str]], contact: DemoContact, child_key: str) -> bool:
    return (child_key, contact.known_to[0]) in known


def in_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(LONDON)
    return CALENDAR.is_working_day(local.date()) and time(9) <= local.time() <= time(17)


def kinds(uow: UnitOfWork, who: Actor) -> set[str]:
    return {n.kind for n in notifications.list_notifications(uow, who, limit=500)}
