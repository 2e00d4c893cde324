"""Unborn child protection plans, held against the expectant parent until the birth (CP-IS).

Before birth there is no child record, so the plan names the expectant parent (an adult, who
may carry an NHS number) and the due date; the record pages of the parent's other children
show it. At the birth, the baby is added as a child (or found, if an agency added them
already) and the plan moves to the baby's record.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.models import InvolvementRole
from jigsaw.children import index
from jigsaw.children.models import (
    AbuseCategory,
    Adult,
    Child,
    ChildAddress,
    ChildFlag,
    ChildIdentifier,
    ChildName,
    ChildRelationship,
    FlagKind,
    IdentifierScheme,
    NameKind,
    RelationshipKind,
    Sex,
)
from jigsaw.children.queries import access_child
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import services as events
from jigsaw.matching.identifiers import nhs_number_is_valid, normalise_nhs_number


@dataclass(frozen=True, slots=True)
class NewBaby:
    """What is known of a newborn when social care adds them: the birth registration's facts."""

    given_names: str
    family_name: str
    date_of_birth: date
    sex: Sex
    nhs_number: str | None = None


def record_unborn_plan(
    uow: UnitOfWork,
    actor: Actor,
    *,
    expectant_parent_id: uuid.UUID,
    due_on: date,
    started_on: date,
    category: AbuseCategory | None,
) -> ChildFlag:
    """Record a child protection plan for an unborn child, held against the expectant parent.

    Raises:
        NotFound: no such adult, or the actor does not record plans (missing and forbidden
            look the same).
        Invalid: the plan starts in the future, or the baby is due before the plan starts.
    """
    errors = {}
    if started_on > clock.today():
        errors["started_on"] = "The plan's start date must be today or in the past"
    if due_on < started_on:
        errors["due_on"] = "The due date must be on or after the plan's start date"
    if errors:
        raise Invalid(errors)
    with uow:
        if not policy.may_record_child_protection_plan(actor) or actor.organisation_id is None:
            raise NotFound("adult")
        if uow.session.get(Adult, expectant_parent_id) is None:
            raise NotFound("adult")
        plan = ChildFlag(
            id=uuid.uuid4(), child_id=None, expectant_parent_id=expectant_parent_id,
            due_on=due_on, kind=FlagKind.UNBORN_CHILD_PROTECTION_PLAN, category=category,
            recorded_by_id=actor.organisation_id, started_on=started_on, ended_on=None,
        )  # fmt: skip
        uow.session.add(plan)
        uow.flush()
        audit.record(uow, actor, "child_flag:recorded", subject_type="child_flag",
                     subject_id=plan.id)  # fmt: skip
        uow.commit()
    return plan


def record_birth(
    uow: UnitOfWork,
    actor: Actor,
    *,
    plan_id: uuid.UUID,
    baby: NewBaby | None = None,
    child_id: uuid.UUID | None = None,
) -> Child:
    """Move an unborn child's plan to the baby: a new child record, or one already added.

    Given ``baby``, the child is added: legal name, date of birth, sex, NHS number, the
    parent's address, a parent relationship, brothers and sisters through that parent,
    and the actor's organisation as involved, so its social workers can open the record.
    Given ``child_id``, the plan moves to that child, whom the actor must be able to open.

    Raises:
        NotFound: no such open plan, the actor does not record plans, or (``child_id``) the
            actor cannot open that child.
        Invalid: neither or both of ``baby`` and ``child_id``, or a mistyped NHS number.
        Conflict: the plan has already moved to a child.
    """
    if (baby is None) == (child_id is None):
        raise Invalid({"child_id": "Say who the baby is: a new child, or one already recorded"})
    if baby is not None and not (baby.given_names.strip() and baby.family_name.strip()):
        raise Invalid({"given_names": "Enter the baby's given names and family name"})
    if baby is not None and baby.nhs_number and not nhs_number_is_valid(baby.nhs_number):
        raise Invalid({"nhs_number": "NHS number must be 10 digits with a valid check digit"})
    with uow:
        plan = uow.session.get(ChildFlag, plan_id)
        if plan is None or plan.kind is not FlagKind.UNBORN_CHILD_PROTECTION_PLAN:
            raise NotFound("plan")
        if not policy.may_record_child_protection_plan(actor):
            raise NotFound("plan")
        if plan.expectant_parent_id is None:
            raise Conflict("the plan has already moved to the child")
        if baby is not None:
            born = _add_baby(uow, actor, baby, parent_id=plan.expectant_parent_id)
        else:
            assert child_id is not None  # noqa: S101 - checked above, narrows the type
            born, _access = access_child(uow, actor, child_id)
        plan.child_id, plan.expectant_parent_id = born.id, None
        uow.flush()
        events.record(
            uow, child_id=born.id, organisation_id=plan.recorded_by_id, code="plan_started",
            occurred_at=clock.now(), text="Unborn child protection plan now held for the child",
            record_kind="child_flag", record_id=plan.id, open_to_all=True,
        )  # fmt: skip
        audit.record(uow, actor, "child_flag:moved", subject_type="child_flag",
                     subject_id=plan.id, child_id=born.id)  # fmt: skip
        uow.commit()
    return born


def _add_baby(uow: UnitOfWork, actor: Actor, baby: NewBaby, *, parent_id: uuid.UUID) -> Child:
    """Add the newborn with the parent's address and family, and index them (never commits)."""
    session, now = uow.session, clock.now()
    child = Child(id=uuid.uuid4(), date_of_birth=baby.date_of_birth, sex=baby.sex, created_at=now)
    session.add(child)
    session.flush()
    siblings = session.scalars(
        select(ChildRelationship.child_id).where(
            ChildRelationship.adult_id == parent_id,
            ChildRelationship.kind == RelationshipKind.PARENT,
        )
    ).all()
    session.add(ChildName(id=uuid.uuid4(), child_id=child.id, kind=NameKind.LEGAL,
                          given_names=baby.given_names.strip(),
                          family_name=baby.family_name.strip()))  # fmt: skip
    if baby.nhs_number:
        session.add(ChildIdentifier(id=uuid.uuid4(), child_id=child.id,
                                    scheme=IdentifierScheme.NHS_NUMBER,
                                    value=normalise_nhs_number(baby.nhs_number)))  # fmt: skip
    parent = session.get(Adult, parent_id)
    if parent is not None and parent.address_id is not None:
        session.add(ChildAddress(id=uuid.uuid4(), child_id=child.id, address_id=parent.address_id,
                                 valid_from=baby.date_of_birth))  # fmt: skip
    session.add(ChildRelationship(id=uuid.uuid4(), child_id=child.id,
                                  kind=RelationshipKind.PARENT, adult_id=parent_id))  # fmt: skip
    session.add_all(
        ChildRelationship(id=uuid.uuid4(), child_id=child.id, kind=RelationshipKind.SIBLING,
                          related_child_id=sibling)
        for sibling in siblings
    )  # fmt: skip
    if actor.organisation_id is not None:
        involvement = facts.add_involvement(
            session, child_id=child.id, organisation_id=actor.organisation_id,
            user_id=actor.id if actor.kind is ActorKind.USER else None,
            role=InvolvementRole.CHILDRENS_SOCIAL_CARE, today=clock.today(),
        )  # fmt: skip
        session.flush()
        audit.record(uow, actor, "involvement:recorded", subject_type="involvement",
                     subject_id=involvement.id, child_id=child.id)  # fmt: skip
    index.reindex(session, [child.id])
    audit.record(uow, actor, "child:recorded", subject_type="child", subject_id=child.id)
    return child


def plan_of(uow: UnitOfWork, *, plan_id: uuid.UUID, child_id: uuid.UUID) -> ChildFlag:
    """The plan just moved to this child (read back for the caller that moved it).

    Raises:
        NotFound: no such plan on this child.
    """
    plan = uow.session.get(ChildFlag, plan_id)
    if plan is None or plan.child_id != child_id:
        raise NotFound("plan")
    return plan
