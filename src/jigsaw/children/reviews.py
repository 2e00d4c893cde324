"""The duplicates queue: likely duplicate children, compared side by side and decided.

Those who merge duplicates (the MASH manager, ``Permission.CHILD_MERGE``) see identity
details only: names, date of birth, sex, identifiers, addresses and which agencies are
involved — never what the agencies hold. Every pair shown is audited against both children.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from jigsaw import audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.permissions import Permission
from jigsaw.children import index
from jigsaw.children.merging import checked_reason, merge_pair, reason_problems
from jigsaw.children.models import (
    Address,
    Child,
    ChildAddress,
    ChildMatchRecord,
    ChildMerge,
    ChildName,
    DuplicateReview,
    ReviewStatus,
)
from jigsaw.children.queries import (
    IdentifierLine,
    addresses_of,
    identifiers_of,
    names_in_order,
    organisation_names,
)
from jigsaw.children.search import matching_model
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching import MatchScore, PersonRecord, score

QUEUE_LIMIT = 100
CHOOSE = "Choose which record to keep"
MERGES_SHOWN = 20
_DECIDED = {
    ReviewStatus.MERGED: "duplicate_review:merged",
    ReviewStatus.NOT_DUPLICATE: "duplicate_review:dismissed",
}


@dataclass(frozen=True, slots=True)
class QueuedPair:
    """An open review in the queue, with the two children as the index knows them."""

    review: DuplicateReview
    first: PersonRecord
    second: PersonRecord


@dataclass(frozen=True, slots=True)
class RecentMerge:
    """A merge that can still be undone, with the kept child as the index knows them."""

    merge: ChildMerge
    kept: PersonRecord | None


@dataclass(frozen=True, slots=True)
class ChildIdentity:
    """One child's identity details, as the person deciding compares them."""

    child: Child
    names: list[ChildName]
    identifiers: list[IdentifierLine]
    addresses: list[tuple[ChildAddress, Address]]
    agencies: list[str]


@dataclass(frozen=True, slots=True)
class DuplicateCase:
    """A review with both children side by side and why the matcher thinks they are one."""

    review: DuplicateReview
    first: ChildIdentity
    second: ChildIdentity
    match: MatchScore


def list_duplicates(uow: UnitOfWork, actor: Actor) -> list[QueuedPair]:
    """Open reviews, best first, of children still in the index (audited as listed).

    Raises:
        PermissionDenied: the actor does not merge duplicates.
    """
    policy.require(actor, Permission.CHILD_MERGE)
    first, second = aliased(ChildMatchRecord), aliased(ChildMatchRecord)
    with uow:
        # Joining the index leaves out pairs whose child has since been merged away.
        rows = uow.session.execute(
            select(DuplicateReview, first, second)
            .join(first, first.child_id == DuplicateReview.child_id)
            .join(second, second.child_id == DuplicateReview.other_child_id)
            .where(DuplicateReview.status == ReviewStatus.OPEN)
            .order_by(DuplicateReview.probability.desc(), DuplicateReview.found_at)
            .limit(QUEUE_LIMIT)
        ).all()
        ids = [child_id for row in rows for child_id in (row[0].child_id, row[0].other_child_id)]
        restricted = policy.restricted_among(uow.session, ids)
        pairs = [
            QueuedPair(row[0], index.person_from_row(row[1]), index.person_from_row(row[2]))
            for row in rows
            if not restricted & {row[0].child_id, row[0].other_child_id}
        ]
        shown = [i for p in pairs for i in (p.review.child_id, p.review.other_child_id)]
        audit.record_many(uow, actor, "child:listed_as_duplicate", subject_type="child",
                          subject_ids=shown)  # fmt: skip
        uow.commit()
    return pairs


def list_recent_merges(uow: UnitOfWork, actor: Actor) -> list[RecentMerge]:
    """Merges not undone, newest first, so a wrong one can be put right.

    Raises:
        PermissionDenied: the actor does not merge duplicates.
    """
    policy.require(actor, Permission.CHILD_MERGE)
    with uow:
        merges = list(uow.session.scalars(
            select(ChildMerge).where(ChildMerge.unmerged_at.is_(None))
            .order_by(ChildMerge.merged_at.desc()).limit(MERGES_SHOWN)
        ))  # fmt: skip
        restricted = policy.restricted_among(uow.session, [m.kept_id for m in merges])
        shown = [m for m in merges if m.kept_id not in restricted]
        kept = index.indexed_records(uow.session, [m.kept_id for m in shown])
        audit.record_many(uow, actor, "child:listed_as_merged", subject_type="child",
                          subject_ids=[m.kept_id for m in shown])  # fmt: skip
        uow.commit()
    return [RecentMerge(merge, kept.get(merge.kept_id)) for merge in shown]


def open_duplicate(uow: UnitOfWork, actor: Actor, *, review_id: uuid.UUID) -> DuplicateCase:
    """Both children's identity details side by side, with the per-field explanation.

    Raises:
        NotFound: no such open review, either child merged away since, or the actor may not
            merge these children.
    """
    with uow:
        review = _open_review(uow, actor, review_id)
        pair = (review.child_id, review.other_child_id)
        records = index.indexed_records(uow.session, list(pair))
        if len(records) != len(pair):
            raise NotFound("duplicate review")
        case = DuplicateCase(
            review=review,
            first=_identity(uow, review.child_id),
            second=_identity(uow, review.other_child_id),
            match=score(records[pair[0]], records[pair[1]], matching_model()),
        )
        audit.record_many(uow, actor, "child:compared", subject_type="child",
                          subject_ids=list(pair))  # fmt: skip
        uow.commit()
    return case


def merge_duplicate(
    uow: UnitOfWork, actor: Actor, *, review_id: uuid.UUID, keep_id: uuid.UUID | None, reason: str
) -> ChildMerge:
    """Decide that the pair is one child: merge the other record into the one chosen.

    Raises:
        NotFound: no such open review, or the actor may not merge these children.
        Invalid: no reason, no record chosen, or different NHS numbers (never merged).
        Conflict: the review was decided already, or a record was merged away since.
    """
    problems = reason_problems(reason)
    if keep_id is None:
        problems["keep"] = CHOOSE
    if problems:
        raise Invalid(problems)
    cleaned = checked_reason(reason)
    with uow:
        review = _open_review(uow, actor, review_id)
        pair = {review.child_id, review.other_child_id}
        if keep_id not in pair:
            raise Invalid({"keep": CHOOSE})
        (merged_id,) = pair - {keep_id}
        merge = merge_pair(uow, actor, kept_id=keep_id, merged_id=merged_id, reason=cleaned)
        _decide(uow, actor, review, ReviewStatus.MERGED)
        uow.commit()
    return merge


def dismiss_duplicate(uow: UnitOfWork, actor: Actor, *, review_id: uuid.UUID) -> DuplicateReview:
    """Decide that the pair are different children; the pair is never queued again.

    Raises:
        NotFound: no such open review, or the actor may not merge these children.
    """
    with uow:
        review = _open_review(uow, actor, review_id)
        _decide(uow, actor, review, ReviewStatus.NOT_DUPLICATE)
        uow.commit()
    return review


def _open_review(uow: UnitOfWork, actor: Actor, review_id: uuid.UUID) -> DuplicateReview:
    """Fetch an open review the actor may decide; anything else is NotFound."""
    review = uow.session.get(DuplicateReview, review_id)
    if review is None:
        raise NotFound("duplicate review")
    pair = [review.child_id, review.other_child_id]
    if not policy.may_merge_children(uow.session, actor, pair):
        raise NotFound("duplicate review")
    if review.status is not ReviewStatus.OPEN:
        raise Conflict("this pair has already been decided")
    return review


def _decide(uow: UnitOfWork, actor: Actor, review: DuplicateReview, status: ReviewStatus) -> None:
    review.status, review.decided_at = status, clock.now()
    review.decided_by_id = actor.id if actor.kind is ActorKind.USER else None
    uow.flush()
    audit.record(uow, actor, _DECIDED[status], subject_type="duplicate_review",
                 subject_id=review.id)  # fmt: skip


def _identity(uow: UnitOfWork, child_id: uuid.UUID) -> ChildIdentity:
    child = uow.session.get(Child, child_id)
    if child is None:
        raise NotFound("duplicate review")
    uow.session.refresh(child, ["names", "identifiers"])
    involved = facts.involved_organisations(uow.session, [child_id])[child_id]
    return ChildIdentity(
        child=child,
        names=names_in_order(child.names),
        identifiers=identifiers_of(uow, child),
        addresses=addresses_of(uow, child_id),
        agencies=sorted(organisation_names(uow, involved).values()),
    )
