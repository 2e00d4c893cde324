"""What a roster link reads: the whole index, and which candidates are still usable after."""

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access.models import Restriction, RestrictionReason
from jigsaw.children import Child, index
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import queries
from jigsaw.linking.services import recording
from jigsaw.matching.batch import person_from_series
from tests.demo_world import DemoWorld, load_world
from tests.linking.helpers import pupils


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=80)


@pytest.mark.usefixtures("world")
def test_the_index_is_read_whole_and_as_the_index_holds_it(uow: UnitOfWork) -> None:
    """Ids and dates come back as text on both engines, and each record is the one indexed."""
    with uow:
        frame = queries.index_frame(uow)
        held = index.indexed_records(uow.session, select(Child.id))
    read = {row.record_id: person_from_series(row) for row in frame.itertuples(index=False)}
    assert len(read) == len(held) > 0
    assert {uuid.UUID(str(record_id)): record for record_id, record in read.items()} == held


def test_candidates_merged_away_or_restricted_since_the_read_are_not_usable(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    kept, merged, restricted, untouched = (world.id(c.key) for c in pupils(world)[:4])
    with uow:
        uow.session.get_one(Child, merged).merged_into_id = kept
        uow.session.add(Restriction(child_id=restricted, reason=RestrictionReason.OTHER,
                                    created_at=clock.now()))  # fmt: skip
        uow.commit()
    with uow:
        usable = recording.still_usable(uow.session, [kept, merged, restricted, untouched])
    assert usable == {kept, untouched}
