"""The rule engine and an alert's life: raised, assigned, acknowledged, escalated.

The worker evaluates the events queued as they were written (``events_waiting``, in arrival
order), not a nightly scan: each event is asked of the rules that can fire on it, and a
rule that fires raises one alert per de-duplication key however often it fires. Missed
timescales are found by index on what is overdue. Everything is audited as the job's
system actor; people acknowledge with a note, in their own audited transaction.
"""

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select

from jigsaw import audit, notifications
from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor
from jigsaw.access.models import Involvement, InvolvementRole
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation, RoleGrant, User
from jigsaw.alerts.models import Alert, AlertItem, AlertState
from jigsaw.alerts.rules import (
    AlertRule,
    ConcernFact,
    Deadline,
    Owner,
    RuleKind,
    adding_up,
    adding_up_window_start,
    due_at,
    enabled_rules,
    escalation_due,
    flagged_child_event,
)
from jigsaw.children.models import Child, ChildFlag
from jigsaw.consultations.models import Consultation
from jigsaw.consultations.rules import ConsultationState
from jigsaw.core import clock, encryption
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.school_days import SchoolCalendar
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON, WorkingCalendar
from jigsaw.events.models import ChildEvent, EventAudience, EventWaiting, MatchState
from jigsaw.mash.models import Feedback, FeedbackStatus, InformationRequest, MashContact
from jigsaw.mash.rules import ContactState, Outcome
from jigsaw.mash.services import ENDED
from jigsaw.taxonomy.events import category

BATCH = 500
NOTE_MIN = 10
# Outcomes that are not action on a concern: what "none of which led to action" counts.
NO_ACTION = frozenset({Outcome.NO_FURTHER_ACTION, Outcome.ADVICE_AND_SIGNPOSTING})
_OPEN_CONTACT = (ContactState.RECEIVED, ContactState.SCREENING, ContactState.AWAITING_INFORMATION)
# A plan's own events are the council's; an event about a plan does not alert its holder.
_PLAN_EVENTS = frozenset({"plan_started", "plan_ended"})


@dataclass(frozen=True, slots=True)
class Calendars:
    """The clocks alerts are due by."""

    working: WorkingCalendar
    school: SchoolCalendar


def evaluate_waiting(
    uow: UnitOfWork, rules: Sequence[AlertRule], calendars: Calendars, *, now: datetime
) -> int:
    """Evaluate the queued events, oldest first, a batch per transaction; how many were.

    An event's alerts, their audit rows and its leaving the queue commit together, so an
    event is evaluated once even if the worker stops half way.
    """
    actor = Actor.system("job:alert-rules")
    done = 0
    while True:
        with uow:
            session = uow.session
            ids = list(session.scalars(
                select(EventWaiting.event_id).order_by(EventWaiting.queued_at).limit(BATCH)
                .with_for_update(skip_locked=True)
            ))  # fmt: skip
            if not ids:
                return done
            events = session.scalars(select(ChildEvent).where(ChildEvent.id.in_(ids))).all()
            for event in sorted(events, key=lambda e: e.recorded_at):
                if event.child_id is not None and event.match_state is MatchState.MATCHED:
                    _evaluate(uow, actor, rules, calendars, event, now=now)
            session.execute(delete(EventWaiting).where(EventWaiting.event_id.in_(ids)))
            uow.commit()
        done += len(ids)


def _evaluate(
    uow: UnitOfWork,
    actor: Actor,
    rules: Sequence[AlertRule],
    calendars: Calendars,
    event: ChildEvent,
    *,
    now: datetime,
) -> None:
    if event.category == "concern_shared":
        for rule in enabled_rules(rules, RuleKind.ADDING_UP):
            _adding_up(uow, actor, rule, calendars, event, now=now)
    if event.category not in _PLAN_EVENTS:
        for rule in enabled_rules(rules, RuleKind.FLAGGED_CHILD_EVENT):
            _on_a_plan(uow, actor, rule, calendars, event, now=now)
    if event.category == "domestic_abuse_incident":
        for rule in enabled_rules(rules, RuleKind.DOMESTIC_ABUSE_SCHOOL):
            _to_schools(uow, actor, rule, calendars, event, now=now)


def _adding_up(
    uow: UnitOfWork,
    actor: Actor,
    rule: AlertRule,
    calendars: Calendars,
    event: ChildEvent,
    *,
    now: datetime,
) -> None:
    """Rule 1: the child's concerns in the window, from two or more agencies, no action."""
    assert event.child_id is not None  # noqa: S101 - matched events only
    session = uow.session
    children = _family(uow, event.child_id)
    shared = session.execute(
        select(ChildEvent.id, ChildEvent.occurred_at, ChildEvent.organisation_id,
               ChildEvent.record_id)
        .where(ChildEvent.child_id.in_(children), ChildEvent.category == "concern_shared",
               ChildEvent.occurred_at >= adding_up_window_start(rule, now=now))
    ).all()  # fmt: skip
    outcomes = dict(session.execute(
        select(MashContact.concern_id, MashContact.outcome)
        .where(MashContact.concern_id.in_([row.record_id for row in shared]))
    ).all())  # fmt: skip
    concern_events = {row.record_id: row.id for row in shared}
    found = adding_up(
        rule,
        [ConcernFact(row.record_id, row.occurred_at, row.organisation_id,
                     led_to_action=_acted_on(outcomes.get(row.record_id)))
         for row in shared],
        now=now,
    )  # fmt: skip
    if found is None:
        return
    mash = _mash_for(uow, children)
    if mash is None:
        return
    # One alert per run of concerns; a concern joining a run the MASH has already reviewed
    # (acknowledged) starts the next alert of that run, so it is not absorbed unseen.
    raised = session.scalars(
        select(Alert).where(Alert.dedupe_key.startswith(found.dedupe_key, autoescape=True))
        .order_by(Alert.raised_at.desc(), Alert.dedupe_key.desc()).limit(1)
    ).first()  # fmt: skip
    key = found.dedupe_key
    if raised is not None and raised.state is not AlertState.OPEN:
        if event.id in set(session.scalars(
            select(AlertItem.event_id).where(AlertItem.alert_id == raised.id)
        )):  # fmt: skip
            return
        key = f"{found.dedupe_key}:after:{event.id}"
    elif raised is not None:
        key = raised.dedupe_key
    alert = _raise(
        uow, actor, rule, calendars, key=key, organisation_id=mash,
        child_id=event.child_id, event=event, now=now,
        summary=f"{len(found.concern_ids)} concerns from {found.agency_count} agencies in "
        f"{rule.window_days} days, none of which led to action",
    )  # fmt: skip
    if alert.state is not AlertState.OPEN:
        # The MASH reviewed this run: its way into the record closed with the acknowledgement
        # and must not reopen with no open task to close it again.
        return
    have = set(session.scalars(select(AlertItem.event_id).where(AlertItem.alert_id == alert.id)))
    session.add_all(
        AlertItem(alert_id=alert.id, event_id=concern_events[c])
        for c in found.concern_ids if concern_events[c] not in have
    )  # fmt: skip
    # The MASH reviews the concerns together: it may reach the child until the alert is done.
    facts.open_mash_case(session, child_id=event.child_id, organisation_id=mash, now=now)
    for concern_event in found.concern_ids:
        _share(uow, concern_events[concern_event], mash)


def _acted_on(outcome: Outcome | None) -> bool:
    return outcome is not None and outcome not in NO_ACTION


def _on_a_plan(
    uow: UnitOfWork,
    actor: Actor,
    rule: AlertRule,
    calendars: Calendars,
    event: ChildEvent,
    *,
    now: datetime,
) -> None:
    """Rule 2: another agency's event about a child on a plan → the allocated social worker."""
    assert event.child_id is not None  # noqa: S101 - matched events only
    plans = active_plans(uow, _family(uow, event.child_id), now=now)
    holders = frozenset(holder for _kind, holder in plans)
    if not flagged_child_event(rule, child_flags=frozenset(kind for kind, _ in plans),
                               event_agency_id=event.organisation_id,
                               flag_holder_agency_ids=holders):  # fmt: skip
        return
    for council in sorted(holders):
        worker = _allocated_social_worker(uow, event.child_id, council, now=now)
        _raise(
            uow, actor, rule, calendars, key=f"{rule.key}:{event.id}:{council}",
            organisation_id=council, child_id=event.child_id, event=event, now=now,
            assigned_to_id=worker,
            summary=f"{category(event.category).label}: "
            f"from {_name(uow, event.organisation_id)} about a child on a plan",
        )  # fmt: skip
        _share(uow, event.id, council)


def _to_schools(
    uow: UnitOfWork,
    actor: Actor,
    rule: AlertRule,
    calendars: Calendars,
    event: ChildEvent,
    *,
    now: datetime,
) -> None:
    """Rule 3: a domestic abuse incident → each school's DSL before the next school day."""
    assert event.child_id is not None  # noqa: S101 - matched events only
    if _kind(uow, event.organisation_id) is not AgencyKind.POLICE:
        return
    today = now.astimezone(LONDON).date()  # the rules' dates are London's
    schools = uow.session.scalars(
        select(Involvement.organisation_id)
        .where(
            Involvement.child_id.in_(_family(uow, event.child_id)),
            Involvement.role == InvolvementRole.SCHOOL_ATTENDED,
            Involvement.started_on <= today,
            or_(Involvement.ended_on.is_(None), Involvement.ended_on >= today),
        )
        .distinct()
    ).all()
    for school in sorted(schools):
        # What the guidance allows the school to know: the incident on the chronology.
        _share(uow, event.id, school)
        _raise(
            uow, actor, rule, calendars, key=f"{rule.key}:{event.id}:{school}",
            organisation_id=school, child_id=event.child_id, event=event, now=now,
            start=event.occurred_at,
            summary=f"Domestic abuse incident attended by {_name(uow, event.organisation_id)}",
        )  # fmt: skip


def raise_missed_timescales(
    uow: UnitOfWork, rules: Sequence[AlertRule], calendars: Calendars, *, now: datetime
) -> int:
    """Rule 4: contacts, feedback, partner checks and consultations past due, by index.

    Each overdue thing raises one alert (its key names it) for its MASH's managers.
    """
    actor = Actor.system("job:alert-rules")
    raised = 0
    with uow:
        for rule in enabled_rules(rules, RuleKind.TIMESCALE_MISSED):
            for what, key, mash, child in _overdue(uow, rule.timescales, now=now):
                dedupe = f"{rule.key}:{what}:{key}"
                if uow.session.scalar(select(Alert.id).where(Alert.dedupe_key == dedupe)):
                    continue
                _raise(uow, actor, rule, calendars, key=dedupe, organisation_id=mash,
                       child_id=child, event=None, now=now, record=(what, key),
                       summary=_MISSED[what])  # fmt: skip
                raised += 1
        uow.commit()
    return raised


_MISSED = {
    Deadline.CONTACT_DECISION: "A contact was not decided by its due time",
    Deadline.FEEDBACK: "Feedback to a referrer was not sent by its due time",
    Deadline.PARTNER_CHECK: "A partner agency has not answered by its due time",
    Deadline.CONSULTATION: "A consultation was not answered by its due time",
}
_RECORD_KINDS = {
    Deadline.CONTACT_DECISION: "mash_contact",
    Deadline.FEEDBACK: "mash_contact",
    Deadline.PARTNER_CHECK: "information_request",
    Deadline.CONSULTATION: "consultation",
}


def _overdue(
    uow: UnitOfWork, watched: Iterable[Deadline], *, now: datetime
) -> list[tuple[Deadline, uuid.UUID, uuid.UUID, uuid.UUID | None]]:
    """What is past due now: (what, its id, its MASH, its child)."""
    session, found = uow.session, []
    for what in watched:
        if what is Deadline.CONTACT_DECISION:
            rows = session.execute(
                select(MashContact.id, MashContact.organisation_id, MashContact.child_id)
                .where(MashContact.state.in_(_OPEN_CONTACT), MashContact.due_at < now)
            ).all()  # fmt: skip
        elif what is Deadline.FEEDBACK:
            rows = session.execute(
                select(MashContact.id, MashContact.organisation_id, MashContact.child_id)
                .join(Feedback, Feedback.contact_id == MashContact.id)
                .where(Feedback.status == FeedbackStatus.DRAFT, Feedback.due_at < now)
            ).all()  # fmt: skip
        elif what is Deadline.PARTNER_CHECK:
            rows = session.execute(
                select(InformationRequest.id, InformationRequest.mash_id, MashContact.child_id)
                .join(MashContact, MashContact.id == InformationRequest.contact_id)
                .where(InformationRequest.answered_at.is_(None),
                       InformationRequest.due_at < now)
            ).all()  # fmt: skip
        else:
            rows = session.execute(
                select(Consultation.id, Consultation.organisation_id, Consultation.child_id)
                .where(Consultation.state == ConsultationState.REQUESTED,
                       Consultation.due_at < now)
            ).all()  # fmt: skip
        found += [(what, row[0], row[1], row[2]) for row in rows]
    return found


def _raise(
    uow: UnitOfWork,
    actor: Actor,
    rule: AlertRule,
    calendars: Calendars,
    *,
    key: str,
    organisation_id: uuid.UUID,
    child_id: uuid.UUID | None,
    event: ChildEvent | None,
    summary: str,
    now: datetime,
    assigned_to_id: uuid.UUID | None = None,
    start: datetime | None = None,
    record: tuple[Deadline, uuid.UUID] | None = None,
) -> Alert:
    """The alert for ``key``: the one already raised, or a new one, told to its owners."""
    session = uow.session
    existing = session.scalars(select(Alert).where(Alert.dedupe_key == key)).first()
    if existing is not None:
        return existing
    due = due_at(rule, start or now, working=calendars.working, school=calendars.school)
    alert = Alert(
        id=uuid.uuid4(), reference=_reference(), rule_key=rule.key, dedupe_key=key,
        child_id=child_id, organisation_id=organisation_id, owner_role=rule.owner_role.value,
        assigned_to_id=assigned_to_id, summary=summary[:300],
        event_id=event.id if event else None,
        record_kind=_RECORD_KINDS[record[0]] if record else None,
        record_id=record[1] if record else None, state=AlertState.OPEN, raised_at=now,
        due_at=due, escalate_at=max(due, escalation_due(rule, now, calendars.working)),
        escalated_at=None, acknowledged_at=None, acknowledged_by_id=None, note_sealed=None,
    )  # fmt: skip
    session.add(alert)
    session.flush()
    audit.record(uow, actor, "alert:raised", subject_type="alert", subject_id=alert.id,
                 child_id=child_id)  # fmt: skip
    _tell(uow, alert, notifications.NotificationKind.ALERT_RAISED)
    return alert


def _reference() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "A-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _tell(uow: UnitOfWork, alert: Alert, kind: notifications.NotificationKind) -> None:
    """The assignee, or everyone at the organisation who owns such alerts."""
    people = [alert.assigned_to_id] if alert.assigned_to_id else owners(uow, alert)
    if people:
        notifications.notify(uow, user_ids=people, kind=kind, reference=alert.reference,
                             link=f"/alerts/{alert.id}",
                             organisation_name=_name(uow, alert.organisation_id))  # fmt: skip


def owners(uow: UnitOfWork, alert: Alert) -> list[uuid.UUID]:
    """The active people at the alert's organisation holding its owner's role."""
    role = Owner(alert.owner_role).role
    return list(uow.session.scalars(
        select(User.id).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.organisation_id == alert.organisation_id, User.is_active.is_(True),
               RoleGrant.role == role)
        .distinct()
    ))  # fmt: skip


def _tell_all(uow: UnitOfWork, alert: Alert, people: list[uuid.UUID]) -> None:
    notifications.notify(
        uow, user_ids=people, kind=notifications.NotificationKind.ALERT_ESCALATED,
        reference=alert.reference, link=f"/alerts/{alert.id}",
        organisation_name=_name(uow, alert.organisation_id),
    )  # fmt: skip


def escalate_ignored(uow: UnitOfWork, *, now: datetime) -> int:
    """Alerts nobody acknowledged by their escalation time: told to all their owners."""
    actor = Actor.system("job:alert-escalation")
    with uow:
        late = uow.session.scalars(
            select(Alert).where(Alert.state == AlertState.OPEN, Alert.escalate_at <= now,
                                Alert.escalated_at.is_(None))
        ).all()  # fmt: skip
        for alert in late:
            alert.escalated_at = now
            audit.record(uow, actor, "alert:escalated", subject_type="alert",
                         subject_id=alert.id, child_id=alert.child_id)  # fmt: skip
            people = owners(uow, alert)
            if people:
                _tell_all(uow, alert, people)
        uow.commit()
    return len(late)


def take(uow: UnitOfWork, actor: Actor, *, alert_id: uuid.UUID) -> Alert:
    """The actor takes an open alert of their organisation's (it becomes theirs).

    Raises:
        NotFound: no such alert, or not one the actor works.
        Conflict: it has been acknowledged.
    """
    with uow:
        alert = _for(uow, actor, alert_id)
        if alert.state is not AlertState.OPEN:
            raise Conflict("this alert has been acknowledged")
        alert.assigned_to_id = actor.id
        audit.record(uow, actor, "alert:taken", subject_type="alert", subject_id=alert.id,
                     child_id=alert.child_id)  # fmt: skip
        uow.commit()
    return alert


def acknowledge(uow: UnitOfWork, actor: Actor, *, alert_id: uuid.UUID, note: str) -> Alert:
    """Acknowledge an alert with a note of what was done or decided.

    An adding-up alert's acknowledgement ends the MASH's way into the child's record it
    opened, unless a contact about the child is open there.

    Raises:
        NotFound: no such alert, or not one the actor works.
        Conflict: it has been acknowledged already.
        Invalid: no note, or too short to say what was done.
    """
    cleaned = " ".join(note.split())
    if len(cleaned) < NOTE_MIN:
        raise Invalid({"note": "Say what you did or decided, in a sentence"})
    with uow:
        alert = _for(uow, actor, alert_id)
        if alert.state is not AlertState.OPEN:
            raise Conflict("this alert has been acknowledged")
        now = clock.now()
        alert.state, alert.acknowledged_at, alert.acknowledged_by_id = (
            AlertState.ACKNOWLEDGED, now, actor.id)  # fmt: skip
        alert.assigned_to_id = alert.assigned_to_id or actor.id
        alert.note_sealed = encryption.seal("alerts", "note_sealed", alert.id, cleaned)
        if alert.child_id and _kind(uow, alert.organisation_id) is AgencyKind.MASH:
            _close_case_if_done(uow, alert.child_id, alert.organisation_id, now)
        audit.record(uow, actor, "alert:acknowledged", subject_type="alert",
                     subject_id=alert.id, child_id=alert.child_id)  # fmt: skip
        uow.commit()
    return alert


def _close_case_if_done(
    uow: UnitOfWork, child_id: uuid.UUID, mash: uuid.UUID, now: datetime
) -> None:
    session = uow.session
    open_contact = session.scalar(
        select(MashContact.id).where(MashContact.child_id == child_id,
                                     MashContact.organisation_id == mash,
                                     MashContact.state.not_in(ENDED)).limit(1)
    )  # fmt: skip
    open_alert = session.scalar(
        select(Alert.id).where(Alert.child_id == child_id, Alert.organisation_id == mash,
                               Alert.state == AlertState.OPEN).limit(1)
    )  # fmt: skip
    if open_contact is None and open_alert is None:
        facts.close_mash_case(session, child_id=child_id, organisation_id=mash, now=now)


def access_alert(uow: UnitOfWork, actor: Actor, alert_id: uuid.UUID) -> Alert:
    """An alert the actor works, inside the caller's transaction (NotFound otherwise)."""
    return _for(uow, actor, alert_id)


def _for(uow: UnitOfWork, actor: Actor, alert_id: uuid.UUID) -> Alert:
    alert = uow.session.get(Alert, alert_id)
    if alert is None or not policy.may_work_alert(
        actor,
        organisation_id=alert.organisation_id,
        owner_role=Owner(alert.owner_role).role,
        assigned_to_id=alert.assigned_to_id,
    ):
        raise NotFound("alert")
    return alert


def active_plans(
    uow: UnitOfWork, children: Iterable[uuid.UUID], *, now: datetime
) -> list[tuple[str, uuid.UUID]]:
    """The children's current plans and statuses: (kind, the council holding it)."""
    today = now.astimezone(LONDON).date()  # the rules' dates are London's
    rows = uow.session.execute(
        select(ChildFlag.kind, ChildFlag.recorded_by_id).where(
            ChildFlag.child_id.in_(list(children)), ChildFlag.started_on <= today,
            or_(ChildFlag.ended_on.is_(None), ChildFlag.ended_on >= today),
        )
    ).all()  # fmt: skip
    return [(str(kind), holder) for kind, holder in rows]


def _allocated_social_worker(
    uow: UnitOfWork, child_id: uuid.UUID, council: uuid.UUID, *, now: datetime
) -> uuid.UUID | None:
    today = now.astimezone(LONDON).date()  # the rules' dates are London's
    return uow.session.scalar(
        select(Involvement.user_id).where(
            Involvement.child_id == child_id, Involvement.organisation_id == council,
            Involvement.role == InvolvementRole.ALLOCATED_SOCIAL_WORKER,
            Involvement.user_id.is_not(None), Involvement.started_on <= today,
            or_(Involvement.ended_on.is_(None), Involvement.ended_on >= today),
        ).order_by(Involvement.started_on.desc()).limit(1)
    )  # fmt: skip


def _mash_for(uow: UnitOfWork, children: Sequence[uuid.UUID]) -> uuid.UUID | None:
    """The MASH that last had a contact about the child, or the partnership's MASH."""
    session = uow.session
    latest = session.scalar(
        select(MashContact.organisation_id).where(MashContact.child_id.in_(children))
        .order_by(MashContact.received_at.desc()).limit(1)
    )  # fmt: skip
    if latest is not None:
        return latest
    return session.scalar(
        select(Organisation.id).where(Organisation.kind == AgencyKind.MASH)
        .order_by(Organisation.name).limit(1)
    )  # fmt: skip


def _share(uow: UnitOfWork, event_id: uuid.UUID, organisation_id: uuid.UUID) -> None:
    """Let the alert's owners see the event on the child's chronology."""
    if uow.session.get(EventAudience, (event_id, organisation_id)) is None:
        uow.session.add(EventAudience(event_id=event_id, organisation_id=organisation_id))


def _family(uow: UnitOfWork, child_id: uuid.UUID) -> list[uuid.UUID]:
    merged = uow.session.scalars(select(Child.id).where(Child.merged_into_id == child_id))
    return [child_id, *merged]


def _name(uow: UnitOfWork, organisation_id: uuid.UUID) -> str:
    return uow.session.get_one(Organisation, organisation_id).name


def _kind(uow: UnitOfWork, organisation_id: uuid.UUID) -> AgencyKind:
    return uow.session.get_one(Organisation, organisation_id).kind
