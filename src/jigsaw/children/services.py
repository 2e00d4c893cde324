"""Opening a child's record (an audited read) and emergency break-glass access."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from jigsaw import accounts, audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor
from jigsaw.access.models import BreakGlassGrant, Involvement, InvolvementRole
from jigsaw.access.policy import ChildAccess
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.accounts.queries import AccessLine
from jigsaw.audit import queries as audit_queries
from jigsaw.children.models import Address, Child, ChildAddress, ChildFlag, ChildName
from jigsaw.children.queries import (
    IdentifierLine,
    InvolvementLine,
    Relative,
    UnbornSiblingPlan,
    access_child,
    addresses_of,
    family_of,
    flags_of,
    identifiers_of,
    involvements_of,
    names_in_order,
    unborn_sibling_plans,
)
from jigsaw.core import clock
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import services as events

REASON_MIN_LENGTH = 20
ACCESS_PANEL_LIMIT = 20


@dataclass(frozen=True, slots=True)
class ChildRecord:
    """What a child's page shows, and on what basis the reader reached it."""

    child: Child
    access: ChildAccess
    names: list[ChildName]
    identifiers: list[IdentifierLine]
    addresses: list[tuple[ChildAddress, Address]]
    involvements: list[InvolvementLine]
    flags: list[ChildFlag]
    unborn_sibling_plans: list[UnbornSiblingPlan]
    family: list[Relative]


def open_child_record(uow: UnitOfWork, actor: Actor, *, child_id: uuid.UUID) -> ChildRecord:
    """Read a child's record, auditing the read with its basis in the same transaction.

    A fixed number of queries, however many names, addresses or involvements the child has.

    Raises:
        NotFound: no such child, or the actor has no basis to reach them.
        MergedRecord: the child was merged into another record the actor may open.
    """
    with uow:
        child, access = access_child(uow, actor, child_id)
        uow.session.refresh(child, ["names", "identifiers"])
        record = ChildRecord(
            child=child,
            access=access,
            names=names_in_order(child.names),
            identifiers=identifiers_of(uow, child),
            addresses=addresses_of(uow, child.id),
            involvements=involvements_of(uow, child.id),
            flags=flags_of(uow, child.id),
            unborn_sibling_plans=unborn_sibling_plans(uow, child.id),
            family=family_of(uow, child.id),
        )
        audit.record(uow, actor, "child:viewed", subject_type="child", subject_id=child.id,
                     basis=access.basis, basis_id=access.basis_id)  # fmt: skip
        uow.commit()
    return record


def break_glass(
    uow: UnitOfWork, actor: Actor, *, child_id: uuid.UUID, reason: str, lasts: timedelta
) -> BreakGlassGrant:
    """Open one child's record in an emergency, for a limited time, with a reason.

    The grant is audited and queued for the user's privacy officer to review.

    Raises:
        NotFound: no such child, a restricted child, or the actor may not break glass.
        Invalid: the reason is too short to review.
    """
    cleaned = " ".join(reason.split())
    if len(cleaned) < REASON_MIN_LENGTH:
        raise Invalid({"reason": "Explain why you need this record now, in a sentence or two"})
    with uow:
        if uow.session.get(Child, child_id) is None:
            raise NotFound("child")
        if not policy.may_break_glass(uow.session, actor, child_id):
            raise NotFound("child")
        grant = facts.add_break_glass_grant(
            uow.session, actor, child_id=child_id, reason=cleaned, now=clock.now(), lasts=lasts
        )
        uow.flush()
        audit.record(uow, actor, "child:break_glass", subject_type="break_glass_grant",
                     subject_id=grant.id, child_id=child_id,
                     basis=AccessBasis.BREAK_GLASS, basis_id=grant.id)  # fmt: skip
        uow.commit()
    return grant


def recent_accesses(
    uow: UnitOfWork, actor: Actor, *, record: ChildRecord
) -> list[AccessLine] | None:
    """Who has accessed this record lately, for readers allowed to see it (else None)."""
    if not policy.may_see_who_accessed(actor, record.access):
        return None
    with uow:
        entries = audit_queries.list_accesses_to_child(
            uow, record.child.id, limit=ACCESS_PANEL_LIMIT
        )
        return accounts.describe_accesses(uow, entries)


# What a practitioner may say their work with a child is (organisation-wide roles are
# recorded by agency systems and admins, not declared by one person).
DECLARABLE_ROLES = (
    InvolvementRole.CLASS_TEACHER,
    InvolvementRole.SCHOOL_NURSE,
    InvolvementRole.HEALTH_VISITOR,
    InvolvementRole.EARLY_HELP_WORKER,
    InvolvementRole.POLICE_OFFICER_IN_CASE,
    InvolvementRole.ALLOCATED_SOCIAL_WORKER,
    InvolvementRole.OTHER,
)


def declare_involvement(
    uow: UnitOfWork, actor: Actor, *, child_id: uuid.UUID, role: str, reason: str
) -> Involvement:
    """Record that the actor now works with a child, with why, so they may open the record.

    Unlike break-glass this lasts, so it is a relationship; it is audited with its reason's
    involvement and shows in the child's access report.

    Raises:
        NotFound: no such child, a restricted child, or the actor may not declare one.
        Invalid: no role chosen, or the reason is too short to stand behind.
    """
    errors = {}
    if role not in {r.value for r in DECLARABLE_ROLES}:
        errors["role"] = "Select how you work with the child"
    cleaned = " ".join(reason.split())
    if len(cleaned) < REASON_MIN_LENGTH:
        errors["reason"] = "Say how you work with this child, in a sentence or two"
    if errors:
        raise Invalid(errors)
    with uow:
        if uow.session.get(Child, child_id) is None:
            raise NotFound("child")
        if not policy.may_declare_involvement(uow.session, actor, child_id):
            raise NotFound("child")
        involvement = facts.add_declared_involvement(
            uow.session, actor, child_id=child_id, role=InvolvementRole(role),
            reason=cleaned, today=clock.today(),
        )  # fmt: skip
        uow.flush()
        events.record(
            uow, child_id=child_id, organisation_id=involvement.organisation_id,
            code="involvement_started", occurred_at=clock.now(),
            text=f"{events.organisation_names(uow, [involvement.organisation_id])} started "
            f"working with the child ({involvement.role.value.replace('_', ' ')})",
            record_kind="involvement", record_id=involvement.id, open_to_all=True,
        )  # fmt: skip
        audit.record(uow, actor, "involvement:declared", subject_type="involvement",
                     subject_id=involvement.id, child_id=child_id,
                     basis=AccessBasis.RELATIONSHIP, basis_id=involvement.id)  # fmt: skip
        uow.commit()
    return involvement
