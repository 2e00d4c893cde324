"""Every packaged scenario runs: loaded, its steps applied, each piece held where it should be,
and each participant reaching the child as their part says (the MASH only once shared)."""

import pytest
from sqlalchemy import select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import Role
from jigsaw.accounts import User
from jigsaw.accounts.services.sign_in import user_actor
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent
from jigsaw.training import picture, queries, services
from jigsaw.training.partnership import ScenarioIds
from jigsaw.training.reading import packaged_scenarios
from tests.training.helpers import load_space


def actor_of(uow: UnitOfWork, ids: ScenarioIds, participant: str) -> Actor:
    with uow:
        user = uow.session.get_one(User, ids.participant(participant))
        return user_actor(user)


@pytest.mark.parametrize("key", sorted(packaged_scenarios()))
def test_a_packaged_scenario_runs_from_start_to_end(uow: UnitOfWork, key: str) -> None:
    scenario = packaged_scenarios()[key]
    load_space(uow, secret_key="test secret key", key=key)
    ids = ScenarioIds(key)
    facilitator = actor_of(uow, ids, "facilitator")
    for number, step in enumerate(scenario.timeline):
        assert services.advance_scenario(uow, facilitator, from_step=number) == number + 1
        with uow:
            held = {
                (row.organisation_id, row.category)
                for row in uow.session.scalars(select(ChildEvent))
            }
        for item in step.items:
            if item.event:
                assert (ids.agency(item.agency), item.event.category) in held, (number, item)
    with pytest.raises(Conflict):
        services.advance_scenario(uow, facilitator, from_step=len(scenario.timeline))
    view = picture.overview(uow, facilitator)
    assert view.progress.finished
    assert sum(len(a.held) for a in view.agencies) == sum(
        1 for s in [scenario.history, *(t.items for t in scenario.timeline)] for i in s if i.event
    )
    for participant, seat in scenario.participants.items():
        actor = actor_of(uow, ids, participant)
        with uow:
            reach = {
                child: policy.child_access(uow.session, actor, ids.child(child), now=clock.now())
                for child in scenario.children
            }
        mash = Role.MASH_PRACTITIONER in seat.roles or Role.MASH_MANAGER in seat.roles
        # Agencies working with the child reach it; the MASH only once someone shares.
        assert all(r is None for r in reach.values()) if mash else any(reach.values()), participant


def test_only_the_facilitator_runs_the_scenario(uow: UnitOfWork) -> None:
    load_space(uow, secret_key="test secret key")
    ids = ScenarioIds("weekend-call-out")
    school = actor_of(uow, ids, "school-dsl")
    with pytest.raises(NotFound):
        services.advance_scenario(uow, school, from_step=0)
    with pytest.raises(NotFound):
        picture.overview(uow, school)
    with pytest.raises(NotFound):
        services.show_whole_picture(uow, school)


def test_a_database_is_marked_once_and_a_scenario_needs_the_mark(uow: UnitOfWork) -> None:
    scenario = packaged_scenarios()["weekend-call-out"]
    system = Actor.system("test:training")
    with pytest.raises(NotFound):
        services.start_scenario(uow, system, key="weekend-call-out", scenario=scenario)
    assert queries.get_training_mark(uow) is None
    services.mark_training_space(uow, system, name="once")
    mark = queries.get_training_mark(uow)
    assert mark is not None
    assert mark.name == "once"
    with pytest.raises(Conflict):
        services.mark_training_space(uow, system, name="twice")
    with pytest.raises(ValueError, match="lower-case"):
        services.mark_training_space(uow, system, name="Not A Name")
