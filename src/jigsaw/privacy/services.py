"""Oversight by privacy officers: reviewing break-glass use, reading access reports.

Privacy officers see who accessed what, never the case content; their own reading of
access reports is audited too.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from jigsaw import accounts, audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.models import BreakGlassGrant
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.accounts import AccessLine, User
from jigsaw.audit import queries as audit_queries
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, NotFound
from jigsaw.core.uow import UnitOfWork

QUEUE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class BreakGlassItem:
    """A break-glass grant with the name of who used it."""

    grant: BreakGlassGrant
    user_name: str


def list_break_glass(uow: UnitOfWork, actor: Actor) -> list[BreakGlassItem]:
    """Break-glass use by the actor's organisation: waiting for review first, then recent.

    Raises:
        PermissionDenied: the actor does not review break-glass use.
    """
    policy.require(actor, Permission.BREAK_GLASS_REVIEW)
    with uow:
        query = (
            select(BreakGlassGrant, User.display_name)
            .join(User, User.id == BreakGlassGrant.user_id)
            .where(policy.reviewable_break_glass(actor))
            .order_by(BreakGlassGrant.reviewed_at.is_not(None), BreakGlassGrant.granted_at.desc())
            .limit(QUEUE_LIMIT)
        )
        return [BreakGlassItem(grant, name) for grant, name in uow.session.execute(query).all()]


def count_break_glass_waiting(uow: UnitOfWork, actor: Actor) -> int:
    """How many break-glass uses wait for the actor's review (0 for everyone else)."""
    if not policy.can(actor, Permission.BREAK_GLASS_REVIEW):
        return 0
    with uow:
        query = (
            select(func.count())
            .select_from(BreakGlassGrant)
            .where(policy.reviewable_break_glass(actor), BreakGlassGrant.reviewed_at.is_(None))
        )
        return uow.session.scalar(query) or 0


def review_break_glass(
    uow: UnitOfWork, actor: Actor, *, grant_id: uuid.UUID, note: str
) -> BreakGlassGrant:
    """Mark a break-glass use as reviewed, with the reviewer's note.

    Raises:
        NotFound: no such grant, or not one the actor reviews.
        Conflict: it was already reviewed.
    """
    with uow:
        grant = uow.session.get(BreakGlassGrant, grant_id)
        if grant is None or not policy.may_review_break_glass(actor, grant.organisation_id):
            raise NotFound("break-glass grant")
        if grant.reviewed_at is not None:
            raise Conflict("already reviewed")
        grant.reviewed_at, grant.reviewed_by = clock.now(), actor.id
        grant.review_note = " ".join(note.split())[:2000] or None
        audit.record(uow, actor, "break_glass:reviewed", subject_type="break_glass_grant",
                     subject_id=grant.id, child_id=grant.child_id,
                     basis=AccessBasis.OVERSIGHT)  # fmt: skip
        uow.commit()
    return grant


def child_access_report(uow: UnitOfWork, actor: Actor, *, child_id: uuid.UUID) -> list[AccessLine]:
    """Everyone who accessed a child's information: when, who, on what basis.

    Raises:
        PermissionDenied: the actor is not a privacy officer.
    """
    policy.require(actor, Permission.AUDIT_READ_USER_ACTIONS)
    with uow:
        entries = audit_queries.list_accesses_to_child(uow, child_id)
        audit.record(uow, actor, "audit:child_accesses_read", subject_type="child",
                     subject_id=child_id, basis=AccessBasis.OVERSIGHT)  # fmt: skip
        lines = accounts.describe_accesses(uow, entries)
        uow.commit()
    return lines


def user_action_report(
    uow: UnitOfWork, actor: Actor, *, user_id: uuid.UUID
) -> tuple[User, list[AccessLine]]:
    """What one person in the actor's organisation did, newest first.

    Raises:
        NotFound: no such user in the actor's organisation.
        PermissionDenied: the actor is not a privacy officer.
    """
    policy.require(actor, Permission.AUDIT_READ_USER_ACTIONS)
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or not policy.may_read_actions_of(actor, user.organisation_id):
            raise NotFound("user")
        entries = audit_queries.list_actions_by_user(uow, user_id)
        audit.record(uow, actor, "audit:user_actions_read", subject_type="user",
                     subject_id=user_id, basis=AccessBasis.OVERSIGHT)  # fmt: skip
        lines = accounts.describe_accesses(uow, entries)
        uow.commit()
    return user, lines
