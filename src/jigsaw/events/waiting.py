"""Posted events waiting for a person at the posting agency: the review list, one opened.

An agency's event that matched no child surely (``posting.post_events``) waits here for
someone at that agency to say which child it is about, or that it is about none. The
candidates are shown as search shows a child the reader may not open: a minimal preview.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jigsaw import audit
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor
from jigsaw.children import index
from jigsaw.children.search import matching_model
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent, MatchState
from jigsaw.events.posting import identity_of
from jigsaw.events.queries import organisation_names
from jigsaw.events.services import event_text
from jigsaw.matching import Band, PersonRecord, score
from jigsaw.taxonomy.events import category

WAITING_LIMIT = 200
WAITING = (MatchState.POSSIBLE, MatchState.UNMATCHED)


@dataclass(frozen=True, slots=True)
class WaitingLine:
    """A posted event waiting for a person at the posting agency to say which child."""

    id: uuid.UUID
    category: str
    label: str
    occurred_at: datetime
    recorded_at: datetime
    source_system: str
    source_code: str | None
    state: MatchState
    who: str  # as the agency described the child (its own data)
    candidates: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A child the event may be about, as search shows one: a minimal preview."""

    child_id: uuid.UUID
    name: str
    year_of_birth: int | None
    postcode_district: str | None
    agencies: tuple[str, ...]
    band: Band
    may_open: bool


@dataclass(frozen=True, slots=True)
class WaitingEvent:
    """A waiting event opened for review: what the agency sent, and the candidates."""

    line: WaitingLine
    text: str
    identity: dict[str, str | None]
    candidates: list[Candidate]


def waiting_events(uow: UnitOfWork, actor: Actor) -> list[WaitingLine]:
    """The actor's organisation's posted events that found no sure child, oldest first.

    Raises:
        NotFound: the actor does not settle its organisation's matches.
    """
    organisation_id = actor.organisation_id
    if organisation_id is None or not policy.may_review_posted_events(actor, organisation_id):
        raise NotFound("events")
    with uow:
        rows = uow.session.scalars(
            select(ChildEvent)
            .where(ChildEvent.organisation_id == organisation_id,
                   ChildEvent.match_state.in_(WAITING))
            .order_by(ChildEvent.recorded_at, ChildEvent.id).limit(WAITING_LIMIT)
        ).all()  # fmt: skip
        return [_waiting_line(row, _identity(row)) for row in rows]


def open_waiting(uow: UnitOfWork, actor: Actor, event_id: uuid.UUID) -> WaitingEvent:
    """A waiting event with each candidate child as a minimal preview; each shown is audited.

    Raises:
        NotFound: no such event waiting at the actor's organisation (the same answer).
    """
    with uow:
        session = uow.session
        event = session.get(ChildEvent, event_id)
        if (
            event is None
            or event.match_state not in WAITING
            or not policy.may_review_posted_events(actor, event.organisation_id)
        ):
            raise NotFound("event")
        identity = _identity(event)
        candidates = _candidates(session, actor, event, identity)
        audit.record_many(uow, actor, "child:compared", subject_type="child",
                          subject_ids=[c.child_id for c in candidates])  # fmt: skip
        uow.commit()
    return WaitingEvent(line=_waiting_line(event, identity),
                        text=event_text(event.id, event.text_sealed), identity=identity,
                        candidates=candidates)  # fmt: skip


def _identity(event: ChildEvent) -> dict[str, str | None]:
    return {} if event.identity_sealed is None else identity_of(event)


def _waiting_line(event: ChildEvent, identity: dict[str, str | None]) -> WaitingLine:
    who = " ".join(n for n in (identity.get("given_names"), identity.get("family_name")) if n)
    if born := identity.get("date_of_birth"):
        who = f"{who}, born {date.fromisoformat(born).strftime('%-d %B %Y')}".lstrip(", ")
    return WaitingLine(
        id=event.id, category=event.category, label=category(event.category).label,
        occurred_at=event.occurred_at, recorded_at=event.recorded_at,
        source_system=event.source_system, source_code=event.source_code,
        state=event.match_state, who=who or "Not described",
        candidates=len([c for c in (event.candidates or "").split(",") if c]),
    )  # fmt: skip


def _candidates(
    session: Session, actor: Actor, event: ChildEvent, identity: dict[str, str | None]
) -> list[Candidate]:
    """The stored candidates the reviewer may see listed, best first (a fixed number of queries).

    Restricted children are never listed to anyone not named on them, as in search.
    """
    stored = [uuid.UUID(c) for c in (event.candidates or "").split(",") if c]
    records = index.indexed_records(
        session, sorted(policy.searchable_among(session, actor, stored))
    )
    involved = facts.involved_organisations(session, list(records))
    names = organisation_names(session, set().union(*involved.values()) if involved else set())
    openable = policy.reachable_among(session, actor, list(records), now=clock.now())
    asked, model = _person(identity), matching_model()
    found = []
    for child_id, record in records.items():
        found.append(Candidate(
            child_id=child_id, name=f"{record.given_names} {record.family_name}".strip(),
            year_of_birth=record.date_of_birth.year if record.date_of_birth else None,
            postcode_district=(record.postcode or "").split(" ")[0] or None,
            agencies=tuple(sorted(names[o] for o in involved.get(child_id, set()) if o in names)),
            band=score(asked, record, model).band, may_open=child_id in openable,
        ))  # fmt: skip
    order = {child_id: place for place, child_id in enumerate(stored)}
    return sorted(found, key=lambda c: order[c.child_id])


def _person(identity: dict[str, str | None]) -> PersonRecord:
    born = identity.get("date_of_birth")
    return PersonRecord(
        given_names=identity.get("given_names") or "",
        family_name=identity.get("family_name") or "",
        date_of_birth=date.fromisoformat(born) if born else None,
        postcode=identity.get("postcode"), nhs_number=identity.get("nhs_number"),
        upn=identity.get("upn"), other_identifier=identity.get("local_id"),
    )  # fmt: skip
