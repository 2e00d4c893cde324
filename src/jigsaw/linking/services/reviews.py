"""Settling a possible match: compare the roster row with each candidate, then decide.

The comparison shows identity only (name, date of birth, sex, postcode district), never
case content, and every candidate shown is audited as compared by the reviewer.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import facts
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.models import Involvement
from jigsaw.accounts import Organisation
from jigsaw.children import index
from jigsaw.children.search import matching_model
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import queries
from jigsaw.linking.models import LinkReview, LinkReviewStatus, LinkRun
from jigsaw.linking.roster import RosterRow
from jigsaw.linking.services import recording
from jigsaw.matching import MatchScore, PersonRecord, score

NOTE_LENGTH = 2000
DECISIONS = {
    LinkReviewStatus.CONFIRMED.value: "link_review:confirmed",
    LinkReviewStatus.NEW_CHILD.value: "link_review:added_as_new_child",
    LinkReviewStatus.REJECTED.value: "link_review:rejected",
}


@dataclass(frozen=True, slots=True)
class ComparedCandidate:
    """A child the roster row may be: their identity as the index holds it, and the score."""

    child_id: uuid.UUID
    record: PersonRecord
    match: MatchScore


@dataclass(frozen=True, slots=True)
class ReviewComparison:
    """A possible match laid out for a person: the roster row beside each candidate."""

    review: LinkReview
    row: RosterRow
    candidates: list[ComparedCandidate]


def open_link_review(uow: UnitOfWork, actor: Actor, *, review_id: uuid.UUID) -> ReviewComparison:
    """Compare a queued roster row with its candidates, auditing each child shown.

    Candidates restricted or merged since the row was queued are shown as they are now
    (a restricted child never; a merged record as the record it was merged into).

    Raises:
        NotFound: no such review, or not one the actor's organisation settles.
    """
    with uow:
        review = queries.access_link_review(uow, actor, review_id)
        comparison = _compare(uow, review)
        audit.record_many(uow, actor, "child:compared", subject_type="child",
                          subject_ids=[c.child_id for c in comparison.candidates])  # fmt: skip
        uow.commit()
    return comparison


def _compare(uow: UnitOfWork, review: LinkReview) -> ReviewComparison:
    row = RosterRow.from_identity(review.row_number, review.roster_row)
    stored = [uuid.UUID(str(c["child_id"])) for c in review.candidates]
    ids = recording.current_children(uow.session, stored)
    usable = recording.usable_children(uow.session, ids)
    records = index.indexed_records(uow.session, [i for i in ids if i in usable])
    model = matching_model()
    query = row.person()
    candidates = sorted(
        (ComparedCandidate(i, records[i], score(query, records[i], model)) for i in ids
         if i in records),
        key=lambda c: c.match.probability,
        reverse=True,
    )  # fmt: skip
    return ReviewComparison(review=review, row=row, candidates=candidates)


def decide_link_review(
    uow: UnitOfWork,
    actor: Actor,
    *,
    review_id: uuid.UUID,
    decision: str,
    child_id: uuid.UUID | None = None,
    note: str = "",
) -> LinkReview:
    """Settle a possible match: it is this child, a new child, or none of these.

    "confirmed" records the organisation's involvement with the chosen child and its local id;
    "new_child" adds the row to the index as a new child, with the same; "rejected" records
    nothing else, and the same row sent again is not queued again.

    Raises:
        NotFound: no such review, or not one the actor's organisation settles.
        Invalid: no decision, no child chosen, a child not among the candidates, a long note.
        Conflict: the review was already settled.
    """
    _check_decision(decision, child_id, note)
    with uow:
        review = queries.access_link_review(uow, actor, review_id)
        if review.status is not LinkReviewStatus.OPEN:
            raise Conflict("the possible match was already settled")
        chosen = _settle(uow, actor, review, LinkReviewStatus(decision), child_id)
        review.status = LinkReviewStatus(decision)
        review.decided_at = clock.now()
        review.decided_by_id = actor.id if actor.kind is ActorKind.USER else None
        review.chosen_child_id = chosen
        review.note = " ".join(note.split()) or None
        audit.record(uow, actor, DECISIONS[decision], subject_type="link_review",
                     subject_id=review.id, child_id=chosen)  # fmt: skip
        uow.commit()
    return review


def _check_decision(decision: str, child_id: uuid.UUID | None, note: str) -> None:
    if decision not in DECISIONS:
        raise Invalid({"decision": "Choose whether this is one of the children listed"})
    if decision == LinkReviewStatus.CONFIRMED and child_id is None:
        raise Invalid({"child_id": "Choose which child this is"})
    if len(note) > NOTE_LENGTH:
        raise Invalid({"note": f"The note must be {NOTE_LENGTH} characters or fewer"})


def _settle(
    uow: UnitOfWork,
    actor: Actor,
    review: LinkReview,
    decision: LinkReviewStatus,
    child_id: uuid.UUID | None,
) -> uuid.UUID | None:
    """Record what the decision means; return the child the row turned out to be, if any."""
    if decision is LinkReviewStatus.REJECTED:
        return None
    run = uow.session.get_one(LinkRun, review.run_id)
    organisation = uow.session.get_one(Organisation, review.organisation_id)
    row = RosterRow.from_identity(review.row_number, review.roster_row)
    if decision is LinkReviewStatus.NEW_CHILD:
        added = recording.add_children(uow.session, organisation, [row], now=clock.now())
        chosen = added[row.row_number]
        audit.record(uow, actor, "child:recorded", subject_type="child", subject_id=chosen)
    else:
        chosen = _chosen_candidate(uow, review, child_id)
    _involve(uow, actor, run, chosen)
    local_ids = recording.LocalIds(
        uow.session, organisation.id, [row.local_id] if row.local_id else []
    )
    local_ids.add(chosen, row.local_id)
    if local_ids.write(uow.session):
        audit.record(uow, actor, "child_identifier:recorded", subject_type="child",
                     subject_id=chosen)  # fmt: skip
    return chosen


def _chosen_candidate(uow: UnitOfWork, review: LinkReview, child_id: uuid.UUID | None) -> uuid.UUID:
    """The child chosen, if it is one the reviewer could be shown now."""
    comparison = _compare(uow, review)
    if child_id is None or child_id not in {c.child_id for c in comparison.candidates}:
        raise Invalid({"child_id": "Choose one of the children listed"})
    return child_id


def _involve(uow: UnitOfWork, actor: Actor, run: LinkRun, child_id: uuid.UUID) -> None:
    """Record the organisation's involvement with the child, unless it is already current."""
    current = uow.session.scalar(
        select(Involvement.id)
        .where(
            Involvement.child_id == child_id,
            Involvement.organisation_id == run.organisation_id,
            Involvement.role == run.role,
            Involvement.ended_on.is_(None),
        )
        .limit(1)
    )
    if current is not None:
        return
    facts.add_involvement(uow.session, child_id=child_id, organisation_id=run.organisation_id,
                          user_id=None, role=run.role, today=clock.today())  # fmt: skip
    audit.record(uow, actor, "involvement:recorded", subject_type="child", subject_id=child_id)


def list_possible_matches(uow: UnitOfWork, actor: Actor) -> list[LinkReview]:
    """The roster rows waiting for the actor's organisation to settle (its own data only)."""
    with uow:
        return queries.list_open_reviews(uow, actor)
