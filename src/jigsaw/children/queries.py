"""Reads about the child index, always through ``access_child``."""

import uuid
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.policy import ChildAccess
from jigsaw.children.models import (
    Adult,
    Child,
    ChildFlag,
    ChildName,
    ChildRelationship,
    NameKind,
    RelationshipKind,
)
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork


def count_children(uow: UnitOfWork) -> int:
    """How many children the index holds (a figure, not personal data)."""
    return uow.session.scalar(select(func.count()).select_from(Child)) or 0


def access_child(uow: UnitOfWork, actor: Actor, child_id: uuid.UUID) -> tuple[Child, ChildAccess]:
    """Fetch a child the actor may reach, with the basis; missing and forbidden are one NotFound.

    Raises:
        NotFound: no such child, or no basis for this actor to reach them.
    """
    child = uow.session.get(Child, child_id)
    if child is None:
        raise NotFound("child")
    access = policy.child_access(uow.session, actor, child_id, now=clock.now())
    if access is None:
        raise NotFound("child")
    return child, access


@dataclass(frozen=True, slots=True)
class Relative:
    """Someone in a child's family or household, as the child's record lists them."""

    kind: RelationshipKind
    name: str
    year_of_birth: int | None
    child_id: uuid.UUID | None  # set for a brother or sister, whose own record may be opened


def flags_of(uow: UnitOfWork, child_id: uuid.UUID) -> list[ChildFlag]:
    """A child's status flags, current first, then most recent."""
    query = (
        select(ChildFlag)
        .where(ChildFlag.child_id == child_id)
        .order_by(ChildFlag.ended_on.is_not(None), ChildFlag.started_on.desc())
    )
    return list(uow.session.scalars(query))


def family_of(uow: UnitOfWork, child_id: uuid.UUID) -> list[Relative]:
    """Parents, carers and household members, then brothers and sisters (both directions)."""
    adults = uow.session.execute(
        select(ChildRelationship.kind, Adult.given_names, Adult.family_name, Adult.date_of_birth)
        .join(Adult, Adult.id == ChildRelationship.adult_id)
        .where(ChildRelationship.child_id == child_id)
    )
    relatives = [
        Relative(kind, f"{given} {family}", born.year if born else None, None)
        for kind, given, family, born in adults
    ]
    other = case((ChildRelationship.child_id == child_id, ChildRelationship.related_child_id),
                 else_=ChildRelationship.child_id)  # fmt: skip
    siblings = uow.session.execute(
        select(Child.id, Child.date_of_birth, ChildName.given_names, ChildName.family_name)
        .join(ChildRelationship, Child.id == other)
        .join(ChildName, (ChildName.child_id == Child.id) & (ChildName.kind == NameKind.LEGAL))
        .where(
            or_(
                ChildRelationship.child_id == child_id,
                ChildRelationship.related_child_id == child_id,
            )
        )
        .where(ChildRelationship.kind == RelationshipKind.SIBLING)
        .order_by(Child.date_of_birth)
    )
    return relatives + [
        Relative(
            RelationshipKind.SIBLING, f"{given} {family}", born.year if born else None, sibling
        )
        for sibling, born, given, family in siblings
    ]
