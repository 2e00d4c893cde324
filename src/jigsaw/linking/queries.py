"""Reads for linking: the index as one table, and runs and reviews scoped to the organisation."""

import contextlib
import uuid
from collections.abc import Iterator, Sequence

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import String, cast, func, or_, select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation
from jigsaw.children.models import ChildMatchRecord
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking.models import LinkReview, LinkReviewStatus, LinkRun
from jigsaw.matching.batch import INDEX_COLUMNS

RUNS_SHOWN = 20
# Index rows read per fetch: each slice becomes Arrow text before the next is read.
_READ_ROWS = 50_000
# The index's columns whose names in the table differ from the batch interface's.
_STORED = {"record_id": "child_id"}
# Ids per IN (...) list: below SQLite's and PostgreSQL's parameter limits with room to spare.
CHUNK = 5_000


def chunks(ids: Sequence[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    """The ids in lists short enough for one IN (...) each."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def index_frame(uow: UnitOfWork) -> pd.DataFrame:
    """Every child in the match index as one table for batch linking: one query, no ORM objects.

    Every column is text held in Arrow (the id as the database spells it, the date of birth
    as ISO text), read through the driver a slice at a time: at a million children, turning
    each value into a UUID, a date or a Python string kept alive costs several times the
    read itself, and batch linking only needs the text.

    Holds personal data: keep it in memory for the run only, and never log it.
    """
    table = ChildMatchRecord.__table__
    query = select(*(cast(table.c[_STORED.get(name, name)], String) for name in INDEX_COLUMNS))
    connection = uow.session.connection()
    # The driver's own cursor, in the session's transaction: no result row objects.
    cursor = connection.connection.cursor()
    cursor.execute(str(query.compile(dialect=connection.dialect)))
    row_type = pa.struct([(name, pa.string()) for name in INDEX_COLUMNS])
    slices: list[pa.StructArray] = []
    while rows := cursor.fetchmany(_READ_ROWS):
        slices.append(pa.array(rows, type=row_type))
    cursor.close()
    read = pa.Table.from_struct_array(pa.chunked_array(slices, type=row_type))
    frame: pd.DataFrame = read.to_pandas(types_mapper=pd.ArrowDtype)
    return frame


def get_organisation(uow: UnitOfWork, reference: str) -> Organisation:
    """An organisation by its id, its national identifier (URN, ODS code) or its exact name.

    Raises:
        NotFound: no organisation, or more than one, answers to the reference.
    """
    reference = reference.strip()
    conditions = [
        func.lower(Organisation.name) == reference.lower(),
        Organisation.identifier == reference,
    ]
    with contextlib.suppress(ValueError):
        conditions.append(Organisation.id == uuid.UUID(reference))
    found = uow.session.scalars(select(Organisation).where(or_(*conditions)).limit(2)).all()
    if len(found) != 1:
        raise NotFound("organisation")
    return found[0]


def access_organisation_roster(
    uow: UnitOfWork, actor: Actor, organisation_id: uuid.UUID
) -> Organisation:
    """The organisation whose roster the actor links; missing and not theirs are one NotFound.

    Raises:
        NotFound: no such organisation, or the actor may not link its roster.
    """
    organisation = uow.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("organisation")
    if not policy.may_link_roster(actor, organisation.id):
        raise NotFound("organisation")
    return organisation


def access_link_run(uow: UnitOfWork, actor: Actor, run_id: uuid.UUID) -> LinkRun:
    """A link run of the actor's organisation.

    Raises:
        NotFound: no such run, or another organisation's.
    """
    run = uow.session.get(LinkRun, run_id)
    if run is None:
        raise NotFound("link run")
    if not policy.may_link_roster(actor, run.organisation_id):
        raise NotFound("link run")
    return run


def list_link_runs(uow: UnitOfWork, actor: Actor) -> list[LinkRun]:
    """The latest runs of the actor's organisation, newest first."""
    if actor.organisation_id is None or not policy.may_link_roster(actor, actor.organisation_id):
        return []
    query = (
        select(LinkRun)
        .where(LinkRun.organisation_id == actor.organisation_id)
        .order_by(LinkRun.started_at.desc())
        .limit(RUNS_SHOWN)
    )
    return list(uow.session.scalars(query))


def access_link_review(uow: UnitOfWork, actor: Actor, review_id: uuid.UUID) -> LinkReview:
    """A possible match queued for the actor's organisation.

    Raises:
        NotFound: no such review, or another organisation's.
    """
    review = uow.session.get(LinkReview, review_id)
    if review is None:
        raise NotFound("link review")
    if not policy.may_review_matches(actor, review.organisation_id):
        raise NotFound("link review")
    return review


def list_open_reviews(uow: UnitOfWork, actor: Actor) -> list[LinkReview]:
    """The possible matches waiting for the actor's organisation, oldest run first."""
    if actor.organisation_id is None or not policy.may_review_matches(actor, actor.organisation_id):
        return []
    query = (
        select(LinkReview)
        .join(LinkRun, LinkRun.id == LinkReview.run_id)
        .where(
            LinkReview.organisation_id == actor.organisation_id,
            LinkReview.status == LinkReviewStatus.OPEN,
        )
        .order_by(LinkRun.started_at, LinkReview.row_number)
    )
    return list(uow.session.scalars(query))


def count_open_reviews(uow: UnitOfWork, actor: Actor) -> int:
    """How many possible matches wait for the actor's organisation (0 if they settle none)."""
    if actor.organisation_id is None or not policy.may_review_matches(actor, actor.organisation_id):
        return 0
    query = select(func.count()).where(
        LinkReview.organisation_id == actor.organisation_id,
        LinkReview.status == LinkReviewStatus.OPEN,
    )
    return uow.session.scalar(query) or 0
