"""Likely duplicate children in the index: found in batches, queued, decided by a person.

Finding compares children who share a blocking key in ``child_match_keys`` (as a search
does), scores each pair with the online scorer, and queues every pair that is at least a
possible match — a "match" too, because Jigsaw never merges on its own: twins and siblings
score highly by design. A pair is queued once (smaller id first) and never again once
decided. Restricted children are never queued: the queue must not reveal them.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.children import index
from jigsaw.children.models import ChildMatchKey, ChildMatchRecord, DuplicateReview, ReviewStatus
from jigsaw.children.search import matching_model
from jigsaw.core import clock
from jigsaw.core.errors import PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching import (
    Band,
    MatchModel,
    MatchScore,
    PersonRecord,
    may_merge_automatically,
    score,
)

# Children compared per round trip to the database.
CHUNK = 500
# Keys shared by more children than this (a common date of birth in a large index) are
# skipped: their pairs are almost all different children and their count grows with the
# square of the block. Every true duplicate also shares narrower keys (blocking.py).
BLOCK_LIMIT = 50
SIBLING_NOTE = "same household, or same birthday and family name: could be twins or siblings"

# Called with the number of children compared since the last call, and how many in all.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class FindResult:
    """What a run of the duplicate finder did: children compared, pairs scored and queued."""

    children: int
    pairs: int
    queued: int


def find_duplicates(
    uow: UnitOfWork, actor: Actor, *, progress: Progress | None = None
) -> FindResult:
    """Queue likely duplicate children for review, each pair once (one transaction).

    ``progress`` is told, chunk by chunk, how many more children were compared, of how many.

    Raises:
        PermissionDenied: the actor neither is Jigsaw itself nor merges duplicates.
    """
    if not policy.may_find_duplicates(actor):
        raise PermissionDenied
    model, reviews, pairs = matching_model(), [], 0
    with uow:
        session = uow.session
        total = session.scalar(select(func.count()).select_from(ChildMatchRecord)) or 0
        wide = set(session.scalars(
            select(ChildMatchKey.key).group_by(ChildMatchKey.key)
            .having(func.count() > BLOCK_LIMIT)
        ))  # fmt: skip
        for chunk in _chunks_of_children(uow):
            candidates = _candidate_pairs(uow, chunk, wide)
            pairs += len(candidates)
            reviews += _new_reviews(uow, candidates, model)
            if progress is not None:
                progress(len(chunk), total)
        session.add_all(reviews)
        uow.flush()
        audit.record_many(uow, actor, "duplicate_review:queued", subject_type="duplicate_review",
                          subject_ids=[r.id for r in reviews])  # fmt: skip
        uow.commit()
    return FindResult(children=total, pairs=pairs, queued=len(reviews))


def _chunks_of_children(uow: UnitOfWork) -> Iterable[list[uuid.UUID]]:
    """Every indexed child, in id order, a chunk at a time (keyset pagination)."""
    after: uuid.UUID | None = None
    while True:
        query = select(ChildMatchRecord.child_id).order_by(ChildMatchRecord.child_id).limit(CHUNK)
        if after is not None:
            query = query.where(ChildMatchRecord.child_id > after)
        chunk = list(uow.session.scalars(query))
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


def _candidate_pairs(
    uow: UnitOfWork, chunk: list[uuid.UUID], wide: set[str]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Pairs (smaller id first) of a child in the chunk and a child sharing a key with them."""
    keys = {
        key
        for key in uow.session.scalars(
            select(ChildMatchKey.key).where(ChildMatchKey.child_id.in_(chunk))
        )
        if key not in wide
    }
    members: dict[str, list[uuid.UUID]] = defaultdict(list)
    for row in uow.session.execute(
        select(ChildMatchKey.key, ChildMatchKey.child_id).where(ChildMatchKey.key.in_(keys))
    ):
        members[row.key].append(row.child_id)
    mine = set(chunk)
    return {
        (first, second)
        for block in members.values()
        for first in block
        if first in mine
        for second in block
        if first < second
    }


def _new_reviews(
    uow: UnitOfWork, candidates: set[tuple[uuid.UUID, uuid.UUID]], model: MatchModel
) -> list[DuplicateReview]:
    """Score the pairs not queued before and not restricted; keep those a person should see."""
    if not candidates:
        return []
    ids = list({child_id for pair in candidates for child_id in pair})
    restricted = policy.restricted_among(uow.session, ids)
    seen = {
        (row.child_id, row.other_child_id)
        for row in uow.session.execute(
            select(DuplicateReview.child_id, DuplicateReview.other_child_id).where(
                DuplicateReview.child_id.in_({first for first, _second in candidates})
            )
        )
    }
    records = index.indexed_records(uow.session, ids)
    kept = []
    for pair in sorted(candidates - seen):
        if restricted & set(pair):
            continue
        match = score(records[pair[0]], records[pair[1]], model)
        if match.band is not Band.UNLIKELY:
            kept.append(_review(pair, match, records))
    return kept


def _review(
    pair: tuple[uuid.UUID, uuid.UUID], match: MatchScore, records: dict[uuid.UUID, PersonRecord]
) -> DuplicateReview:
    """A queued pair, with the evidence as levels and weights (words are made when shown)."""
    rule = match.rule
    if rule is None and not may_merge_automatically(records[pair[0]], records[pair[1]], match):
        rule = SIBLING_NOTE if match.band is Band.MATCH else None
    return DuplicateReview(
        id=uuid.uuid4(), child_id=pair[0], other_child_id=pair[1],
        probability=match.probability, rule=rule, status=ReviewStatus.OPEN,
        evidence=[{"field": e.field.value, "level": e.level, "weight": round(e.weight, 4)}
                  for e in match.explanation],
        found_at=clock.now(), decided_at=None, decided_by_id=None,
    )  # fmt: skip
