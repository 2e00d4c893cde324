"""Contacts at the MASH: opened when a concern arrives, rated and due, worked through the queue."""

import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import Timescale, WorkingCalendar
from jigsaw.mash import feedback, queries, services
from jigsaw.mash.models import MashContact
from jigsaw.mash.queries import QueueView
from jigsaw.mash.rules import Action, ContactState, Outcome, Urgency
from jigsaw.sharing import queries as sharing
from jigsaw.sharing.models import ConcernStatus
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, form_token, load_world, sign_in
from tests.sharing.helpers import pupil, raise_to_mash, shared

WHY = "Bruising and a disclosure: this needs a strategy discussion today"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def contact_of(uow: UnitOfWork, concern_id: object) -> MashContact:
    with uow:
        return uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern_id)
        ).one()


@pytest.fixture
def contact(uow: UnitOfWork, world: DemoWorld) -> MashContact:
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=pupil(world), draft=shared())
    return contact_of(uow, concern.id)


def test_a_concern_shared_with_the_mash_opens_a_rated_contact_due_on_the_working_clock(
    contact: MashContact, world: DemoWorld
) -> None:
    assert contact.state is ContactState.RECEIVED
    assert contact.urgency is Urgency.RED  # level 4 from the sharer
    assert contact.organisation_id == world.id("org:mash")
    assert contact.source_organisation_id == world.id("org:school-1")
    four_hours = WorkingCalendar().add(contact.received_at, Timescale.parse("4h"))
    assert contact.due_at == four_hours


def test_accepting_starts_screening_and_the_sharer_sees_it(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    practitioner = actor(uow, world, "mash-practitioner")

    accepted = services.act(uow, practitioner, contact_id=contact.id, action=Action.ACCEPT)

    assert accepted.state is ContactState.SCREENING
    assert accepted.assigned_to_id == practitioner.id
    mine = sharing.my_shares(uow, actor(uow, world, "dsl-oakfield"))
    assert mine[0].status is ConcernStatus.SCREENING


def test_only_the_manager_decides_and_a_decision_needs_an_outcome_and_rationale(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    practitioner, manager = (
        actor(uow, world, "mash-practitioner"),
        actor(uow, world, "mash-manager"),
    )
    services.act(uow, practitioner, contact_id=contact.id, action=Action.ACCEPT)

    with pytest.raises(NotFound):
        services.act(uow, practitioner, contact_id=contact.id, action=Action.DECIDE,
                     reason=WHY, outcome=Outcome.STRATEGY_DISCUSSION)  # fmt: skip
    with pytest.raises(Invalid):
        services.act(uow, manager, contact_id=contact.id, action=Action.DECIDE, reason=WHY)
    with pytest.raises(Invalid):
        services.act(uow, manager, contact_id=contact.id, action=Action.DECIDE, reason="ok",
                     outcome=Outcome.STRATEGY_DISCUSSION)  # fmt: skip
    decided = services.act(uow, manager, contact_id=contact.id, action=Action.DECIDE,
                           reason=WHY, outcome=Outcome.STRATEGY_DISCUSSION)  # fmt: skip

    assert decided.state is ContactState.DECIDED
    assert decided.outcome is Outcome.STRATEGY_DISCUSSION
    record = queries.open_contact(uow, manager, contact_id=contact.id, now=clock.now())
    assert record.rationale == WHY
    assert [e.action for e in record.events] == ["opened", "accept", "decide"]
    assert sharing.my_shares(uow, actor(uow, world, "dsl-oakfield"))[0].status is (
        ConcernStatus.DECIDED
    )
    with pytest.raises(Conflict, match="cannot reject a contact that is decided"):
        services.act(uow, manager, contact_id=contact.id, action=Action.REJECT, reason=WHY)


def test_the_sharer_may_withdraw_before_a_decision_and_nobody_else_may(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    with pytest.raises(NotFound):
        services.act(uow, actor(uow, world, "teacher-oakfield"), contact_id=contact.id,
                     action=Action.REVOKE, reason="Mum explained it all")  # fmt: skip
    revoked = services.act(uow, actor(uow, world, "dsl-oakfield"), contact_id=contact.id,
                           action=Action.REVOKE, reason="Mum explained the bruise")  # fmt: skip
    assert revoked.state is ContactState.REVOKED


def test_no_one_outside_the_mash_works_its_contacts(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    for outsider in ("social-worker", "dsl-oakfield", "consultation-advisor", "privacy-officer"):
        who = actor(uow, world, outsider)
        with pytest.raises(NotFound):
            services.act(uow, who, contact_id=contact.id, action=Action.ACCEPT)
        with pytest.raises(NotFound):
            queries.open_contact(uow, who, contact_id=contact.id, now=clock.now())


def test_the_queue_filters_mine_unassigned_due_today_and_overdue(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl, nurse = actor(uow, world, "dsl-oakfield"), actor(uow, world, "ed-nurse")
    children = world.children_at("school-1")
    urgent = contact_of(uow, raise_to_mash(uow, world, dsl, child_id=children[0],
                                           draft=shared()).id)  # fmt: skip
    routine = contact_of(uow, raise_to_mash(uow, world, nurse, child_id=children[1],
                                            draft=shared(level_of_need=2)).id)  # fmt: skip
    practitioner = actor(uow, world, "mash-practitioner")
    services.act(uow, practitioner, contact_id=urgent.id, action=Action.ACCEPT)

    def ids(view: QueueView, days: int = 0) -> list[object]:
        now = clock.now() + timedelta(days=days)
        return [line.id for line in queries.queue(uow, practitioner, view=view, now=now)]

    assert ids(QueueView.OPEN) == [urgent.id, routine.id]  # red before green
    assert ids(QueueView.MINE) == [urgent.id]
    assert ids(QueueView.UNASSIGNED) == [routine.id]
    assert ids(QueueView.OVERDUE) == []
    assert ids(QueueView.OVERDUE, days=10) == [urgent.id, routine.id]
    assert urgent.id in ids(QueueView.DUE_TODAY, days=3)
    with pytest.raises(NotFound):
        queries.queue(uow, actor(uow, world, "social-worker"), now=clock.now())


def test_a_new_rating_moves_the_due_time_and_needs_a_reason(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    practitioner = actor(uow, world, "mash-practitioner")
    with pytest.raises(Invalid):
        services.rate(uow, practitioner, contact_id=contact.id, urgency=Urgency.GREEN, reason="")

    rated = services.rate(uow, practitioner, contact_id=contact.id, urgency=Urgency.GREEN,
                          reason="Known to early help; mum engaging well")  # fmt: skip

    three_days = WorkingCalendar().add(contact.received_at, Timescale.parse("3d"))
    assert (rated.urgency, rated.due_at) == (Urgency.GREEN, three_days)


def test_a_contact_is_assigned_only_to_someone_at_the_mash(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    manager = actor(uow, world, "mash-manager")
    with pytest.raises(Invalid):
        services.assign(uow, manager, contact_id=contact.id,
                        user_id=world.id("persona:social-worker"))  # fmt: skip
    assigned = services.assign(uow, manager, contact_id=contact.id,
                               user_id=world.id("persona:mash-practitioner"))  # fmt: skip
    assert assigned.assigned_to_id == world.id("persona:mash-practitioner")


def test_a_refused_step_says_why_and_keeps_what_was_typed(
    client: TestClient, world: DemoWorld, contact: MashContact
) -> None:
    sign_in(client, world, "mash-manager")
    page = f"/mash/contacts/{contact.id}"
    token = form_token(client, page)
    client.post(f"{page}/action", data={"csrf_token": token, "action": "accept"})

    no_outcome = client.post(f"{page}/action", data={"csrf_token": token, "action": "decide",
                                                      "reason": WHY})  # fmt: skip
    no_reason = client.post(f"{page}/urgency", data={"csrf_token": token, "urgency": "green",
                                                      "urgency_reason": "why"})  # fmt: skip

    assert no_outcome.status_code == no_reason.status_code == 422
    assert "Choose the outcome" in no_outcome.text
    assert WHY in no_outcome.text
    assert "Say why the rating changes" in no_reason.text
    assert ">why</textarea>" in no_reason.text


def reaches(uow: UnitOfWork, who: Actor, child_id: uuid.UUID) -> bool:
    with uow:
        return policy.child_access(uow.session, who, child_id, now=clock.now()) is not None


def test_the_mash_reaches_the_childs_record_only_while_a_contact_about_them_is_open(
    uow: UnitOfWork, world: DemoWorld, contact: MashContact
) -> None:
    practitioner, manager = (
        actor(uow, world, "mash-practitioner"),
        actor(uow, world, "mash-manager"),
    )
    assert contact.child_id is not None
    dsl = actor(uow, world, "dsl-oakfield")
    second = contact_of(uow, raise_to_mash(uow, world, dsl, child_id=contact.child_id,
                                           draft=shared()).id)  # fmt: skip
    assert reaches(uow, practitioner, contact.child_id)  # open: screening needs the record

    services.act(uow, practitioner, contact_id=contact.id, action=Action.ACCEPT)
    services.act(uow, manager, contact_id=contact.id, action=Action.DECIDE, reason=WHY,
                 outcome=Outcome.EARLY_HELP)  # fmt: skip
    with pytest.raises(Invalid, match="Send the feedback"):
        services.act(uow, manager, contact_id=contact.id, action=Action.CLOSE)
    feedback.send(uow, manager, contact_id=contact.id, text="Early help will be in touch.")
    services.act(uow, manager, contact_id=contact.id, action=Action.CLOSE)
    assert reaches(uow, practitioner, contact.child_id)  # the second is still open

    services.act(uow, manager, contact_id=second.id, action=Action.REJECT, reason=WHY)
    assert not reaches(uow, practitioner, contact.child_id)
    # What was shared with the MASH stays readable there.
    kept = sharing.open_concern(uow, practitioner, concern_id=second.concern_id)
    assert kept.draft.narrative == shared().narrative
