"""Events posted by agencies' systems: accepted in batches, matched to a child, reviewed.

Apart from ``services`` because it finds children through the child index
(``children.search``), and the children package itself records Jigsaw's own events.
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import or_, select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.accounts import Organisation
from jigsaw.children import search
from jigsaw.children.models import ChildFlag, FlagKind
from jigsaw.core import clock, encryption
from jigsaw.core.db import Base, insert_many
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent, EventWaiting, MatchState
from jigsaw.events.rules import Identity, PostedEvent, check_posted, surely
from jigsaw.events.services import wake_rules
from jigsaw.matching import PersonRecord
from jigsaw.taxonomy.events import category

BATCH_MOST = 500


@dataclass(frozen=True, slots=True)
class PlanNotice:
    """What an agency is told when its event is about a child on a plan.

    As CP-IS tells unscheduled care: the plan, the council holding it, and whom to call.
    No case detail.
    """

    plan: str  # a flag kind: child_protection_plan, looked_after, unborn_child_protection_plan
    council: str
    phone: str | None
    out_of_hours_phone: str | None


@dataclass(frozen=True, slots=True)
class Accepted:
    """What happened to one posted event."""

    source_event_id: str
    event_id: uuid.UUID | None
    state: MatchState | None  # None: refused (see problems)
    replayed: bool = False
    problems: dict[str, str] | None = None
    child_id: uuid.UUID | None = None  # the child it matched (never sent back to the agency)
    on_plan: tuple[PlanNotice, ...] = ()  # the child is on a plan: whom to call


def post_events(uow: UnitOfWork, actor: Actor, events: Sequence[PostedEvent]) -> list[Accepted]:
    """Accept a batch of an agency's events, each matched to a child in the index.

    One transaction for the batch; an event whose id the agency sent before is the same
    event (replayed, not written twice) unless it now says something different (refused).
    An event with problems is refused with them and the rest are accepted. An event surely
    about one child goes on that child's chronology; otherwise it waits for a person at the
    agency to say which child (``review_posted``).

    Raises:
        PermissionDenied: the actor is not an agency's system allowed to post events.
        Invalid: an empty batch, or more than ``BATCH_MOST`` events.
    """
    if not policy.may_post_events(actor):
        policy.require(actor, Permission.EVENT_POST)
        raise Invalid({"token": "Post events with your agency's system's token"})
    if not events:
        raise Invalid({"events": "Send at least one event"})
    if len(events) > BATCH_MOST:
        raise Invalid({"events": f"Send {BATCH_MOST} events or fewer at a time"})
    organisation_id = actor.organisation_id
    assert organisation_id is not None  # noqa: S101 - may_post_events checked it
    with uow:
        results = _with_plans(uow, actor, _post(uow, actor, organisation_id, events))
        uow.commit()
    return results


_TOLD = (FlagKind.CHILD_PROTECTION_PLAN, FlagKind.LOOKED_AFTER,
         FlagKind.UNBORN_CHILD_PROTECTION_PLAN)  # fmt: skip


def _with_plans(uow: UnitOfWork, actor: Actor, results: list[Accepted]) -> list[Accepted]:
    """Each matched event's answer with the child's current plans, if any (audited)."""
    children = {r.child_id for r in results if r.child_id is not None}
    if not children:
        return results
    today = clock.today()
    rows = uow.session.execute(
        select(ChildFlag.child_id, ChildFlag.kind, Organisation.name, Organisation.phone,
               Organisation.out_of_hours_phone)
        .join(Organisation, Organisation.id == ChildFlag.recorded_by_id)
        .where(ChildFlag.child_id.in_(children), ChildFlag.kind.in_(_TOLD),
               ChildFlag.started_on <= today,
               or_(ChildFlag.ended_on.is_(None), ChildFlag.ended_on >= today))
    ).all()  # fmt: skip
    plans: dict[uuid.UUID, list[PlanNotice]] = {}
    for child_id, kind, council, phone, out_of_hours in rows:
        if child_id is None:  # an unborn child's plan is held against the parent
            continue
        plans.setdefault(child_id, []).append(PlanNotice(str(kind), council, phone, out_of_hours))
    for child_id in plans:
        audit.record(uow, actor, "event:plan_told", subject_type="child", subject_id=child_id,
                     child_id=child_id)  # fmt: skip
    return [
        replace(r, on_plan=tuple(plans[r.child_id])) if r.child_id in plans else r for r in results
    ]


def _post(
    uow: UnitOfWork, actor: Actor, organisation_id: uuid.UUID, events: Sequence[PostedEvent]
) -> list[Accepted]:
    session, now = uow.session, clock.now()
    ids = list({e.source_event_id for e in events})
    known = {
        row.source_event_id: row
        for row in session.scalars(
            select(ChildEvent).where(
                ChildEvent.organisation_id == organisation_id,
                ChildEvent.source_event_id.in_(ids),
            )
        )
    }
    results: list[Accepted] = []
    rows: list[dict[str, object]] = []
    waiting: list[dict[str, object]] = []
    matched: list[tuple[uuid.UUID, uuid.UUID]] = []
    seen: dict[str, Accepted] = {}
    # Match the batch's new events in one go (three queries, not three an event).
    problems_of = {id(e): check_posted(e, now=now) for e in events}
    new = [e for e in events if e.source_event_id not in known and not problems_of[id(e)]]
    people = search.candidates_for_many(session, [_person(e.child) for e in new], organisation_id)
    candidates_of = {id(event): found for event, found in zip(new, people, strict=True)}
    for event in events:
        if problems := problems_of[id(event)]:
            results.append(Accepted(event.source_event_id, None, None, problems=problems))
            continue
        if (earlier := known.get(event.source_event_id)) is not None:
            results.append(_replayed(event, earlier))
            continue
        if event.source_event_id in seen:  # twice in one batch: the first one counts
            results.append(seen[event.source_event_id])
            continue
        event_id = uuid.uuid4()
        candidates = candidates_of[id(event)]
        child_id = surely(candidates)
        state = (
            MatchState.MATCHED if child_id else
            MatchState.POSSIBLE if candidates else MatchState.UNMATCHED
        )  # fmt: skip
        rows.append({
            "id": event_id, "child_id": child_id, "organisation_id": organisation_id,
            "category": event.category, "occurred_at": event.occurred_at,
            "recorded_at": now, "source_system": event.source_system.strip() or _system(actor),
            "source_event_id": event.source_event_id, "source_code": event.source_code,
            "text_sealed": encryption.seal("child_events", "text_sealed", event_id, event.text),
            "record_kind": None, "record_id": None, "open_to_all": False,
            "significant": category(event.category).significant, "marked_by_id": None,
            "marked_at": None, "match_state": state,
            "identity_sealed": None if child_id else encryption.seal(
                "child_events", "identity_sealed", event_id, _identity_json(event.child)),
            "candidates": None if child_id else ",".join(str(c) for c, _ in candidates[:10]),
            "reviewed_by_id": None, "reviewed_at": None,
        })  # fmt: skip
        if child_id is not None:
            waiting.append({"event_id": event_id, "queued_at": now})
            matched.append((event_id, child_id))
        accepted = Accepted(event.source_event_id, event_id, state, child_id=child_id)
        seen[event.source_event_id] = accepted
        results.append(accepted)
    if rows:
        tables = Base.metadata.tables
        insert_many(session, tables[ChildEvent.__tablename__], rows)
        insert_many(session, tables[EventWaiting.__tablename__], waiting)
        audit.record_many(uow, actor, "event:posted", subject_type="child_event",
                          subject_ids=[e for e, _ in matched],
                          child_ids=[c for _, c in matched])  # fmt: skip
        unmatched = [a.event_id for a in seen.values() if a.child_id is None]
        audit.record_many(uow, actor, "event:posted_unmatched", subject_type="child_event",
                          subject_ids=unmatched)  # fmt: skip
        if waiting:
            uow.on_commit(wake_rules)
    return results


def _replayed(event: PostedEvent, earlier: ChildEvent) -> Accepted:
    """The same event sent again: the first answer, or a conflict if it now differs."""
    same = (
        earlier.category == event.category
        and earlier.occurred_at == event.occurred_at
        and earlier.source_code == event.source_code
    )
    if not same:
        return Accepted(
            event.source_event_id, None, None,
            problems={"source_event_id": "This id was sent before for a different event"},
        )  # fmt: skip
    return Accepted(event.source_event_id, earlier.id, earlier.match_state, replayed=True,
                    child_id=earlier.child_id)  # fmt: skip


def _person(who: Identity) -> PersonRecord:
    return PersonRecord(
        given_names=who.given_names, family_name=who.family_name,
        date_of_birth=who.date_of_birth, postcode=who.postcode, nhs_number=who.nhs_number,
        upn=who.upn, other_identifier=who.local_id,
    )  # fmt: skip


def _identity_json(who: Identity) -> str:
    return json.dumps({
        "given_names": who.given_names, "family_name": who.family_name,
        "date_of_birth": who.date_of_birth.isoformat() if who.date_of_birth else None,
        "nhs_number": who.nhs_number, "upn": who.upn, "postcode": who.postcode,
        "local_id": who.local_id,
    })  # fmt: skip


def _system(actor: Actor) -> str:
    return "Agency system" if actor.purpose is None else actor.purpose[:100]


def review_posted(
    uow: UnitOfWork, actor: Actor, *, event_id: uuid.UUID, child_id: uuid.UUID | None
) -> ChildEvent:
    """A person at the posting agency says which child an event is about, or none.

    ``child_id`` None sets the event aside (about no child in the index). A chosen child
    must be one of the event's candidates or one the reviewer may reach.

    Raises:
        NotFound: no such event waiting at the actor's organisation, or a child they may
            not reach.
        Conflict: the event was already matched or set aside.
    """
    with uow:
        session, now = uow.session, clock.now()
        event = session.get(ChildEvent, event_id)
        if event is None or not policy.may_review_posted_events(actor, event.organisation_id):
            raise NotFound("event")
        if event.match_state not in {MatchState.POSSIBLE, MatchState.UNMATCHED}:
            raise Conflict("this event has already been matched or set aside")
        if child_id is not None:
            offered = {c for c in (event.candidates or "").split(",") if c}
            reachable = policy.child_access(session, actor, child_id, now=now) is not None
            if str(child_id) not in offered and not reachable:
                raise NotFound("child")
            event.child_id = child_id
            event.match_state = MatchState.MATCHED
            session.add(EventWaiting(event_id=event.id, queued_at=now))
            uow.on_commit(wake_rules)
        else:
            event.match_state = MatchState.SET_ASIDE
        event.identity_sealed = None  # the child is found, or it is about none: not kept
        event.candidates = None
        event.reviewed_by_id = actor.id
        event.reviewed_at = now
        audit.record(uow, actor, "event:matched" if child_id else "event:set_aside",
                     subject_type="child_event", subject_id=event.id,
                     child_id=child_id)  # fmt: skip
        uow.commit()
    return event


def identity_of(event: ChildEvent) -> dict[str, str | None]:
    """A waiting posted event's identity details, for its reviewer."""
    text = encryption.unseal("child_events", "identity_sealed", event.id, event.identity_sealed)
    loaded: dict[str, str | None] = json.loads(text)
    return loaded
