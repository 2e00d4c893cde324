"""The queue's lines: each contact named with its child, the agency that sent it and its worker."""

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.accounts import Organisation, User
from jigsaw.children.queries import identities_of
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash import queries, services
from jigsaw.mash.models import MashContact
from jigsaw.mash.rules import Action
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.sharing.helpers import raise_to_mash, shared


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def test_each_line_names_the_child_the_sharer_and_who_works_it(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl, nurse = actor(uow, world, "dsl-oakfield"), actor(uow, world, "ed-nurse")
    children = world.children_at("school-1")
    worked = raise_to_mash(uow, world, dsl, child_id=children[0], draft=shared())
    waiting = raise_to_mash(uow, world, nurse, child_id=children[1],
                            draft=shared(level_of_need=2))  # fmt: skip
    practitioner = actor(uow, world, "mash-practitioner")
    with uow:
        contact_id = uow.session.scalars(
            select(MashContact.id).where(MashContact.concern_id == worked.id)
        ).one()
    services.act(uow, practitioner, contact_id=contact_id, action=Action.ACCEPT)

    lines = {line.reference: line for line in queries.queue(uow, practitioner, now=clock.now())}

    with uow:
        names = dict(uow.session.execute(select(Organisation.id, Organisation.name)).all())
        worker = uow.session.get_one(User, practitioner.id).display_name
        known = identities_of(uow, {children[0], children[1]})
    mine, theirs = lines[worked.reference], lines[waiting.reference]
    assert nurse.organisation_id is not None
    assert (mine.who, mine.born_on) == (known[children[0]].name, known[children[0]].born_on)
    assert mine.source == names[world.id("org:school-1")]
    assert mine.assigned_to == worker
    assert theirs.who == known[children[1]].name
    assert theirs.source == names[nurse.organisation_id]
    assert theirs.assigned_to is None
