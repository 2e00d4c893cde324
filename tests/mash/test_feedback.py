"""Feedback to the referrer: drafted at the decision, sent, escalated when late, answered."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import Timescale, WorkingCalendar
from jigsaw.mash import feedback
from jigsaw.mash.feedback_text import feedback_text
from jigsaw.mash.models import FeedbackStatus, MashContact
from jigsaw.mash.rules import Outcome
from jigsaw.notifications import Notification
from jigsaw.sharing import queries as sharing
from jigsaw.sharing.models import Concern, ConcernStatus
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.mash.helpers import decided as decide

WHY = "Known to early help; the family asked for support with routines"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def decided(uow: UnitOfWork, world: DemoWorld) -> tuple[Concern, MashContact]:
    """A school's concern, accepted and decided (early help) by the MASH."""
    return decide(uow, world, rationale=WHY)


def told(uow: UnitOfWork, user: Actor, kind: str) -> int:
    with uow:
        return len(uow.session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        ).all())  # fmt: skip


def test_a_decision_drafts_feedback_due_one_working_day_later_unseen_until_sent(
    uow: UnitOfWork, world: DemoWorld, decided: tuple[Concern, MashContact]
) -> None:
    concern, contact = decided
    view = feedback.for_mash(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id)

    assert view is not None
    assert view.status is FeedbackStatus.DRAFT
    assert contact.decided_at is not None
    assert view.due_at == WorkingCalendar().add(contact.decided_at, Timescale.parse("1d"))
    assert "Early help or family help" in view.text
    assert WHY not in view.text  # the MASH's rationale is its own, not the referrer's
    dsl = actor(uow, world, "dsl-oakfield")
    assert feedback.for_referrer(uow, dsl, concern_id=concern.id) is None


def test_sent_feedback_reaches_the_referrer_alone(
    uow: UnitOfWork, world: DemoWorld, decided: tuple[Concern, MashContact]
) -> None:
    concern, contact = decided
    dsl = actor(uow, world, "dsl-oakfield")
    edited = "Early help will contact the family this week. Keep sharing any new worries."

    feedback.send(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                  text=edited)  # fmt: skip

    view = feedback.for_referrer(uow, dsl, concern_id=concern.id)
    assert view is not None
    assert (view.text, view.outcome) == (edited, Outcome.EARLY_HELP)
    assert sharing.my_shares(uow, dsl)[0].status is ConcernStatus.FEEDBACK_RECEIVED
    assert told(uow, dsl, "feedback_sent") == 1
    teacher = actor(uow, world, "teacher-oakfield")
    assert feedback.for_referrer(uow, teacher, concern_id=concern.id) is None
    with pytest.raises(Conflict):
        feedback.send(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                      text=edited)  # fmt: skip


def test_unsent_feedback_escalates_to_the_manager_once_when_overdue(
    uow: UnitOfWork, world: DemoWorld, decided: tuple[Concern, MashContact]
) -> None:
    job = Actor.system("test:escalation")
    manager = actor(uow, world, "mash-manager")

    assert feedback.escalate_overdue(uow, job, now=clock.now()) == 0
    late = clock.now() + timedelta(days=7)
    assert feedback.escalate_overdue(uow, job, now=late) == 1
    assert feedback.escalate_overdue(uow, job, now=late + timedelta(hours=1)) == 0

    assert told(uow, manager, "feedback_overdue") == 1
    assert told(uow, actor(uow, world, "mash-practitioner"), "feedback_overdue") == 0
    view = feedback.for_mash(uow, manager, contact_id=decided[1].id)
    assert view is not None
    assert view.escalated


def test_the_referrer_acknowledges_or_challenges_once(
    uow: UnitOfWork, world: DemoWorld, decided: tuple[Concern, MashContact]
) -> None:
    concern, contact = decided
    dsl = actor(uow, world, "dsl-oakfield")
    with pytest.raises(Conflict):  # nothing to answer before it is sent
        feedback.acknowledge(uow, dsl, concern_id=concern.id)
    feedback.send(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id, text="x")

    with pytest.raises(Invalid):
        feedback.challenge(uow, dsl, concern_id=concern.id, reason="no")
    with pytest.raises(NotFound):
        feedback.challenge(uow, actor(uow, world, "teacher-oakfield"), concern_id=concern.id,
                           reason="She told me again today; early help is not enough")  # fmt: skip
    feedback.challenge(uow, dsl, concern_id=concern.id,
                       reason="She told me again today; early help is not enough")  # fmt: skip

    manager = actor(uow, world, "mash-manager")
    assert told(uow, manager, "decision_challenged") == 1
    view = feedback.for_mash(uow, manager, contact_id=contact.id)
    assert view is not None
    assert view.status is FeedbackStatus.CHALLENGED
    assert view.challenge == "She told me again today; early help is not enough"
    with pytest.raises(Conflict):
        feedback.acknowledge(uow, dsl, concern_id=concern.id)


@pytest.mark.parametrize(
    ("referrer", "words"),
    [(AgencyKind.SCHOOL, "designated safeguarding lead"), (AgencyKind.POLICE, "PPN"),
     (AgencyKind.GP, "named GP"), (AgencyKind.HOUSING, "ask the MASH for a consultation")],
)  # fmt: skip
def test_feedback_is_worded_for_the_referrer_s_agency(referrer: AgencyKind, words: str) -> None:
    text = feedback_text(Outcome.STRATEGY_DISCUSSION, referrer=referrer, reference="C-ABCDEFG")
    assert words in text
    assert "C-ABCDEFG" in text
    assert "strategy discussion" in text
    assert "challenge" in text
