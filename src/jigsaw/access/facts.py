"""Keeping the facts up to date: helpers capabilities call inside their own transaction.

None of these commit; the calling service does, with its audit row.
"""

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jigsaw.access.actor import Actor
from jigsaw.access.models import BreakGlassGrant, Involvement, InvolvementRole, MashCase


def add_break_glass_grant(
    session: Session,
    actor: Actor,
    *,
    child_id: uuid.UUID,
    reason: str,
    now: datetime,
    lasts: timedelta,
) -> BreakGlassGrant:
    """Record emergency access to one child for ``lasts``, to be reviewed afterwards."""
    if actor.id is None or actor.organisation_id is None:
        raise ValueError("break-glass is for signed-in users only")
    grant = BreakGlassGrant(
        id=uuid.uuid4(),
        user_id=actor.id,
        organisation_id=actor.organisation_id,
        child_id=child_id,
        reason=reason,
        granted_at=now,
        expires_at=now + lasts,
    )
    session.add(grant)
    return grant


def add_declared_involvement(
    session: Session,
    actor: Actor,
    *,
    child_id: uuid.UUID,
    role: InvolvementRole,
    reason: str,
    today: date,
) -> Involvement:
    """Record that the actor now works with a child, in their own words, from today."""
    if actor.id is None or actor.organisation_id is None:
        raise ValueError("only signed-in users declare an involvement")
    involvement = Involvement(
        id=uuid.uuid4(),
        child_id=child_id,
        organisation_id=actor.organisation_id,
        user_id=actor.id,
        role=role,
        started_on=today,
        declared_reason=reason,
    )
    session.add(involvement)
    return involvement


def involved_organisations(
    session: Session, child_ids: list[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The organisations currently involved with each child (one query)."""
    rows = session.execute(
        select(Involvement.child_id, Involvement.organisation_id).where(
            Involvement.child_id.in_(child_ids), Involvement.ended_on.is_(None)
        )
    )
    found: dict[uuid.UUID, set[uuid.UUID]] = {child_id: set() for child_id in child_ids}
    for child_id, organisation_id in rows:
        found[child_id].add(organisation_id)
    return found


def add_involvement(
    session: Session,
    *,
    child_id: uuid.UUID,
    organisation_id: uuid.UUID,
    user_id: uuid.UUID | None,
    role: InvolvementRole,
    today: date,
) -> Involvement:
    """Record that an organisation (and a practitioner, where named) works with a child."""
    involvement = Involvement(
        id=uuid.uuid4(),
        child_id=child_id,
        organisation_id=organisation_id,
        user_id=user_id,
        role=role,
        started_on=today,
    )
    session.add(involvement)
    return involvement


# The facts that follow a child's record when a duplicate is merged into it: the agencies
# working with the child and open MASH cases. Break-glass grants stay where they were: each
# was given, and is reviewed, for the record as it was opened in the emergency.
_FOLLOW_THE_CHILD: dict[str, type[Involvement] | type[MashCase]] = {
    "involvements": Involvement,
    "mash_cases": MashCase,
}


def facts_about(session: Session, child_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
    """The involvements and MASH cases recorded against a child, as (table, id) pairs."""
    return [
        (table, row_id)
        for table, model in _FOLLOW_THE_CHILD.items()
        for row_id in session.scalars(select(model.id).where(model.child_id == child_id))
    ]


def move_facts(
    session: Session, facts: list[tuple[str, uuid.UUID]], *, to_child_id: uuid.UUID
) -> None:
    """Point these involvements and MASH cases at another child (merging and unmerging)."""
    for table, model in _FOLLOW_THE_CHILD.items():
        ids = [row_id for name, row_id in facts if name == table]
        if ids:
            session.execute(update(model).where(model.id.in_(ids)).values(child_id=to_child_id))


def facts_pointing_at(
    session: Session, facts: list[tuple[str, uuid.UUID]], child_id: uuid.UUID
) -> int:
    """How many of these involvements and MASH cases point at the child (checks an unmerge)."""
    found = 0
    for table, model in _FOLLOW_THE_CHILD.items():
        ids = [row_id for name, row_id in facts if name == table]
        if ids:
            found += len(
                session.scalars(
                    select(model.id).where(model.id.in_(ids), model.child_id == child_id)
                ).all()
            )
    return found


def open_mash_case(
    session: Session, *, child_id: uuid.UUID, organisation_id: uuid.UUID, now: datetime
) -> MashCase:
    """The MASH's open contact about a child: the one already open, or a new one from now.

    A concern shared with the MASH is a contact; while it is open, the MASH's staff may
    reach the child's record to screen it.
    """
    query = select(MashCase).where(
        MashCase.child_id == child_id,
        MashCase.organisation_id == organisation_id,
        MashCase.closed_at.is_(None),
    )
    case = session.scalars(query.limit(1)).first()
    if case is None:
        case = MashCase(
            id=uuid.uuid4(), child_id=child_id, organisation_id=organisation_id, opened_at=now
        )
        session.add(case)
    return case


def close_mash_case(
    session: Session, *, child_id: uuid.UUID, organisation_id: uuid.UUID, now: datetime
) -> None:
    """The MASH has finished with the child: its staff's way into the record closes.

    Called when the last open contact about the child at that MASH ends (closed, rejected or
    withdrawn). What was shared with the MASH stays readable there as shared information.
    """
    for case in session.scalars(
        select(MashCase).where(
            MashCase.child_id == child_id,
            MashCase.organisation_id == organisation_id,
            MashCase.closed_at.is_(None),
        )
    ):
        case.closed_at = now
