"""Partner checks: the MASH asks the GP what it holds, the GP answers, late answers are chased."""

import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash import partner_checks, services
from jigsaw.mash.models import MashContact
from jigsaw.mash.rules import Action, ContactState
from jigsaw.notifications import Notification
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.sharing.helpers import raise_to_mash, shared

HELD = "Seen on 3 November with a scald; mum said it was the kettle. Two missed immunisations."


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def screening(uow: UnitOfWork, world: DemoWorld) -> MashContact:
    """A school's concern about a child also registered at Riverside, being screened."""
    child_id = next(c for c in world.children_at("school-1") if c in world.children_at("gp-1"))
    concern = raise_to_mash(uow, world, actor(uow, world, "dsl-oakfield"), child_id=child_id,
                            draft=shared())  # fmt: skip
    with uow:
        contact = uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern.id)
        ).one()
    return services.act(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                        action=Action.ACCEPT)  # fmt: skip


def told(uow: UnitOfWork, user: Actor, kind: str) -> int:
    with uow:
        query = select(Notification).where(Notification.user_id == user.id,
                                           Notification.kind == kind)  # fmt: skip
        return len(uow.session.scalars(query).all())


def test_the_mash_asks_only_agencies_working_with_the_child(
    uow: UnitOfWork, world: DemoWorld, screening: MashContact
) -> None:
    practitioner = actor(uow, world, "mash-practitioner")
    options = partner_checks.partner_options(uow, practitioner, contact_id=screening.id)
    assert world.id("org:gp-1") in options
    assert world.id("org:mash") not in options

    with pytest.raises(Invalid):
        partner_checks.ask(uow, practitioner, contact_id=screening.id,
                           organisation_ids=[world.id("org:school-3")], question="")  # fmt: skip
    with pytest.raises(Invalid):
        partner_checks.ask(uow, practitioner, contact_id=screening.id, organisation_ids=[],
                           question="")  # fmt: skip
    gp_practice = [world.id("org:gp-1")]
    partner_checks.ask(uow, practitioner, contact_id=screening.id, organisation_ids=gp_practice,
                       question="Any injuries seen?")  # fmt: skip

    with uow:
        assert uow.session.get_one(MashContact, screening.id).state is (
            ContactState.AWAITING_INFORMATION
        )
    gp = actor(uow, world, "gp-riverside")
    assert told(uow, gp, "information_requested") == 1
    [check] = partner_checks.inbox(uow, gp)
    assert check.question == "Any injuries seen?"
    assert partner_checks.inbox(uow, actor(uow, world, "dsl-kestrel")) == []


def test_the_last_answer_sends_the_contact_back_to_screening_with_it(
    uow: UnitOfWork, world: DemoWorld, screening: MashContact
) -> None:
    practitioner, gp = actor(uow, world, "mash-practitioner"), actor(uow, world, "gp-riverside")
    gp_practice = [world.id("org:gp-1")]
    [request] = partner_checks.ask(uow, practitioner, contact_id=screening.id,
                                   organisation_ids=gp_practice, question="")  # fmt: skip

    with pytest.raises(NotFound):  # another agency cannot answer for the GP
        partner_checks.answer(uow, actor(uow, world, "dsl-kestrel"), request_id=request.id,
                              text=HELD)  # fmt: skip
    with pytest.raises(Invalid):
        partner_checks.answer(uow, gp, request_id=request.id, text="  ")
    partner_checks.answer(uow, gp, request_id=request.id, text=HELD)

    [check] = partner_checks.for_contact(uow, screening.id)
    assert check.answer == HELD
    with uow:
        assert uow.session.get_one(MashContact, screening.id).state is ContactState.SCREENING
    assert told(uow, practitioner, "information_answered") == 1
    with pytest.raises(Conflict):
        partner_checks.answer(uow, gp, request_id=request.id, text="again")
    with pytest.raises(NotFound):
        partner_checks.open_request(uow, gp, request_id=uuid.uuid4())


def test_a_contact_not_yet_accepted_cannot_ask_partners(uow: UnitOfWork, world: DemoWorld) -> None:
    child_id = next(c for c in world.children_at("school-1") if c in world.children_at("gp-1"))
    concern = raise_to_mash(uow, world, actor(uow, world, "dsl-oakfield"), child_id=child_id,
                            draft=shared())  # fmt: skip
    with uow:
        contact = uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern.id)
        ).one()
    with pytest.raises(Conflict):
        partner_checks.ask(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                           organisation_ids=[world.id("org:gp-1")], question="")  # fmt: skip


def test_late_answers_are_chased_once(
    uow: UnitOfWork, world: DemoWorld, screening: MashContact
) -> None:
    partner_checks.ask(uow, actor(uow, world, "mash-practitioner"), contact_id=screening.id,
                       organisation_ids=[world.id("org:gp-1")], question="")  # fmt: skip
    job = Actor.system("test:chase")

    assert partner_checks.chase_overdue(uow, job, now=clock.now()) == 0
    late = clock.now() + timedelta(days=7)
    assert partner_checks.chase_overdue(uow, job, now=late) == 1
    assert partner_checks.chase_overdue(uow, job, now=late) == 0
    assert told(uow, actor(uow, world, "gp-riverside"), "information_chased") == 1
