"""The only code that decides who may do what, and who may reach which child.

A child's information is reachable only on a basis: a relationship (an active
involvement of the user, or of their organisation for roles that act for it), an open
case at the user's MASH, an unexpired break-glass grant, or being named on a
restricted child. Restricted children are reachable only by the users named on them.
Privacy officers and admins have no basis for case content.
"""

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, false, or_, select, true, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.models import (
    BreakGlassGrant,
    Involvement,
    MashCase,
    Restriction,
    RestrictionMember,
)
from jigsaw.access.permissions import Permission
from jigsaw.access.roles import ACTS_FOR_ORGANISATION, MASH_ROLES
from jigsaw.access.vocabulary import AccessBasis, AgencyKind, Role
from jigsaw.core.errors import PermissionDenied

# Above this many ids, a question about a batch of children reads the (few) rows that could
# answer it instead of sending the ids: below SQLite's and PostgreSQL's parameter limits.
_LISTED_IDS = 5_000


@dataclass(frozen=True, slots=True)
class ChildAccess:
    """Why an actor may reach a child: recorded on the audit entry of every read."""

    basis: AccessBasis
    basis_id: uuid.UUID | None


def can(actor: Actor, permission: Permission) -> bool:
    """Whether the actor's roles (or token) allow this kind of action at all."""
    return permission in actor.permissions


def require(actor: Actor, permission: Permission) -> None:
    """Raise ``PermissionDenied`` unless the actor holds ``permission``."""
    if not can(actor, permission):
        raise PermissionDenied


def child_access(
    session: Session, actor: Actor, child_id: uuid.UUID, *, now: datetime
) -> ChildAccess | None:
    """How the actor may reach this child's information, or None if they may not."""
    if not can(actor, Permission.CHILD_READ):
        return None
    if session.get(Restriction, child_id) is not None:
        return _named_on_restriction(session, actor, child_id)
    return (
        _relationship(session, actor, child_id, now=now)
        or _mash_case(session, actor, child_id)
        or _break_glass(session, actor, child_id, now=now)
    )


def _named_on_restriction(
    session: Session, actor: Actor, child_id: uuid.UUID
) -> ChildAccess | None:
    if actor.kind is not ActorKind.USER or actor.id is None:
        return None
    member = session.get(RestrictionMember, (child_id, actor.id))
    return None if member is None else ChildAccess(AccessBasis.RESTRICTION, None)


def _relationship(
    session: Session, actor: Actor, child_id: uuid.UUID, *, now: datetime
) -> ChildAccess | None:
    query = (
        select(Involvement.id)
        .where(Involvement.child_id == child_id)
        .where(_involvement_is_active(now))
        .where(_involvement_includes(actor))
        .order_by(Involvement.started_on)
        .limit(1)
    )
    involvement_id = session.scalar(query)
    if involvement_id is None:
        return None
    return ChildAccess(AccessBasis.RELATIONSHIP, involvement_id)


def _mash_case(session: Session, actor: Actor, child_id: uuid.UUID) -> ChildAccess | None:
    if not _works_mash_cases(actor):
        return None
    query = (
        select(MashCase.id)
        .where(MashCase.child_id == child_id)
        .where(MashCase.organisation_id == actor.organisation_id)
        .where(MashCase.closed_at.is_(None))
        .limit(1)
    )
    case_id = session.scalar(query)
    return None if case_id is None else ChildAccess(AccessBasis.MASH, case_id)


def _break_glass(
    session: Session, actor: Actor, child_id: uuid.UUID, *, now: datetime
) -> ChildAccess | None:
    query = select(BreakGlassGrant.id).where(
        _grant_is_active(actor, now), BreakGlassGrant.child_id == child_id
    )
    grant_id = session.scalar(query.limit(1))
    return None if grant_id is None else ChildAccess(AccessBasis.BREAK_GLASS, grant_id)


def may_break_glass(session: Session, actor: Actor, child_id: uuid.UUID) -> bool:
    """Whether the actor may open this child by break-glass (never a restricted child)."""
    if actor.kind is not ActorKind.USER or not can(actor, Permission.BREAK_GLASS_REQUEST):
        return False
    return session.get(Restriction, child_id) is None


def may_declare_involvement(session: Session, actor: Actor, child_id: uuid.UUID) -> bool:
    """Whether the actor may record that they work with this child (never a restricted one)."""
    return may_break_glass(session, actor, child_id)


def visible_child_ids(actor: Actor, *, now: datetime) -> Select[Any]:
    """The ids of every child the actor may reach: the scope for searches and lists.

    Restricted children appear only to the users named on them.
    """
    if not can(actor, Permission.CHILD_READ):
        return select(Involvement.child_id).where(~true())
    related = select(Involvement.child_id).where(
        _involvement_is_active(now), _involvement_includes(actor)
    )
    granted = select(BreakGlassGrant.child_id).where(_grant_is_active(actor, now))
    parts: list[Select[Any]] = [related, granted]
    if _works_mash_cases(actor):
        parts.append(
            select(MashCase.child_id).where(
                MashCase.organisation_id == actor.organisation_id, MashCase.closed_at.is_(None)
            )
        )
    reachable = union(*parts).subquery()
    unrestricted = ~exists().where(Restriction.child_id == reachable.c.child_id)
    named = select(RestrictionMember.child_id).where(RestrictionMember.user_id == actor.id)
    visible = select(reachable.c.child_id).where(or_(unrestricted, reachable.c.child_id.in_(named)))
    return select(union(visible, named).subquery().c.child_id)


def _involvement_is_active(now: datetime) -> ColumnElement[bool]:
    today = now.date()
    return and_(
        Involvement.started_on <= today,
        or_(Involvement.ended_on.is_(None), Involvement.ended_on >= today),
    )


def _involvement_includes(actor: Actor) -> ColumnElement[bool]:
    """The actor's own involvements, and their organisation's if they act for it."""
    personal = Involvement.user_id == actor.id
    if actor.kind is ActorKind.SERVICE_ACCOUNT or actor.roles & ACTS_FOR_ORGANISATION:
        return or_(personal, Involvement.organisation_id == actor.organisation_id)
    return personal


def _works_mash_cases(actor: Actor) -> bool:
    """MASH staff, and the MASH's own system when its token works contacts.

    A token carries permissions, not roles: the council's case management system that takes
    the MASH's decided referrals reads each child as the MASH's staff do.
    """
    if actor.agency_kind is not AgencyKind.MASH:
        return False
    if actor.kind is ActorKind.SERVICE_ACCOUNT:
        return can(actor, Permission.CONTACT_SCREEN)
    return bool(actor.roles & MASH_ROLES)


def _grant_is_active(actor: Actor, now: datetime) -> ColumnElement[bool]:
    return and_(BreakGlassGrant.user_id == actor.id, BreakGlassGrant.expires_at > now)


def may_administer(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor manages this organisation's users (its own admin, or a system admin)."""
    if can(actor, Permission.ORGANISATION_MANAGE):
        return True
    return can(actor, Permission.USER_MANAGE) and actor.organisation_id == organisation_id


def grantable_roles(actor: Actor) -> frozenset[Role]:
    """The roles the actor may give: organisation admins never make system admins."""
    if can(actor, Permission.ORGANISATION_MANAGE):
        return frozenset(Role)
    if can(actor, Permission.USER_MANAGE):
        return frozenset(Role) - {Role.SYSTEM_ADMIN}
    return frozenset()


def may_review_break_glass(actor: Actor, grant_organisation_id: uuid.UUID) -> bool:
    """Whether the actor reviews break-glass use by this organisation's staff."""
    return (
        can(actor, Permission.BREAK_GLASS_REVIEW) and actor.organisation_id == grant_organisation_id
    )


def may_see_who_accessed(actor: Actor, access: ChildAccess) -> bool:
    """Whether a reader sees a child's "who has accessed this record" panel.

    As CP-IS shows its last accesses to the agencies working with a child: those with a
    relationship or an open MASH case, not someone who broke glass.
    """
    return can(actor, Permission.AUDIT_READ_CHILD_ACCESSES) and access.basis in {
        AccessBasis.RELATIONSHIP,
        AccessBasis.MASH,
        AccessBasis.RESTRICTION,
    }


def may_read_actions_of(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor reads the audit trail of this organisation's staff."""
    return (
        can(actor, Permission.AUDIT_READ_USER_ACTIONS) and actor.organisation_id == organisation_id
    )


def reviewable_break_glass(actor: Actor) -> ColumnElement[bool]:
    """The break-glass grants the actor reviews: their own organisation's staff's."""
    if not can(actor, Permission.BREAK_GLASS_REVIEW):
        return false()
    return BreakGlassGrant.organisation_id == actor.organisation_id


def searchable_among(session: Session, actor: Actor, child_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these children may be listed in the actor's search (one query)."""
    if not can(actor, Permission.CHILD_READ):
        return set()
    named_on = and_(RestrictionMember.child_id == Restriction.child_id,
                    RestrictionMember.user_id == actor.id)  # fmt: skip
    rows = session.execute(
        select(Restriction.child_id, RestrictionMember.user_id.is_(None).label("hidden"))
        .outerjoin(RestrictionMember, named_on)
        .where(Restriction.child_id.in_(child_ids))
    )
    hidden = {child_id for child_id, unnamed in rows if unnamed}
    return set(child_ids) - hidden


def reachable_among(
    session: Session, actor: Actor, child_ids: list[uuid.UUID], *, now: datetime
) -> set[uuid.UUID]:
    """Which of these children the actor may open (one query, the same rules as child_access)."""
    visible = visible_child_ids(actor, now=now).subquery()
    query = select(visible.c.child_id).where(visible.c.child_id.in_(child_ids))
    return set(session.scalars(query))


def may_link_roster(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor links this organisation's roster to the child index (its own only).

    A system actor (the ``jigsaw link`` command, run by the operator) may link any
    organisation's roster.
    """
    if actor.kind is ActorKind.SYSTEM:
        return True
    return can(actor, Permission.ROSTER_LINK) and actor.organisation_id == organisation_id


def may_review_matches(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor settles the possible matches of this organisation's rosters."""
    return can(actor, Permission.MATCH_REVIEW) and actor.organisation_id == organisation_id


def may_merge_children(session: Session, actor: Actor, child_ids: list[uuid.UUID]) -> bool:
    """Whether the actor may merge (or unmerge) these children's records.

    Merging compares identity details only, never case content; restricted children are
    never merged by anyone, because their existence must not be revealed by the queue.
    """
    if not can(actor, Permission.CHILD_MERGE):
        return False
    restricted = session.scalars(
        select(Restriction.child_id).where(Restriction.child_id.in_(child_ids)).limit(1)
    ).first()
    return restricted is None


def restricted_among(session: Session, child_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these children are restricted (kept out of every queue and batch decision).

    A batch (a roster's candidates) is checked against every restricted child at once:
    restrictions are few, and a list of a hundred thousand ids is slow to send.
    """
    if len(child_ids) > _LISTED_IDS:
        return set(session.scalars(select(Restriction.child_id))).intersection(child_ids)
    query = select(Restriction.child_id).where(Restriction.child_id.in_(list(child_ids)))
    return set(session.scalars(query))


def may_find_duplicates(actor: Actor) -> bool:
    """Whether the actor looks for duplicate children in the index and queues them for review.

    Jigsaw itself does (``jigsaw children find-duplicates``, the nightly job), and so may
    those who merge duplicates. Finding queues pairs for a person; it never merges.
    """
    return actor.kind is ActorKind.SYSTEM or can(actor, Permission.CHILD_MERGE)


def may_record_child_protection_plan(actor: Actor) -> bool:
    """Whether the actor records child protection plans, including an unborn child's.

    Plans are the local authority's: made at its child protection conferences and uploaded to
    CP-IS from its case management system (peer-systems.md §2). So children's social care
    records them, its case workers and its systems' API tokens, and no other agency.
    """
    return (
        can(actor, Permission.CHILD_READ)
        and actor.agency_kind is AgencyKind.CHILDRENS_SOCIAL_CARE
        and actor.kind in {ActorKind.USER, ActorKind.SERVICE_ACCOUNT}
    )


@dataclass(frozen=True, slots=True)
class ConcernFacts:
    """What the policy decides a concern's readers from (kept free of the sharing package)."""

    author_id: uuid.UUID | None
    recipient_organisation_ids: frozenset[uuid.UUID]
    child_id: uuid.UUID | None
    is_draft: bool


def may_raise_concern_about(session: Session, actor: Actor, child_id: uuid.UUID) -> bool:
    """Whether the actor may share a worry about this child.

    No relationship is needed: anyone doing case work who is worried about a child must be
    able to say so (a police officer at a call-out may never have met the child). Raising a
    concern gives the author no access to the child's record. A restricted child is reachable
    only by the users named on them, here as everywhere.
    """
    if not can(actor, Permission.CONCERN_RAISE):
        return False
    if session.get(Restriction, child_id) is None:
        return True
    return _named_on_restriction(session, actor, child_id) is not None


def is_concern_author(actor: Actor, author_id: uuid.UUID | None) -> bool:
    """Whether the actor wrote the concern: only its author changes a draft or withdraws it."""
    return actor.id is not None and actor.id == author_id


def concern_access(session: Session, actor: Actor, concern: ConcernFacts) -> ChildAccess | None:
    """On what basis the actor may read this concern, or None (then it is "not found").

    Its author always may, drafts included; once sent, so may those who receive for an
    organisation it was shared with, unless the child is restricted and they are not named.
    """
    if is_concern_author(actor, concern.author_id):
        return ChildAccess(AccessBasis.AUTHOR, None)
    if concern.is_draft or not can(actor, Permission.CONCERN_RECEIVE):
        return None
    if actor.organisation_id not in concern.recipient_organisation_ids:
        return None
    child_id = concern.child_id
    received = ChildAccess(AccessBasis.RECIPIENT, actor.organisation_id)
    if child_id is not None and session.get(Restriction, child_id) is not None:
        return None if _named_on_restriction(session, actor, child_id) is None else received
    return received


def receives_concerns_for(
    actor: Actor, recipient_organisation_id: Any, child_id: Any
) -> ColumnElement[bool]:
    """The concerns in the actor's "shared with us" inbox, as a condition on a query.

    ``recipient_organisation_id`` and ``child_id`` are the query's columns: the concern was
    shared with the actor's organisation, and its child, if restricted, names the actor.
    """
    if not can(actor, Permission.CONCERN_RECEIVE) or actor.organisation_id is None:
        return false()
    named = exists().where(RestrictionMember.child_id == child_id,
                           RestrictionMember.user_id == actor.id)  # fmt: skip
    visible_child = or_(
        child_id.is_(None), ~exists().where(Restriction.child_id == child_id), named
    )
    return and_(recipient_organisation_id == actor.organisation_id, visible_child)


def may_screen_contacts(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor works this MASH's queue (its own MASH's only)."""
    return (
        can(actor, Permission.CONTACT_SCREEN)
        and actor.agency_kind is AgencyKind.MASH
        and actor.organisation_id == organisation_id
    )


def may_decide_contacts(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor decides this MASH's contacts (its manager)."""
    return may_screen_contacts(actor, organisation_id) and can(actor, Permission.CONTACT_DECIDE)


def may_answer_for(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor answers the MASH's questions put to this organisation (its receivers)."""
    return can(actor, Permission.CONCERN_RECEIVE) and actor.organisation_id == organisation_id


def may_advise_consultations(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor answers this consultation line (an advisor at its MASH)."""
    return (
        can(actor, Permission.CONSULTATION_ADVISE)
        and actor.agency_kind is AgencyKind.MASH
        and actor.organisation_id == organisation_id
    )


def may_request_consultation_about(session: Session, actor: Actor, child_id: uuid.UUID) -> bool:
    """Whether the actor may name this child in a consultation: as for raising a concern."""
    return can(actor, Permission.CONSULTATION_REQUEST) and may_raise_concern_about(
        session, actor, child_id
    )


def is_consultation_asker(actor: Actor, asker_id: uuid.UUID | None) -> bool:
    """Whether the actor asked for this consultation (and so reads its advice)."""
    return asker_id is not None and actor.id == asker_id


def may_read_measures(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor reads this MASH's measures: counts and times, never a child's details."""
    return (
        can(actor, Permission.MEASURES_READ)
        and actor.agency_kind is AgencyKind.MASH
        and actor.organisation_id == organisation_id
    )


def may_read_consultation(actor: Actor, *, asker_id: uuid.UUID | None, line_id: uuid.UUID) -> bool:
    """Whether the actor reads a consultation: who asked, the line's advisors, its screeners.

    The MASH's screeners read it because a referral that followed it links to it.
    """
    return (
        is_consultation_asker(actor, asker_id)
        or may_advise_consultations(actor, line_id)
        or may_screen_contacts(actor, line_id)
    )


@dataclass(frozen=True, slots=True)
class ChronologyScope:
    """Which of a child's events a reader sees.

    ``everything``: every agency's events. Otherwise the reader's organisation's own, those
    shared with it, and those open to all (plans, who works with the child).
    """

    everything: bool
    organisation_id: uuid.UUID | None


def chronology_scope(actor: Actor, access: ChildAccess) -> ChronologyScope:
    """What of a child's chronology a reader with this access sees.

    The whole picture goes to those who act on it: children's social care working with
    the child, and the MASH while it has an open contact about the child. Everyone else
    sees what their own agency holds and what was shared with it; break-glass and a
    restricted record's named users included.
    """
    whole = access.basis is AccessBasis.MASH or (
        access.basis is AccessBasis.RELATIONSHIP
        and actor.agency_kind is AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    return ChronologyScope(everything=whole, organisation_id=actor.organisation_id)


def event_is_visible(
    scope: ChronologyScope,
    *,
    holder: ColumnElement[uuid.UUID],
    open_to_all: ColumnElement[bool],
    shared_with: Callable[[uuid.UUID], ColumnElement[bool]],
) -> ColumnElement[bool]:
    """A filter on a child's events for this scope.

    ``holder`` is the event's organisation, ``shared_with(org)`` whether it was shared
    with that organisation.
    """
    if scope.everything:
        return true()
    if scope.organisation_id is None:
        return open_to_all
    return or_(open_to_all, holder == scope.organisation_id, shared_with(scope.organisation_id))


def may_post_events(actor: Actor) -> bool:
    """Whether the actor posts its organisation's events (an agency's system, by token)."""
    return (
        actor.kind is ActorKind.SERVICE_ACCOUNT
        and can(actor, Permission.EVENT_POST)
        and actor.organisation_id is not None
    )


def may_review_posted_events(actor: Actor, organisation_id: uuid.UUID) -> bool:
    """Whether the actor finds the child for its organisation's unmatched posted events."""
    return may_review_matches(actor, organisation_id)


def may_mark_event(actor: Actor, scope: ChronologyScope, holder: uuid.UUID) -> bool:
    """Whether the actor marks (or unmarks) an event it can see as significant.

    Those with the whole picture mark any event; others their own agency's.
    """
    return can(actor, Permission.EVENT_MARK) and (
        scope.everything or holder == scope.organisation_id
    )


def may_export_chronology(actor: Actor) -> bool:
    """Whether the actor exports a chronology they can read (to PDF or CSV; audited)."""
    return can(actor, Permission.CHRONOLOGY_EXPORT)


def may_work_alert(
    actor: Actor, *, organisation_id: uuid.UUID, owner_role: Role, assigned_to_id: uuid.UUID | None
) -> bool:
    """Whether the actor reads and acts on an alert.

    Its assignee, or someone at its organisation holding the role that owns it.
    """
    if actor.kind is not ActorKind.USER or actor.organisation_id != organisation_id:
        return False
    return (assigned_to_id is not None and actor.id == assigned_to_id) or owner_role in actor.roles


def may_read_alert_feed(actor: Actor) -> bool:
    """Whether an agency's system reads its organisation's alerts (``/api/v1/alerts``).

    All of them, whichever role owns each: the system shows them to its own users. It only
    reads: taking and acknowledging stay with people (``may_work_alert``).
    """
    return (
        actor.kind is ActorKind.SERVICE_ACCOUNT
        and can(actor, Permission.ALERT_WORK)
        and actor.organisation_id is not None
    )


def may_manage_glossary(actor: Actor) -> bool:
    """Whether the actor edits the partnership's glossary and term mappings (versioned, audited)."""
    return actor.kind is ActorKind.USER and can(actor, Permission.GLOSSARY_MANAGE)


def is_story_author(actor: Actor, author_id: uuid.UUID) -> bool:
    """Whether the actor told the story (a person: systems tell none)."""
    return actor.kind is ActorKind.USER and actor.id == author_id


def may_read_story(actor: Actor, *, author_id: uuid.UUID, published: bool) -> bool:
    """Whether the actor reads a story: everyone once published; before, its author and moderators.

    An unpublished story may still name a child, so it goes no further than those two.
    """
    if published and can(actor, Permission.STORY_READ):
        return True
    return is_story_author(actor, author_id) or may_moderate_stories(actor)


def may_moderate_stories(actor: Actor) -> bool:
    """Whether the actor approves, returns or publishes stories (a person, never a system)."""
    return actor.kind is ActorKind.USER and can(actor, Permission.STORY_MODERATE)


def may_facilitate_training(actor: Actor, *, training_space: bool) -> bool:
    """Whether the actor runs a training scenario and sees every agency's part of it.

    Only inside a training space: the facilitator's whole view never exists on live data.
    """
    return (
        training_space
        and actor.kind is ActorKind.USER
        and can(actor, Permission.TRAINING_FACILITATE)
    )
