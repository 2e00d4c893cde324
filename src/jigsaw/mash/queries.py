"""The MASH queue (with its filters) and one contact as the MASH works it."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, Select, and_, or_, select
from sqlalchemy.orm import aliased

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation, ServiceAccount, User
from jigsaw.children.queries import identities_of
from jigsaw.core.encryption import unseal
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.mash.models import ContactEvent, MashContact
from jigsaw.mash.rules import Action, ContactState, Outcome, allowed_actions
from jigsaw.sharing import queries as sharing
from jigsaw.sharing.models import Concern

QUEUE_LIMIT = 200
OPEN_STATES = [state for state in ContactState if state.is_open]


class QueueView(StrEnum):
    """The queue's filters."""

    OPEN = "open"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class QueueLine:
    """One contact in the queue."""

    id: uuid.UUID
    reference: str
    who: str
    born_on: date | None
    source: str
    urgency: str
    due_at: datetime
    overdue: bool
    state: ContactState
    assigned_to: str | None
    social_care_involved: bool
    immediate_danger: bool


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a contact's lifecycle, its reason opened."""

    action: str
    to_state: ContactState
    by: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """A contact with its concern, its history, who may take it, and what may be done next."""

    contact: MashContact
    concern: sharing.ConcernRecord
    events: list[Event]
    staff: list[tuple[uuid.UUID, str]]
    actions: list[Action]
    may_decide: bool
    rationale: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class ContactSummary:
    """A contact as its MASH's system reads it: history and decision, without the concern."""

    contact: MashContact
    reference: str
    events: list[Event]
    rationale: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class DecisionLine:
    """A decided contact, for a council's case management system to take: ids, no names."""

    id: uuid.UUID
    concern_id: uuid.UUID
    reference: str
    child_id: uuid.UUID | None
    source_organisation_id: uuid.UUID
    state: ContactState
    urgency: str
    outcome: Outcome
    decided_at: datetime
    social_care_involved: bool


def queue(
    uow: UnitOfWork, actor: Actor, *, view: QueueView = QueueView.OPEN, now: datetime
) -> list[QueueLine]:
    """The actor's MASH's contacts, most urgent first (by due time); the listing is audited."""
    organisation_id = actor.organisation_id
    if organisation_id is None or not policy.may_screen_contacts(actor, organisation_id):
        raise NotFound("queue")
    with uow:
        # Only the columns a line shows: whole contacts and concerns (their JSON, sealed text
        # and every id made a UUID) cost more to load than the rest of the page.
        query = _filtered(select(*_QUEUE_COLUMNS), actor, view, now)
        rows = uow.session.execute(query.limit(QUEUE_LIMIT)).all()
        lines = _lines(uow, rows, now)
        if lines:
            audit.record_many(uow, actor, "contact:listed", subject_type="mash_contact",
                              subject_ids=[line.id for line in lines])  # fmt: skip
        uow.commit()
    return lines


def open_contact(
    uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID, now: datetime
) -> ContactRecord:
    """A contact as its MASH works it: the concern (an audited read), history, next steps.

    Raises:
        NotFound: no such contact, or not one of the actor's MASH (the same answer).
    """
    with uow:
        concern_id = _access_contact(uow, actor, contact_id).concern_id
    concern = sharing.open_concern(uow, actor, concern_id=concern_id)
    with uow:
        contact = uow.session.get_one(MashContact, contact_id)
        events = _events(uow, contact.id)
        staff = uow.session.execute(
            select(User.id, User.display_name)
            .where(User.organisation_id == contact.organisation_id, User.is_active.is_(True))
            .order_by(User.display_name)
        ).all()
        audit.record(uow, actor, "contact:viewed", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    rationale = unseal("mash_contacts", "rationale_sealed", contact.id, contact.rationale_sealed)
    return ContactRecord(
        contact=contact, concern=concern, events=events,
        staff=[(row[0], row[1]) for row in staff],
        actions=[a for a in allowed_actions(contact.state) if a is not Action.REVOKE],
        may_decide=policy.may_decide_contacts(actor, contact.organisation_id),
        rationale=rationale, overdue=contact.state.is_open and contact.due_at < now,
    )  # fmt: skip


def get_contact(
    uow: UnitOfWork, actor: Actor, *, contact_id: uuid.UUID, now: datetime
) -> ContactSummary:
    """A contact for its MASH's system: where it is, its history and decision (audited).

    Unlike ``open_contact`` it does not open the concern: a system reads the child through
    the children API, and the concern stays with those who receive it.

    Raises:
        NotFound: no such contact, or not one of the actor's MASH (the same answer).
    """
    with uow:
        contact = _access_contact(uow, actor, contact_id)
        reference = uow.session.get_one(Concern, contact.concern_id).reference
        events = _events(uow, contact.id)
        audit.record(uow, actor, "contact:viewed", subject_type="mash_contact",
                     subject_id=contact.id, child_id=contact.child_id)  # fmt: skip
        uow.commit()
    rationale = unseal("mash_contacts", "rationale_sealed", contact.id, contact.rationale_sealed)
    return ContactSummary(contact=contact, reference=reference, events=events,
                          rationale=rationale,
                          overdue=contact.state.is_open and contact.due_at < now)  # fmt: skip


def list_decisions(
    uow: UnitOfWork,
    actor: Actor,
    *,
    since: datetime | None,
    after: uuid.UUID | None,
    limit: int,
) -> list[DecisionLine]:
    """The actor's MASH's decided (and since closed) contacts, oldest decision first (audited).

    Only those decided after ``since``; ``after``, the last contact a caller has already
    taken (decided at ``since``), breaks ties between contacts decided at the same moment.

    Raises:
        NotFound: the actor does not work a MASH's contacts.
    """
    organisation_id = actor.organisation_id
    if organisation_id is None or not policy.may_screen_contacts(actor, organisation_id):
        raise NotFound("decisions")
    query = (
        select(MashContact, Concern.reference)
        .join(Concern, Concern.id == MashContact.concern_id)
        .where(MashContact.organisation_id == organisation_id)
        .where(MashContact.decided_at.is_not(None))
        .order_by(MashContact.decided_at, MashContact.id)
    )
    if since is not None:
        later = MashContact.decided_at > since
        if after is not None:
            later = or_(later, and_(MashContact.decided_at == since, MashContact.id > after))
        query = query.where(later)
    with uow:
        rows = uow.session.execute(query.limit(limit)).all()
        audit.record_many(uow, actor, "contact:listed", subject_type="mash_contact",
                          subject_ids=[row[0].id for row in rows])  # fmt: skip
        uow.commit()
    return [_decision(contact, reference) for contact, reference in rows]


def _access_contact(uow: UnitOfWork, actor: Actor, contact_id: uuid.UUID) -> MashContact:
    """The contact, if it is one of the actor's MASH's; otherwise not found (the same answer)."""
    contact = uow.session.get(MashContact, contact_id)
    if contact is None or not policy.may_screen_contacts(actor, contact.organisation_id):
        raise NotFound("contact")
    return contact


def _decision(contact: MashContact, reference: str) -> DecisionLine:
    assert contact.decided_at is not None  # noqa: S101 - selected by its decision time
    assert contact.outcome is not None  # noqa: S101 - decided with an outcome
    return DecisionLine(
        id=contact.id, concern_id=contact.concern_id, reference=reference,
        child_id=contact.child_id, source_organisation_id=contact.source_organisation_id,
        state=contact.state, urgency=contact.urgency.value, outcome=contact.outcome,
        decided_at=contact.decided_at, social_care_involved=contact.social_care_involved,
    )  # fmt: skip


# Who sent each contact and who works it, named in the same read.
_SOURCE, _WORKER = aliased(Organisation), aliased(User)
_QUEUE_COLUMNS = (
    MashContact.id, Concern.reference, MashContact.child_id, Concern.subject, _SOURCE.name,
    MashContact.urgency, MashContact.due_at, MashContact.state, _WORKER.display_name,
    MashContact.social_care_involved, Concern.immediate_danger,
)  # fmt: skip
_Query = Select[*tuple[Any, ...]]
_Row = Row[*tuple[Any, ...]]


def _filtered(query: _Query, actor: Actor, view: QueueView, now: datetime) -> _Query:
    query = (
        query.join(Concern, Concern.id == MashContact.concern_id)
        .outerjoin(_SOURCE, _SOURCE.id == MashContact.source_organisation_id)
        .outerjoin(_WORKER, _WORKER.id == MashContact.assigned_to_id)
        .where(MashContact.organisation_id == actor.organisation_id)
        .where(MashContact.state.in_(OPEN_STATES))
        .order_by(MashContact.due_at, MashContact.received_at)
    )
    if view is QueueView.MINE:
        return query.where(MashContact.assigned_to_id == actor.id)
    if view is QueueView.UNASSIGNED:
        return query.where(MashContact.assigned_to_id.is_(None))
    if view is QueueView.OVERDUE:
        return query.where(MashContact.due_at < now)
    if view is QueueView.DUE_TODAY:
        return query.where(MashContact.due_at < _end_of_today(now))
    return query


def _end_of_today(now: datetime) -> datetime:
    local = now.astimezone(LONDON)
    tomorrow = (local + timedelta(days=1)).date()
    return datetime.combine(tomorrow, datetime.min.time(), LONDON)


def _lines(uow: UnitOfWork, rows: Sequence[_Row], now: datetime) -> list[QueueLine]:
    """The queue's lines from rows of ``_QUEUE_COLUMNS``."""
    known = identities_of(uow, {row.child_id for row in rows if row.child_id is not None})
    lines = []
    for (id_, reference, child_id, subject, source, urgency, due_at, state, assigned_to,
         social_care_involved, immediate_danger) in rows:  # fmt: skip
        identity = known.get(child_id) if child_id is not None else None
        lines.append(QueueLine(
            id=id_, reference=reference,
            who=identity.name if identity else sharing.unnamed(subject),
            born_on=identity.born_on if identity else None, source=source or "",
            urgency=urgency.value, due_at=due_at, overdue=due_at < now, state=state,
            assigned_to=assigned_to, social_care_involved=social_care_involved,
            immediate_danger=immediate_danger,
        ))  # fmt: skip
    return lines


def _names(
    uow: UnitOfWork,
    model: type[User] | type[Organisation] | type[ServiceAccount],
    ids: set[uuid.UUID],
) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    column = {User: User.display_name, Organisation: Organisation.name,
              ServiceAccount: ServiceAccount.name}[model]  # fmt: skip
    rows = uow.session.execute(select(model.id, column).where(model.id.in_(ids)))
    return {row[0]: row[1] for row in rows}


def _events(uow: UnitOfWork, contact_id: uuid.UUID) -> list[Event]:
    rows = uow.session.scalars(
        select(ContactEvent).where(ContactEvent.contact_id == contact_id).order_by(ContactEvent.at)
    ).all()
    acting = {row.actor_id for row in rows if row.actor_id}
    people = _names(uow, User, acting)
    # A step taken through the API is named by the system that took it.
    people |= _names(uow, ServiceAccount, acting - people.keys())
    return [
        Event(action=row.action, to_state=row.to_state,
              by=people.get(row.actor_id, "Jigsaw") if row.actor_id else "Jigsaw", at=row.at,
              reason=unseal("mash_contact_events", "reason_sealed", row.id, row.reason_sealed))
        for row in rows
    ]  # fmt: skip
