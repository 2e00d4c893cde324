"""Finding a child: candidates by indexed blocking keys, scored and explained, shown by access.

A reader with a basis sees the match and can open the record; anyone else sees a minimal
preview (name, year of birth, postcode district, which agencies are involved — not what
they hold), as ContactPoint did. Restricted children never appear to anyone not named.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from jigsaw import audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.accounts import Organisation
from jigsaw.children import index
from jigsaw.children.models import ChildIdentifier, ChildMatchKey, IdentifierScheme
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching import (
    Band,
    Field,
    MatchModel,
    MatchScore,
    PersonRecord,
    blocking_keys,
    load_model,
    score,
)
from jigsaw.matching.model import NHS_CONFLICT_RULE

CANDIDATE_LIMIT = 500
OWN_ID_RULE = "your organisation's own id for this child"
OWN_ID_TEXT = "your organisation's id: same"
RESULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One child a search found: how well it matched, and what the reader may see."""

    child_id: uuid.UUID
    match: MatchScore
    name: str
    year_of_birth: int | None
    postcode_district: str | None
    agencies: tuple[str, ...]
    may_open: bool


@cache
def matching_model() -> MatchModel:
    """The scorer's parameters, read once per process.

    ``JIGSAW_MATCHING_MODEL`` if set (a file ``jigsaw matching train`` wrote), else the packaged
    default. Search, duplicates and roster linking all score with this one model.
    """
    return load_model(get_settings().matching_model_path)


def find_children(uow: UnitOfWork, actor: Actor, *, query: PersonRecord) -> list[SearchResult]:
    """Children who may be the one described, best first, each audited as shown to the actor.

    Raises:
        PermissionDenied: the actor does no case work.
    """
    policy.require(actor, Permission.CHILD_READ)
    with uow:
        scored, records = _candidates(uow.session, query, actor.organisation_id)
        shown = [(c, s) for c, s in scored if s.band is not Band.UNLIKELY][:RESULT_LIMIT]
        results = _describe(uow, actor, shown, records)
        audit.record_many(uow, actor, "child:found_in_search", subject_type="child",
                          subject_ids=[r.child_id for r in results])  # fmt: skip
        uow.commit()
    return results


def candidates_for_many(
    session: Session, queries: Sequence[PersonRecord], organisation_id: uuid.UUID
) -> list[list[tuple[uuid.UUID, MatchScore]]]:
    """For each record, the children who may be it, best first, not unlikely.

    For a service that matches records to children and audits what it does with them (an
    agency system's posted events). The organisation's own id for a child
    (``other_identifier``) settles it, as in search. Nothing is audited or shown here. The
    blocking keys, the organisation's own ids and the candidates' records are each read once
    for the whole batch: three queries, not three a record.
    """
    keys = [blocking_keys(query) for query in queries]
    by_key: dict[str, list[uuid.UUID]] = defaultdict(list)
    for chunk in _chunks(sorted(set().union(*keys))):
        for key, child_id in session.execute(
            select(ChildMatchKey.key, ChildMatchKey.child_id).where(ChildMatchKey.key.in_(chunk))
        ):
            by_key[key].append(child_id)
    local_ids = {q.other_identifier.strip() for q in queries if q.other_identifier}
    own_by_id = _known_by_own_ids(session, organisation_id, local_ids - {""})
    wanted: list[set[uuid.UUID]] = []
    for query, query_keys in zip(queries, keys, strict=True):
        found: dict[uuid.UUID, None] = {}  # in order, as the database gave them
        for key in query_keys:
            found.update(dict.fromkeys(by_key.get(key, ())))
        chosen = set(list(found)[:CANDIDATE_LIMIT])
        chosen |= own_by_id.get((query.other_identifier or "").strip(), set())
        wanted.append(chosen)
    records: dict[uuid.UUID, PersonRecord] = {}
    for ids in _chunks(sorted(set().union(*wanted))):
        records |= index.indexed_records(session, ids)
    model = matching_model()
    answers = []
    for query, chosen in zip(queries, wanted, strict=True):
        own = own_by_id.get((query.other_identifier or "").strip(), set())
        scored = sorted(
            ((child_id, _scored(query, records[child_id], model, own_id=child_id in own))
             for child_id in chosen if child_id in records),
            key=lambda pair: pair[1].probability,
            reverse=True,
        )  # fmt: skip
        answers.append([(c, m) for c, m in scored if m.band is not Band.UNLIKELY])
    return answers


_T = TypeVar("_T")
_CHUNK = 2_000  # values in one IN list: well inside SQLite's and PostgreSQL's limits


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _known_by_own_ids(
    session: Session, organisation_id: uuid.UUID, local_ids: set[str]
) -> dict[str, set[uuid.UUID]]:
    """The children the organisation itself gave each of these ids."""
    known: dict[str, set[uuid.UUID]] = defaultdict(set)
    for chunk in _chunks(sorted(local_ids)):
        for value, child_id in session.execute(
            select(ChildIdentifier.value, ChildIdentifier.child_id).where(
                ChildIdentifier.scheme == IdentifierScheme.LOCAL,
                ChildIdentifier.issuer_id == organisation_id,
                ChildIdentifier.value.in_(chunk),
            )
        ):
            known[value].add(child_id)
    return known


def _candidates(
    session: Session, query: PersonRecord, organisation_id: uuid.UUID | None
) -> tuple[list[tuple[uuid.UUID, MatchScore]], dict[uuid.UUID, PersonRecord]]:
    """Every candidate by blocking key or own id, scored, best first; and their records."""
    candidates = (
        select(ChildMatchKey.child_id).where(ChildMatchKey.key.in_(blocking_keys(query)))
        .distinct().limit(CANDIDATE_LIMIT)
    )  # fmt: skip
    records = index.indexed_records(session, candidates)
    own = _known_by_own_id(session, organisation_id, query.other_identifier)
    if own - records.keys():
        records |= index.indexed_records(session, list(own - records.keys()))
    model = matching_model()
    scored = sorted(
        ((child_id, _scored(query, record, model, own_id=child_id in own))
         for child_id, record in records.items()),
        key=lambda pair: pair[1].probability,
        reverse=True,
    )  # fmt: skip
    return scored, records


def _known_by_own_id(
    session: Session, organisation_id: uuid.UUID | None, local_id: str | None
) -> set[uuid.UUID]:
    """The children the organisation itself gave this id (its own system's number)."""
    if not local_id or not local_id.strip() or organisation_id is None:
        return set()
    return set(session.scalars(
        select(ChildIdentifier.child_id).where(
            ChildIdentifier.scheme == IdentifierScheme.LOCAL,
            ChildIdentifier.issuer_id == organisation_id,
            ChildIdentifier.value == local_id.strip(),
        )
    ))  # fmt: skip


def _scored(
    query: PersonRecord, record: PersonRecord, model: MatchModel, *, own_id: bool
) -> MatchScore:
    """Score a candidate; the searcher's own organisation's id for the child settles it.

    The organisation linked that id to the child itself (by its roster or a person's
    decision), so it is a match whatever the typed details say, unless the NHS numbers
    conflict, which always means two children.
    """
    if not own_id:
        return score(query, record, model)
    match = score(query, replace(record, other_identifier=query.other_identifier), model)
    if match.rule == NHS_CONFLICT_RULE:
        return match
    explanation = tuple(
        replace(e, level="same", worded=OWN_ID_TEXT) if e.field is Field.OTHER_IDENTIFIER else e
        for e in match.explanation
    )
    return MatchScore(1.0, Band.MATCH, match.match_weight, explanation, rule=OWN_ID_RULE)


def _describe(
    uow: UnitOfWork,
    actor: Actor,
    shown: list[tuple[uuid.UUID, MatchScore]],
    records: dict[uuid.UUID, PersonRecord],
) -> list[SearchResult]:
    """Name, year of birth, district and agencies for each child the actor may see listed.

    A fixed number of queries whatever the number of results.
    """
    ids = [child_id for child_id, _match in shown]
    listed = policy.searchable_among(uow.session, actor, ids)
    openable = policy.reachable_among(uow.session, actor, ids, now=clock.now())
    involved = facts.involved_organisations(uow.session, ids)
    every = set().union(*involved.values()) if involved else set()
    names = {} if not every else dict(
        uow.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(every))
        ).all()
    )  # fmt: skip
    results = []
    for child_id, match in shown:
        if child_id not in listed:
            continue
        record = records[child_id]
        results.append(SearchResult(
            child_id=child_id, match=match, name=f"{record.given_names} {record.family_name}",
            year_of_birth=record.date_of_birth.year if record.date_of_birth else None,
            postcode_district=(record.postcode or "").split(" ")[0] or None,
            agencies=tuple(sorted(names[o] for o in involved.get(child_id, set()))),
            may_open=child_id in openable,
        ))  # fmt: skip
    return results
