"""Merging a duplicate child record into the one kept, and undoing exactly that.

What moves from the merged-away record to the kept one, and why:

- names: each name the kept record lacks; the merged record's legal name becomes an alias
  ("also known as"), because a child has one legal name and the other agency's spelling is
  how they knew the child;
- identifiers (NHS number, UPN, local ids) and addresses the kept record lacks: they are
  how agencies will look the child up;
- relationships (parents, carers, household, brothers and sisters, in both directions),
  except one between the two records themselves, and ones the kept record already has;
- status flags (plans, looked after, child in need): the child's status must not be lost;
- involvements and open MASH cases (``access.facts``): the agencies working with the child
  keep reaching them.

What stays: break-glass grants (each was given, and is reviewed, for the record as it was
opened), the audit log (what happened to which record, then), duplicate reviews and link
reviews (decisions as they were made). Identical rows stay on the merged record: nothing
is lost, and unmerging need not touch them.

``ChildMerge.moved`` lists every moved row as ``{"table", "id", "column"}`` (and ``"kind"``
for a legal name turned alias); unmerging points exactly those back. Merging is always a
person's decision (``policy.may_merge_children``): Jigsaw never merges on its own.
"""

import uuid
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import or_, select

from jigsaw import audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.children import index
from jigsaw.children.models import (
    Child,
    ChildAddress,
    ChildFlag,
    ChildIdentifier,
    ChildMerge,
    ChildName,
    ChildRelationship,
    DuplicateReview,
    IdentifierScheme,
    NameKind,
    ReviewStatus,
)
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching.identifiers import normalise_nhs_number

REASON_MIN_LENGTH = 20
NHS_CONFLICT = (
    "These records have different NHS numbers, so they are different children. "
    "They cannot be merged."
)

Moved = dict[str, str]
_MODELS: dict[str, type[Any]] = {
    "child_names": ChildName,
    "child_identifiers": ChildIdentifier,
    "child_addresses": ChildAddress,
    "child_relationships": ChildRelationship,
    "child_flags": ChildFlag,
}


def merge_children(
    uow: UnitOfWork, actor: Actor, *, kept_id: uuid.UUID, merged_id: uuid.UUID, reason: str
) -> ChildMerge:
    """Merge a duplicate record into the one kept; links to it then lead to the kept record.

    Raises:
        NotFound: either child is missing, or the actor may not merge them (restricted
            children are never merged).
        Invalid: no reason, the same record twice, or different NHS numbers (never merged).
        Conflict: either record has already been merged away.
    """
    cleaned = checked_reason(reason)
    with uow:
        merge = merge_pair(uow, actor, kept_id=kept_id, merged_id=merged_id, reason=cleaned)
        uow.commit()
    return merge


def reason_problems(reason: str) -> dict[str, str]:
    """What is wrong with a merge's reason, if anything: a reviewer must understand it."""
    if len(" ".join(reason.split())) < REASON_MIN_LENGTH:
        return {"reason": "Say why these records are the same child, in a sentence or two"}
    return {}


def checked_reason(reason: str) -> str:
    """The reason for a merge, tidied.

    Raises:
        Invalid: too short to stand behind.
    """
    if problems := reason_problems(reason):
        raise Invalid(problems)
    return " ".join(reason.split())


def merge_pair(
    uow: UnitOfWork, actor: Actor, *, kept_id: uuid.UUID, merged_id: uuid.UUID, reason: str
) -> ChildMerge:
    """Merge inside the caller's transaction (never commits); see ``merge_children``."""
    if kept_id == merged_id:
        raise Invalid({"keep": "Choose two different records"})
    session = uow.session
    kept, merged = session.get(Child, kept_id), session.get(Child, merged_id)
    if kept is None or merged is None:
        raise NotFound("child")
    if not policy.may_merge_children(session, actor, [kept_id, merged_id]):
        raise NotFound("child")
    if kept.merged_into_id is not None or merged.merged_into_id is not None:
        raise Conflict("one of these records has already been merged")
    _refuse_different_nhs_numbers(uow, kept_id, merged_id)
    moved = _move_rows(uow, from_id=merged_id, to_id=kept_id)
    fact_rows = facts.facts_about(session, merged_id)
    facts.move_facts(session, fact_rows, to_child_id=kept_id)
    moved += [
        {"table": table, "id": str(row_id), "column": "child_id"} for table, row_id in fact_rows
    ]
    merged.merged_into_id = kept_id
    merge = ChildMerge(
        id=uuid.uuid4(), kept_id=kept_id, merged_id=merged_id, merged_by_id=_user_id(actor),
        merged_at=clock.now(), reason=reason, moved=moved,
    )  # fmt: skip
    session.add(merge)
    index.reindex(session, [kept_id, merged_id])
    audit.record_many(uow, actor, "child:merged", subject_type="child",
                      subject_ids=[kept_id, merged_id])  # fmt: skip
    return merge


def unmerge_children(uow: UnitOfWork, actor: Actor, *, merge_id: uuid.UUID) -> ChildMerge:
    """Undo a merge: point every moved row back, and the merged record stands alone again.

    Raises:
        NotFound: no such merge, or the actor may not merge (or unmerge) these children.
        Conflict: already undone, or a later merge moved these details on (undo that first).
    """
    with uow:
        session = uow.session
        merge = session.get(ChildMerge, merge_id)
        if merge is None:
            raise NotFound("merge")
        if not policy.may_merge_children(session, actor, [merge.kept_id, merge.merged_id]):
            raise NotFound("merge")
        if merge.unmerged_at is not None:
            raise Conflict("this merge has already been undone")
        _check_still_in_place(uow, merge)
        _move_back(uow, merge)
        merged = session.get(Child, merge.merged_id)
        assert merged is not None  # noqa: S101 - checked in _check_still_in_place
        merged.merged_into_id = None
        merge.unmerged_at, merge.unmerged_by_id = clock.now(), _user_id(actor)
        _settle_reviews(uow, actor, merge)
        index.reindex(session, [merge.kept_id, merge.merged_id])
        audit.record_many(uow, actor, "child:unmerged", subject_type="child",
                          subject_ids=[merge.kept_id, merge.merged_id])  # fmt: skip
        uow.commit()
    return merge


def _user_id(actor: Actor) -> uuid.UUID | None:
    return actor.id if actor.kind is ActorKind.USER else None


def _refuse_different_nhs_numbers(
    uow: UnitOfWork, kept_id: uuid.UUID, merged_id: uuid.UUID
) -> None:
    """A hard rule over any score: a child has one NHS number (guidance.md §6.1)."""
    rows = uow.session.execute(
        select(ChildIdentifier.child_id, ChildIdentifier.value).where(
            ChildIdentifier.child_id.in_([kept_id, merged_id]),
            ChildIdentifier.scheme == IdentifierScheme.NHS_NUMBER,
        )
    )
    numbers: dict[uuid.UUID, set[str]] = {kept_id: set(), merged_id: set()}
    for child_id, value in rows:
        numbers[child_id].add(normalise_nhs_number(value))
    if numbers[kept_id] and numbers[merged_id] - numbers[kept_id]:
        raise Invalid({"keep": NHS_CONFLICT})


def _move_rows(uow: UnitOfWork, *, from_id: uuid.UUID, to_id: uuid.UUID) -> list[Moved]:
    """Repoint the merged record's rows the kept one lacks, listing each (never commits)."""
    moved: list[Moved] = []
    for table, same in _SAMENESS.items():
        model = _MODELS[table]
        have = {
            same(row) for row in uow.session.scalars(select(model).where(model.child_id == to_id))
        }
        for row in uow.session.scalars(select(model).where(model.child_id == from_id)):
            if same(row) in have:
                continue
            entry = {"table": table, "id": str(row.id), "column": "child_id"}
            if isinstance(row, ChildName) and row.kind is NameKind.LEGAL:
                entry["kind"] = NameKind.LEGAL.value
                row.kind = NameKind.ALIAS
            row.child_id = to_id
            moved.append(entry)
    moved += _move_relationships(uow, from_id=from_id, to_id=to_id)
    uow.flush()
    return moved


def _move_relationships(uow: UnitOfWork, *, from_id: uuid.UUID, to_id: uuid.UUID) -> list[Moved]:
    """Move relationships recorded either way round (a sibling's row may name the child).

    Not one between the two records themselves, nor one the kept record already has.
    """

    def naming(child_id: uuid.UUID) -> list[ChildRelationship]:
        return list(uow.session.scalars(select(ChildRelationship).where(or_(
            ChildRelationship.child_id == child_id, ChildRelationship.related_child_id == child_id
        ))))  # fmt: skip

    have = {_relative_of(row, to_id) for row in naming(to_id)}
    moved = []
    for row in naming(from_id):
        if to_id in {row.child_id, row.related_child_id} or _relative_of(row, from_id) in have:
            continue
        column = "child_id" if row.child_id == from_id else "related_child_id"
        setattr(row, column, to_id)
        moved.append({"table": "child_relationships", "id": str(row.id), "column": column})
    return moved


def _relative_of(row: ChildRelationship, child_id: uuid.UUID) -> Hashable:
    """Who a relationship row relates the child to, and how, whichever way it was recorded."""
    other = row.related_child_id if row.child_id == child_id else row.child_id
    return (row.kind, row.adult_id, other if row.adult_id is None else None)


def _name_key(row: ChildName) -> Hashable:
    return (" ".join(row.given_names.lower().split()), " ".join(row.family_name.lower().split()))


def _identifier_key(row: ChildIdentifier) -> Hashable:
    return (row.scheme, row.issuer_id, "".join(row.value.upper().split()))


def _address_key(row: ChildAddress) -> Hashable:
    return (row.address_id, row.valid_from, row.valid_to)


def _flag_key(row: ChildFlag) -> Hashable:
    return row.id  # a status is never the same row twice: every flag moves


# How each table tells that a row says what the kept record already says.
_SAMENESS: dict[str, Callable[[Any], Hashable]] = {
    "child_names": _name_key,
    "child_identifiers": _identifier_key,
    "child_addresses": _address_key,
    "child_flags": _flag_key,
}


def _check_still_in_place(uow: UnitOfWork, merge: ChildMerge) -> None:
    """Refuse to unmerge when a later merge has moved the kept record or its rows on."""
    session = uow.session
    kept, merged = session.get(Child, merge.kept_id), session.get(Child, merge.merged_id)
    if kept is None or merged is None or merged.merged_into_id != merge.kept_id:
        raise Conflict("the records have changed since the merge")
    if kept.merged_into_id is not None:
        raise Conflict("the kept record has since been merged again: undo that merge first")
    for table, entries in _by_table(merge.moved).items():
        if table in _MODELS:
            model = _MODELS[table]
            rows = session.scalars(select(model).where(model.id.in_(entries))).all()
            in_place = [row for row in rows if getattr(row, entries[row.id]) == merge.kept_id]
            if len(in_place) != len(entries):
                raise Conflict("the records have changed since the merge")
    fact_rows = _fact_rows(merge.moved)
    if facts.facts_pointing_at(session, fact_rows, merge.kept_id) != len(fact_rows):
        raise Conflict("the records have changed since the merge")


def _move_back(uow: UnitOfWork, merge: ChildMerge) -> None:
    """Point exactly the moved rows back at the merged record (never commits)."""
    session = uow.session
    kinds = {uuid.UUID(e["id"]): e["kind"] for e in merge.moved if "kind" in e}
    for table, entries in _by_table(merge.moved).items():
        if table in _MODELS:
            model = _MODELS[table]
            for row in session.scalars(select(model).where(model.id.in_(entries))):
                setattr(row, entries[row.id], merge.merged_id)
                if row.id in kinds:
                    row.kind = NameKind(kinds[row.id])
    facts.move_facts(session, _fact_rows(merge.moved), to_child_id=merge.merged_id)
    uow.flush()


def _by_table(moved: list[Moved]) -> dict[str, dict[uuid.UUID, str]]:
    """The moved rows grouped by table: each row's id and the column that was repointed."""
    grouped: dict[str, dict[uuid.UUID, str]] = {}
    for entry in moved:
        grouped.setdefault(entry["table"], {})[uuid.UUID(entry["id"])] = entry["column"]
    return grouped


def _fact_rows(moved: list[Moved]) -> list[tuple[str, uuid.UUID]]:
    return [(e["table"], uuid.UUID(e["id"])) for e in moved if e["table"] not in _MODELS]


def _settle_reviews(uow: UnitOfWork, actor: Actor, merge: ChildMerge) -> None:
    """Undoing a merge says the two are not the same child: settle their review so."""
    pair = sorted([merge.kept_id, merge.merged_id])
    review = uow.session.scalars(
        select(DuplicateReview).where(
            DuplicateReview.child_id == pair[0], DuplicateReview.other_child_id == pair[1]
        )
    ).first()
    if review is not None:
        review.status = ReviewStatus.NOT_DUPLICATE
        review.decided_at, review.decided_by_id = clock.now(), _user_id(actor)
