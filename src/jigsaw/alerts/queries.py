"""Alerts as their owners read them: the inbox's views, and one alert opened (audited)."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Select, exists, or_, select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation, User
from jigsaw.alerts.models import Alert, AlertItem, AlertState
from jigsaw.alerts.rules import Owner
from jigsaw.children.queries import identities_of
from jigsaw.core import clock
from jigsaw.core.encryption import unseal
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent, EventAudience
from jigsaw.events.services import event_text
from jigsaw.taxonomy.events import category

INBOX_LIMIT = 200
# Where the record whose timescale was missed is worked (partner checks: from the contact).
RECORD_PAGES = {"mash_contact": "/mash/contacts/{}", "consultation": "/consultations/{}"}


class InboxView(StrEnum):
    """The inbox's tabs."""

    MINE = "mine"  # open, assigned to the reader
    TEAM = "team"  # open, nobody's yet, owned by a role the reader holds at their organisation
    ACKNOWLEDGED = "acknowledged"  # done: the reader's own and their roles'


@dataclass(frozen=True, slots=True)
class AlertLine:
    """One alert in the inbox: its words are codes and organisation names, never a child's."""

    id: uuid.UUID
    reference: str
    summary: str
    state: AlertState
    raised_at: datetime
    due_at: datetime
    overdue: bool
    escalated: bool
    assignee: str | None
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShownEvent:
    """An event the alert shows: who holds it, what kind, when, and in their words."""

    id: uuid.UUID
    agency: str
    category: str
    occurred_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class ShownChild:
    """The child an alert is about, named only for a reader who may reach the child."""

    id: uuid.UUID
    name: str | None
    born_on: date | None


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """An alert opened by one of its owners."""

    alert: Alert
    line: AlertLine
    events: list[ShownEvent]
    child: ShownChild | None
    note: str  # what the acknowledger did or decided
    acknowledged_by: str | None
    record_link: str | None  # the missed timescale's record, where it is worked
    may_take: bool


def inbox(
    uow: UnitOfWork, actor: Actor, view: InboxView, *, now: datetime | None = None
) -> list[AlertLine]:
    """The reader's alerts in one view: open ones soonest due first, done ones latest first.

    Lists no child (an alert's words name none), so listing is not audited; opening is.
    """
    if actor.id is None or actor.organisation_id is None:
        return []
    now = now or clock.now()
    with uow:
        rows = [
            alert
            for alert in uow.session.scalars(_view(actor, view).limit(INBOX_LIMIT))
            if _works(actor, alert)
        ]
        return _lines(uow, rows, now)


def organisation_feed(
    uow: UnitOfWork, actor: Actor, state: AlertState, *, now: datetime | None = None
) -> list[AlertLine]:
    """An agency's system's view of its organisation's alerts in one state.

    Ordered as the inbox orders them; nothing for any other actor. Names no child, so the
    listing is not audited (as the inbox's is not).
    """
    if not policy.may_read_alert_feed(actor):
        return []
    now = now or clock.now()
    query = (
        select(Alert)
        .where(Alert.organisation_id == actor.organisation_id, Alert.state == state)
        .order_by(*_ORDER[state])
    )
    with uow:
        return _lines(uow, list(uow.session.scalars(query.limit(INBOX_LIMIT))), now)


# Open alerts soonest due first; acknowledged ones latest first (the inbox and the feed).
_ORDER = {
    AlertState.OPEN: (Alert.due_at, Alert.raised_at),
    AlertState.ACKNOWLEDGED: (Alert.acknowledged_at.desc(),),
}


def _view(actor: Actor, view: InboxView) -> Select[Alert]:
    owned = [owner.value for owner in Owner if owner.role in actor.roles]
    query = select(Alert).where(Alert.organisation_id == actor.organisation_id)
    if view is InboxView.ACKNOWLEDGED:
        return query.where(
            Alert.state == AlertState.ACKNOWLEDGED,
            or_(Alert.assigned_to_id == actor.id, Alert.owner_role.in_(owned)),
        ).order_by(*_ORDER[AlertState.ACKNOWLEDGED])
    query = query.where(Alert.state == AlertState.OPEN)
    if view is InboxView.MINE:
        query = query.where(Alert.assigned_to_id == actor.id)
    else:
        query = query.where(Alert.assigned_to_id.is_(None), Alert.owner_role.in_(owned))
    return query.order_by(*_ORDER[AlertState.OPEN])


def open_alert(
    uow: UnitOfWork, actor: Actor, alert_id: uuid.UUID, *, now: datetime | None = None
) -> AlertRecord:
    """An alert with the events it shows together; an audited read (``alert:viewed``).

    The child is named only if the reader may reach the child's record, on the basis the
    audit entry records.

    Raises:
        NotFound: no such alert, or not one the actor works (the same answer).
    """
    now = now or clock.now()
    with uow:
        alert = uow.session.get(Alert, alert_id)
        if alert is None or not _works(actor, alert):
            raise NotFound("alert")
        [line] = _lines(uow, [alert], now)
        events = _events(uow, actor, alert)
        child, access = None, None
        if alert.child_id is not None:
            access = policy.child_access(uow.session, actor, alert.child_id, now=now)
        if alert.child_id is not None and access is not None:
            identity = identities_of(uow, {alert.child_id}).get(alert.child_id)
            child = ShownChild(alert.child_id, identity.name if identity else None,
                               identity.born_on if identity else None)  # fmt: skip
        audit.record(uow, actor, "alert:viewed", subject_type="alert", subject_id=alert.id,
                     child_id=alert.child_id, basis=access.basis if access else None,
                     basis_id=access.basis_id if access else None)  # fmt: skip
        by = _names(uow, User, {alert.acknowledged_by_id} - {None})
        uow.commit()
    note = unseal("alerts", "note_sealed", alert.id, alert.note_sealed) if alert.note_sealed else ""
    page = RECORD_PAGES.get(alert.record_kind or "")
    return AlertRecord(
        alert=alert, line=line, events=events, child=child, note=note,
        acknowledged_by=by.get(alert.acknowledged_by_id) if alert.acknowledged_by_id else None,
        record_link=page.format(alert.record_id) if page and alert.record_id else None,
        may_take=alert.state is AlertState.OPEN and alert.assigned_to_id != actor.id,
    )  # fmt: skip


def _works(actor: Actor, alert: Alert) -> bool:
    return policy.may_work_alert(
        actor,
        organisation_id=alert.organisation_id,
        owner_role=Owner(alert.owner_role).role,
        assigned_to_id=alert.assigned_to_id,
    )


def _events(uow: UnitOfWork, actor: Actor, alert: Alert) -> list[ShownEvent]:
    """The events the alert shows, oldest first, as far as the reader's organisation sees them.

    The engine shares each with the alert's organisation; the filter keeps it that way.
    """
    items = select(AlertItem.event_id).where(AlertItem.alert_id == alert.id)
    ids = set(uow.session.scalars(items)) | ({alert.event_id} if alert.event_id else set())
    if not ids:
        return []
    scope = policy.ChronologyScope(everything=False, organisation_id=actor.organisation_id)
    visible = policy.event_is_visible(
        scope, holder=ChildEvent.organisation_id.expression,
        open_to_all=ChildEvent.open_to_all.expression,
        shared_with=lambda organisation_id: exists().where(
            EventAudience.event_id == ChildEvent.id,
            EventAudience.organisation_id == organisation_id,
        ),
    )  # fmt: skip
    rows = uow.session.scalars(
        select(ChildEvent).where(ChildEvent.id.in_(ids), visible)
        .order_by(ChildEvent.occurred_at, ChildEvent.id)
    ).all()  # fmt: skip
    agencies = _names(uow, Organisation, {row.organisation_id for row in rows})
    return [
        ShownEvent(
            id=row.id,
            agency=agencies.get(row.organisation_id, ""),
            category=category(row.category).label,
            occurred_at=row.occurred_at,
            text=event_text(row.id, row.text_sealed),
        )
        for row in rows
    ]


def _lines(uow: UnitOfWork, rows: list[Alert], now: datetime) -> list[AlertLine]:
    people = _names(uow, User, {row.assigned_to_id for row in rows if row.assigned_to_id})
    return [
        AlertLine(
            id=row.id,
            reference=row.reference,
            summary=row.summary,
            state=row.state,
            raised_at=row.raised_at,
            due_at=row.due_at,
            overdue=row.state is AlertState.OPEN and row.due_at < now,
            escalated=row.escalated_at is not None,
            assignee=people.get(row.assigned_to_id) if row.assigned_to_id else None,
            acknowledged_at=row.acknowledged_at,
        )
        for row in rows
    ]


def _names(
    uow: UnitOfWork, model: type[User] | type[Organisation], ids: set[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    column = User.display_name if model is User else Organisation.name
    rows = uow.session.execute(select(model.id, column).where(model.id.in_(wanted)))
    return {row[0]: row[1] for row in rows}
