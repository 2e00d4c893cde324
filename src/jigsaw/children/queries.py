"""Reads about the child index, always through ``access_child``.

Each helper here is one query whatever the size of the record, so that opening a child's
record costs a fixed number of queries.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.models import Involvement, InvolvementRole
from jigsaw.access.policy import ChildAccess
from jigsaw.accounts import Organisation, User
from jigsaw.children.models import (
    AbuseCategory,
    Address,
    Adult,
    Child,
    ChildAddress,
    ChildFlag,
    ChildIdentifier,
    ChildMatchRecord,
    ChildName,
    ChildRelationship,
    FlagKind,
    IdentifierScheme,
    NameKind,
    RelationshipKind,
)
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching.identifiers import format_nhs_number

# How far a chain of merges is followed (a merged record merged again): far more than happens.
MERGE_CHAIN_LIMIT = 20


class MergedRecord(Exception):
    """The record asked for was merged into another one, which the actor may open.

    Entry points answer with a redirect to ``kept_id``; the ids are not personal data.
    """

    def __init__(self, kept_id: uuid.UUID) -> None:
        super().__init__("merged into another record")
        self.kept_id = kept_id


def count_children(uow: UnitOfWork) -> int:
    """How many child records the index holds (a figure, not personal data).

    Records merged into another are not counted; duplicates not yet found are.
    """
    query = select(func.count()).select_from(Child).where(Child.merged_into_id.is_(None))
    return uow.session.scalar(query) or 0


def access_child(uow: UnitOfWork, actor: Actor, child_id: uuid.UUID) -> tuple[Child, ChildAccess]:
    """Fetch a child the actor may reach, with the basis; missing and forbidden are one NotFound.

    Raises:
        NotFound: no such child, or no basis for this actor to reach them.
        MergedRecord: the child was merged into a record the actor may reach.
    """
    child = uow.session.get(Child, child_id)
    if child is None:
        raise NotFound("child")
    if child.merged_into_id is not None:
        kept_id = kept_record_of(uow, child)
        if policy.child_access(uow.session, actor, kept_id, now=clock.now()) is None:
            raise NotFound("child")
        raise MergedRecord(kept_id)
    access = policy.child_access(uow.session, actor, child_id, now=clock.now())
    if access is None:
        raise NotFound("child")
    return child, access


def kept_record_of(uow: UnitOfWork, child: Child) -> uuid.UUID:
    """The record a merged-away child now lives in, following merges of merges.

    Raises:
        NotFound: the chain does not end (never expected; refused rather than looping).
    """
    current = child
    for _step in range(MERGE_CHAIN_LIMIT):
        if current.merged_into_id is None:
            return current.id
        found = uow.session.get(Child, current.merged_into_id)
        if found is None:
            break
        current = found
    raise NotFound("child")


@dataclass(frozen=True, slots=True)
class Relative:
    """Someone in a child's family or household, as the child's record lists them."""

    kind: RelationshipKind
    name: str
    year_of_birth: int | None
    child_id: uuid.UUID | None  # set for a brother or sister, whose own record may be opened


@dataclass(frozen=True, slots=True)
class IdentifierLine:
    """An identifier as a reader sees it: NHS numbers spaced 3-3-4, with who issued it."""

    scheme: IdentifierScheme
    value: str
    shown: str
    issuer_id: uuid.UUID | None
    issuer: str | None


@dataclass(frozen=True, slots=True)
class InvolvementLine:
    """Who works with the child: the organisation, the practitioner where named, the role."""

    id: uuid.UUID
    role: InvolvementRole
    organisation_id: uuid.UUID
    organisation: str
    practitioner: str | None
    started_on: date
    ended_on: date | None
    declared: bool


@dataclass(frozen=True, slots=True)
class UnbornSiblingPlan:
    """A child protection plan for an unborn brother or sister, held against a parent (CP-IS)."""

    flag_id: uuid.UUID
    parent_name: str
    category: AbuseCategory | None
    started_on: date
    due_on: date | None
    recorded_by: str


_NAME_ORDER = {NameKind.LEGAL: 0, NameKind.PREFERRED: 1, NameKind.PREVIOUS: 2, NameKind.ALIAS: 3}


def names_in_order(names: list[ChildName]) -> list[ChildName]:
    """Legal name first, then preferred, previous names and aliases, oldest first in each."""
    return sorted(names, key=lambda n: (_NAME_ORDER[n.kind], n.valid_from or date.min))


def identifiers_of(uow: UnitOfWork, child: Child) -> list[IdentifierLine]:
    """The child's identifiers with each issuing organisation's name (one query at most)."""
    issuers = organisation_names(uow, {i.issuer_id for i in child.identifiers if i.issuer_id})
    order = {IdentifierScheme.NHS_NUMBER: 0, IdentifierScheme.UPN: 1, IdentifierScheme.LOCAL: 2}
    return [
        IdentifierLine(
            scheme=identifier.scheme,
            value=identifier.value,
            shown=_shown(identifier),
            issuer_id=identifier.issuer_id,
            issuer=issuers.get(identifier.issuer_id) if identifier.issuer_id else None,
        )
        for identifier in sorted(child.identifiers, key=lambda i: (order[i.scheme], i.value))
    ]


def _shown(identifier: ChildIdentifier) -> str:
    if identifier.scheme is IdentifierScheme.NHS_NUMBER:
        return format_nhs_number(identifier.value)
    return identifier.value


def addresses_of(uow: UnitOfWork, child_id: uuid.UUID) -> list[tuple[ChildAddress, Address]]:
    """Where the child lived, current first, then most recent (one query)."""
    rows = uow.session.execute(
        select(ChildAddress, Address)
        .join(Address, Address.id == ChildAddress.address_id)
        .where(ChildAddress.child_id == child_id)
        .order_by(ChildAddress.valid_to.is_not(None), ChildAddress.valid_from.desc())
    )
    return [(row[0], row[1]) for row in rows]


def organisation_names(uow: UnitOfWork, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Organisations' names by id (no query when there are none)."""
    if not ids:
        return {}
    rows = uow.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


def involvements_of(uow: UnitOfWork, child_id: uuid.UUID) -> list[InvolvementLine]:
    """Every involvement with a child, with organisation and practitioner, current first."""
    rows = uow.session.execute(
        select(Involvement, Organisation.name, User.display_name, User.job_title)
        .join(Organisation, Organisation.id == Involvement.organisation_id)
        .outerjoin(User, User.id == Involvement.user_id)
        .where(Involvement.child_id == child_id)
        .order_by(Involvement.ended_on.is_not(None), Involvement.started_on.desc())
    )
    return [
        InvolvementLine(
            id=involvement.id,
            role=involvement.role,
            organisation_id=involvement.organisation_id,
            organisation=organisation,
            practitioner=f"{name} ({title})" if name else None,
            started_on=involvement.started_on,
            ended_on=involvement.ended_on,
            declared=involvement.declared_reason is not None,
        )
        for involvement, organisation, name, title in rows
    ]


def flags_of(uow: UnitOfWork, child_id: uuid.UUID) -> list[ChildFlag]:
    """A child's status flags, current first, then most recent."""
    query = (
        select(ChildFlag)
        .where(ChildFlag.child_id == child_id)
        .order_by(ChildFlag.ended_on.is_not(None), ChildFlag.started_on.desc())
    )
    return list(uow.session.scalars(query))


def unborn_sibling_plans(uow: UnitOfWork, child_id: uuid.UUID) -> list[UnbornSiblingPlan]:
    """Current plans for unborn children of this child's parents (one query)."""
    parents = select(ChildRelationship.adult_id).where(
        ChildRelationship.child_id == child_id,
        ChildRelationship.kind == RelationshipKind.PARENT,
        ChildRelationship.adult_id.is_not(None),
    )
    rows = uow.session.execute(
        select(ChildFlag, Adult.given_names, Adult.family_name, Organisation.name)
        .join(Adult, Adult.id == ChildFlag.expectant_parent_id)
        .join(Organisation, Organisation.id == ChildFlag.recorded_by_id)
        .where(ChildFlag.expectant_parent_id.in_(parents))
        .where(ChildFlag.kind == FlagKind.UNBORN_CHILD_PROTECTION_PLAN)
        .where(ChildFlag.ended_on.is_(None))
        .order_by(ChildFlag.due_on)
    )
    return [
        UnbornSiblingPlan(
            flag_id=flag.id,
            parent_name=f"{given} {family}",
            category=flag.category,
            started_on=flag.started_on,
            due_on=flag.due_on,
            recorded_by=organisation,
        )
        for flag, given, family, organisation in rows
    ]


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


@dataclass(frozen=True, slots=True)
class Identity:
    """A child's name and date of birth as the index holds them, for lists of their records."""

    name: str
    born_on: date | None


def identities_of(uow: UnitOfWork, child_ids: set[uuid.UUID]) -> dict[uuid.UUID, Identity]:
    """Each child's name and date of birth (one query); the caller has checked access."""
    if not child_ids:
        return {}
    rows = uow.session.execute(
        select(ChildMatchRecord.child_id, ChildMatchRecord.given_names,
               ChildMatchRecord.family_name, ChildMatchRecord.date_of_birth)
        .where(ChildMatchRecord.child_id.in_(child_ids))
    )  # fmt: skip
    return {row[0]: Identity(f"{row[1]} {row[2]}".strip(), row[3]) for row in rows}
