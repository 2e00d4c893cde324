"""Writing events: Jigsaw's own (in the caller's transaction), agencies' posted ones, marks.

Every event is queued for the alert rules (``EventWaiting``) in the transaction that
writes it, and the worker is woken once it commits: the rules see events as they arrive.
"""

import threading
import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Uuid, column, select, table

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.core import clock, encryption
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent, EventAudience, EventWaiting, MatchState
from jigsaw.events.rules import JIGSAW
from jigsaw.taxonomy.events import category

# Set when a commit queued events; the worker's rule job waits on it as well as its tick.
RULES_WAKE = threading.Event()


def wake_rules() -> None:
    """Ask a running worker to evaluate the queued events now."""
    RULES_WAKE.set()


def record(
    uow: UnitOfWork,
    *,
    child_id: uuid.UUID,
    organisation_id: uuid.UUID,
    code: str,
    occurred_at: datetime,
    text: str,
    record_kind: str | None = None,
    record_id: uuid.UUID | None = None,
    shared_with: Iterable[uuid.UUID] = (),
    open_to_all: bool = False,
) -> ChildEvent:
    """One of Jigsaw's own events, in the caller's transaction (never commits).

    ``text`` says what happened from codes and organisation names only; the record it is
    about (``record_kind``, ``record_id``) holds the rest, behind its own access rules.
    ``shared_with``: organisations besides the holder that may see it.
    """
    event_id = uuid.uuid4()
    now = clock.now()
    event = ChildEvent(
        id=event_id, child_id=child_id, organisation_id=organisation_id, category=code,
        occurred_at=occurred_at, recorded_at=now, source_system=JIGSAW,
        source_event_id=f"jigsaw:{event_id}", source_code=None,
        text_sealed=encryption.seal("child_events", "text_sealed", event_id, text),
        record_kind=record_kind, record_id=record_id, open_to_all=open_to_all,
        significant=category(code).significant, match_state=MatchState.MATCHED,
    )  # fmt: skip
    session = uow.session
    session.add(event)
    session.flush()  # the event before the rows that name it
    audiences = {o for o in shared_with if o != organisation_id}
    session.add_all(EventAudience(event_id=event_id, organisation_id=o) for o in audiences)
    session.add(EventWaiting(event_id=event_id, queued_at=now))
    uow.on_commit(wake_rules)
    return event


def mark_significant(
    uow: UnitOfWork, actor: Actor, *, child_id: uuid.UUID, event_id: uuid.UUID, significant: bool
) -> None:
    """Mark (or unmark) an event on a child's chronology as significant; audited.

    Raises:
        NotFound: no such event on this child, or the actor may not see or mark it.
    """
    with uow:
        session, now = uow.session, clock.now()
        access = policy.child_access(session, actor, child_id, now=now)
        event = session.get(ChildEvent, event_id)
        if access is None or event is None or event.child_id not in family(uow, child_id):
            raise NotFound("event")
        scope = policy.chronology_scope(actor, access)
        if not _visible(uow, scope, event) or not policy.may_mark_event(
            actor, scope, event.organisation_id
        ):
            raise NotFound("event")
        event.significant = significant
        event.marked_by_id = actor.id
        event.marked_at = now
        audit.record(uow, actor, "event:marked" if significant else "event:unmarked",
                     subject_type="child_event", subject_id=event_id, child_id=child_id,
                     basis=access.basis, basis_id=access.basis_id)  # fmt: skip
        uow.commit()


# The child index's table, named rather than imported: the children package records events.
_CHILDREN = table("children", column("id", Uuid), column("merged_into_id", Uuid))


def family(uow: UnitOfWork, child_id: uuid.UUID) -> set[uuid.UUID | None]:
    """The child and the duplicate records merged into it: their events are the child's."""
    merged = uow.session.scalars(
        select(_CHILDREN.c.id).where(_CHILDREN.c.merged_into_id == child_id)
    )
    return {child_id, *merged}


def _visible(uow: UnitOfWork, scope: policy.ChronologyScope, event: ChildEvent) -> bool:
    if scope.everything or event.open_to_all or event.organisation_id == scope.organisation_id:
        return True
    return (
        scope.organisation_id is not None
        and uow.session.get(EventAudience, (event.id, scope.organisation_id)) is not None
    )


def event_text(event_id: uuid.UUID, sealed: str | None) -> str:
    """An event's words (empty when it has none)."""
    if sealed is None:
        return ""
    return encryption.unseal("child_events", "text_sealed", event_id, sealed)


_ORGANISATIONS = table("organisations", column("id", Uuid), column("name"))


def organisation_names(uow: UnitOfWork, organisation_ids: Iterable[uuid.UUID]) -> str:
    """Organisations' names, in order of the ids, joined for an event's words."""
    ids = list(dict.fromkeys(organisation_ids))
    query = select(_ORGANISATIONS.c.id, _ORGANISATIONS.c.name).where(_ORGANISATIONS.c.id.in_(ids))
    names = {row.id: row.name for row in uow.session.execute(query)}
    return ", ".join(str(names[i]) for i in ids if i in names)
