"""The alert engine against the database: each rule firing and not at its edges (issue 7).

Time is set with ``clock.reading``: concerns are shared, events posted and the worker's jobs
run at the moments named below. Every expected due time is worked out by hand beside it;
office hours are the default 09:00-17:00 London time, so one working day is 8 hours.
London is on GMT (UTC+0) in November and on BST (UTC+1) in August.
"""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.models import InvolvementRole
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AccessBasis, AgencyKind
from jigsaw.alerts import services as alerts
from jigsaw.alerts.models import Alert, AlertItem, AlertState
from jigsaw.alerts.reading import default_rules
from jigsaw.audit.models import AuditEvent
from jigsaw.children.models import AbuseCategory, ChildFlag, FlagKind
from jigsaw.config import Settings
from jigsaw.core import clock, encryption
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.events.models import ChildEvent, EventAudience, EventWaiting
from jigsaw.events.posting import Accepted, post_events
from jigsaw.events.rules import Identity, PostedEvent
from jigsaw.mash import services as mash
from jigsaw.mash.models import MashContact
from jigsaw.mash.rules import Action, Outcome
from jigsaw.notifications import Notification, NotificationKind
from jigsaw.sharing import services as sharing
from jigsaw.sharing.models import Concern, Subject
from tests.children.helpers import actor, add_child, nhs_number
from tests.demo_world import DemoWorld, load_world
from tests.sharing.helpers import raise_to_mash, shared

RULES = default_rules()
# Friday 20 November 2026, 12:00 in London (GMT, so 12:00 UTC too).
T = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# When the child's agencies started working with them: long before anything below.
EARLY = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
NOTE = "Read the three concerns together; asked the school to meet the family"
SCHOOL, GP = "dsl-oakfield", "gp-riverside"  # the sharers: Oakfield's DSL, Riverside's GP
Involved = tuple[str, str | None, InvolvementRole]  # organisation, persona, role


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


@pytest.fixture
def calendars(settings: Settings) -> alerts.Calendars:
    """The clocks the worker's jobs use (the default settings: no term dates)."""
    return alerts.Calendars(settings.working_calendar(), settings.school_calendar())


def new_child(uow: UnitOfWork, world: DemoWorld, seed: int, *involved: Involved) -> uuid.UUID:
    """A child known to these organisations since ``EARLY``, with an NHS number from ``seed``."""
    with clock.reading(EARLY), uow:
        child_id = add_child(
            uow.session, given="Poppy", family=f"Alder{seed}", born=date(2016, 3, 14),
            nhs_number=nhs_number(seed),
            involved=tuple(
                (world.id(f"org:{org}"), world.id(f"persona:{who}") if who else None, role)
                for org, who, role in involved
            ),
        )  # fmt: skip
        uow.commit()
    return child_id


@pytest.fixture
def child(uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
    """A pupil at Oakfield registered at Riverside: known to the school and the GP, no one else."""
    return new_child(
        uow, world, 71,
        ("school-1", None, InvolvementRole.SCHOOL_ATTENDED),
        ("gp-1", None, InvolvementRole.REGISTERED_GP),
    )  # fmt: skip


def share(
    uow: UnitOfWork,
    world: DemoWorld,
    sharer: str,
    child_id: uuid.UUID,
    at: datetime,
    *,
    to: str = "mash",
) -> Concern:
    """A concern about the child shared at ``at`` with the MASH or straight with an agency."""
    draft = shared(happened_on=at.astimezone(LONDON).date())
    with clock.reading(at):
        who = actor(uow, world, sharer)
        if to == "mash":
            return raise_to_mash(uow, world, who, child_id=child_id, draft=draft)
        concern = sharing.start_concern(uow, who, subject=Subject.IDENTIFIED, child_id=child_id)
        sharing.save_draft(uow, who, concern_id=concern.id, draft=draft,
                           recipient_ids=[world.id(f"org:{to}")])  # fmt: skip
        return sharing.send_concern(uow, who, concern_id=concern.id).concern


def evaluate(uow: UnitOfWork, calendars: alerts.Calendars, at: datetime) -> None:
    """The worker's rule job, run at ``at`` on everything queued."""
    with clock.reading(at):
        alerts.evaluate_waiting(uow, RULES, calendars, now=at)


def alerts_about(uow: UnitOfWork, child_id: uuid.UUID, rule: str) -> list[Alert]:
    with uow:
        return list(uow.session.scalars(
            select(Alert).where(Alert.child_id == child_id, Alert.rule_key == rule)
        ))  # fmt: skip


def the_alert(uow: UnitOfWork, child_id: uuid.UUID, rule: str) -> Alert:
    [alert] = alerts_about(uow, child_id, rule)
    return alert


def items_of(uow: UnitOfWork, alert: Alert) -> set[uuid.UUID]:
    with uow:
        return set(
            uow.session.scalars(select(AlertItem.event_id).where(AlertItem.alert_id == alert.id))
        )


def events_of(uow: UnitOfWork, *concerns: Concern) -> set[uuid.UUID]:
    """The chronology events of these concerns being shared."""
    with uow:
        return set(uow.session.scalars(
            select(ChildEvent.id).where(ChildEvent.category == "concern_shared",
                                        ChildEvent.record_id.in_([c.id for c in concerns]))
        ))  # fmt: skip


def audited(uow: UnitOfWork, action: str, alert: Alert) -> list[AuditEvent]:
    with uow:
        return list(uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action,
                                     AuditEvent.subject_id == alert.id)
        ))  # fmt: skip


def told(uow: UnitOfWork, world: DemoWorld, persona: str, kind: str, alert: Alert) -> int:
    """How many notices of this kind about the alert the persona has."""
    with uow:
        return len(uow.session.scalars(
            select(Notification.id).where(
                Notification.user_id == world.id(f"persona:{persona}"),
                Notification.kind == kind, Notification.link == f"/alerts/{alert.id}",
            )
        ).all())  # fmt: skip


def reaches(uow: UnitOfWork, world: DemoWorld, persona: str, child_id: uuid.UUID) -> bool:
    who = actor(uow, world, persona)
    with uow:
        return policy.child_access(uow.session, who, child_id, now=clock.now()) is not None


def system_of(world: DemoWorld, organisation: str, kind: AgencyKind) -> Actor:
    """An agency's system posting events with its token."""
    return Actor.service_account(
        uuid.uuid4(), organisation_id=world.id(f"org:{organisation}"), agency_kind=kind,
        permissions=frozenset({Permission.EVENT_POST}),
    )  # fmt: skip


def post(
    uow: UnitOfWork, system: Actor, seed: int, category: str, occurred_at: datetime
) -> Accepted:
    """One event about the child with ``seed``'s NHS number, posted ten minutes after it."""
    event = PostedEvent(
        source_event_id=f"{category}-{uuid.uuid4().hex[:8]}", category=category,
        occurred_at=occurred_at, child=Identity(nhs_number=nhs_number(seed)),
        source_code="X1", text=f"What the agency recorded: {category}",
    )  # fmt: skip
    with clock.reading(occurred_at + timedelta(minutes=10)):
        [accepted] = post_events(uow, system, [event])
    assert accepted.child_id is not None  # surely the child: the NHS number matched
    return accepted


class TestAddingUp:
    """Rule 1: 3 concerns that led to no action, from 2 agencies, within 90 days → the MASH."""

    def test_three_concerns_from_two_agencies_add_up_and_two_do_not(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        first = share(uow, world, SCHOOL, child, T - timedelta(days=20))
        evaluate(uow, calendars, T - timedelta(days=20))
        second = share(uow, world, GP, child, T - timedelta(days=10))
        evaluate(uow, calendars, T - timedelta(days=10))
        assert alerts_about(uow, child, "adding-up") == []  # 2 concerns: not yet

        third = share(uow, world, SCHOOL, child, T)
        evaluate(uow, calendars, T)

        alert = the_alert(uow, child, "adding-up")
        assert (alert.organisation_id, alert.owner_role) == (world.id("org:mash"), "mash_manager")
        assert (alert.state, alert.assigned_to_id, alert.raised_at) == (AlertState.OPEN, None, T)
        assert alert.summary.startswith("3 concerns from 2 agencies in 90 days")
        assert items_of(uow, alert) == events_of(uow, first, second, third)
        # Due one working day after Friday 20 November 12:00: 5 hours to 17:00 on Friday,
        # then 3 hours from 09:00 on Monday 23 November: 12:00 GMT. Escalation is 1 working
        # day after raising too, so the same moment.
        assert alert.due_at == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
        assert alert.escalate_at == alert.due_at
        assert told(uow, world, "mash-manager", NotificationKind.ALERT_RAISED, alert) == 1
        [raised] = audited(uow, "alert:raised", alert)
        assert raised.child_id == child

    def test_concerns_from_one_agency_alone_do_not_add_up(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        for days in (30, 20, 10):
            share(uow, world, SCHOOL, child, T - timedelta(days=days))
        evaluate(uow, calendars, T - timedelta(days=10))
        assert alerts_about(uow, child, "adding-up") == []  # 3 concerns, 1 agency

        share(uow, world, GP, child, T)
        evaluate(uow, calendars, T)
        alert = the_alert(uow, child, "adding-up")
        assert len(items_of(uow, alert)) == 4
        assert alert.summary.startswith("4 concerns from 2 agencies")

    @pytest.mark.parametrize(
        "edge",
        [
            # 90 days before Friday 20 November 2026 is Saturday 22 August (BST). The
            # window opens at London midnight that day, 23:00 UTC on 21 August; a concern
            # at 00:30 London counts though its UTC date is still 21 August ...
            (datetime(2026, 8, 21, 23, 30, tzinfo=UTC), True),
            # ... and one at 23:30 London on 21 August, day 91, does not.
            (datetime(2026, 8, 21, 22, 30, tzinfo=UTC), False),
        ],
        ids=["day-90", "day-91"],
    )
    def test_a_concern_counts_on_day_90_but_not_on_day_91(
        self,
        uow: UnitOfWork,
        world: DemoWorld,
        calendars: alerts.Calendars,
        child: uuid.UUID,
        edge: tuple[datetime, bool],
    ) -> None:
        shared_at, adds_up = edge
        oldest = share(uow, world, SCHOOL, child, shared_at)
        share(uow, world, GP, child, T - timedelta(days=10))
        share(uow, world, SCHOOL, child, T)
        evaluate(uow, calendars, T)

        found = alerts_about(uow, child, "adding-up")
        assert len(found) == (1 if adds_up else 0)
        if adds_up:
            assert events_of(uow, oldest) <= items_of(uow, found[0])

    @pytest.mark.parametrize(
        "decision",
        [(Outcome.STRATEGY_DISCUSSION, False), (Outcome.NO_FURTHER_ACTION, True)],
        ids=["s47-counts-as-action", "nfa-does-not"],
    )
    def test_a_concern_that_led_to_action_does_not_count_and_no_further_action_does(
        self,
        uow: UnitOfWork,
        world: DemoWorld,
        calendars: alerts.Calendars,
        child: uuid.UUID,
        decision: tuple[Outcome, bool],
    ) -> None:
        outcome, adds_up = decision
        concern = share(uow, world, SCHOOL, child, T - timedelta(days=20))
        with clock.reading(T - timedelta(days=19)), uow:
            contact_id = uow.session.scalars(
                select(MashContact.id).where(MashContact.concern_id == concern.id)
            ).one()
        with clock.reading(T - timedelta(days=19)):
            mash.act(uow, actor(uow, world, "mash-practitioner"), contact_id=contact_id,
                     action=Action.ACCEPT)  # fmt: skip
            mash.act(uow, actor(uow, world, "mash-manager"), contact_id=contact_id,
                     action=Action.DECIDE, outcome=outcome,
                     reason="Read with the school's chronology and the GP's record")  # fmt: skip
        share(uow, world, GP, child, T - timedelta(days=10), to="school-1")
        share(uow, world, SCHOOL, child, T, to="gp-1")
        evaluate(uow, calendars, T)

        assert len(alerts_about(uow, child, "adding-up")) == (1 if adds_up else 0)

    def test_a_fourth_concern_joins_the_same_alert(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        concerns = [
            share(uow, world, SCHOOL, child, T - timedelta(days=20)),
            share(uow, world, GP, child, T - timedelta(days=10)),
            share(uow, world, SCHOOL, child, T),
        ]
        evaluate(uow, calendars, T)
        alert = the_alert(uow, child, "adding-up")

        concerns.append(share(uow, world, GP, child, T + timedelta(hours=1)))
        evaluate(uow, calendars, T + timedelta(hours=1))

        again = the_alert(uow, child, "adding-up")  # one alert, not two
        assert (again.id, again.due_at) == (alert.id, alert.due_at)
        assert items_of(uow, again) == events_of(uow, *concerns)
        assert len(audited(uow, "alert:raised", alert)) == 1
        assert told(uow, world, "mash-manager", NotificationKind.ALERT_RAISED, alert) == 1

    def test_the_mash_reaches_the_child_through_the_alert_until_it_is_acknowledged(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        # Worries shared between the school and the GP only: none reached the MASH.
        concerns = [
            share(uow, world, SCHOOL, child, T - timedelta(days=20), to="gp-1"),
            share(uow, world, GP, child, T - timedelta(days=10), to="school-1"),
            share(uow, world, SCHOOL, child, T, to="gp-1"),
        ]
        with clock.reading(T):
            assert not reaches(uow, world, "mash-manager", child)
        evaluate(uow, calendars, T)
        alert = the_alert(uow, child, "adding-up")

        manager = actor(uow, world, "mash-manager")
        with clock.reading(T + timedelta(hours=1)), uow:
            access = policy.child_access(uow.session, manager, child, now=clock.now())
            assert access is not None
            assert access.basis is AccessBasis.MASH
            seen = {event_id for event_id, in uow.session.execute(
                select(EventAudience.event_id)
                .where(EventAudience.organisation_id == world.id("org:mash"))
            )}  # fmt: skip
        assert events_of(uow, *concerns) <= seen  # the MASH reads the concerns together

        with clock.reading(T + timedelta(hours=1)):
            for too_short in ("", "   Seen.   ", "123456789"):
                with pytest.raises(Invalid):
                    alerts.acknowledge(uow, manager, alert_id=alert.id, note=too_short)
            done = alerts.acknowledge(uow, manager, alert_id=alert.id, note=f"  {NOTE}\n")
            assert not reaches(uow, world, "mash-manager", child)

        assert (done.state, done.acknowledged_by_id) == (AlertState.ACKNOWLEDGED, manager.id)
        assert done.acknowledged_at == T + timedelta(hours=1)
        assert done.note_sealed is not None
        assert NOTE not in done.note_sealed  # sealed at rest
        assert encryption.unseal("alerts", "note_sealed", done.id, done.note_sealed) == NOTE
        [acknowledged] = audited(uow, "alert:acknowledged", alert)
        assert (acknowledged.child_id, acknowledged.actor_id) == (child, manager.id)
        with pytest.raises(Conflict):
            alerts.acknowledge(uow, manager, alert_id=alert.id, note=NOTE)
        with pytest.raises(Conflict):
            alerts.take(uow, manager, alert_id=alert.id)

        # A later concern in the run the MASH reviewed is not absorbed unseen: it raises the
        # run's next alert (all four concerns together), a new task that opens the way in
        # again and closes it when acknowledged.
        later = share(uow, world, GP, child, T + timedelta(days=2), to="school-1")
        evaluate(uow, calendars, T + timedelta(days=2))
        first, second = sorted(alerts_about(uow, child, "adding-up"), key=lambda a: a.raised_at)
        assert first.id == alert.id
        assert second.state is AlertState.OPEN
        assert items_of(uow, second) == items_of(uow, first) | events_of(uow, later)
        with clock.reading(T + timedelta(days=2)):
            assert reaches(uow, world, "mash-manager", child)
        with clock.reading(T + timedelta(days=2, hours=1)):
            alerts.acknowledge(uow, manager, alert_id=second.id, note=NOTE)
            assert not reaches(uow, world, "mash-manager", child)
        # Evaluating the same concern again raises nothing more.
        [later_event] = events_of(uow, later)
        with uow:
            uow.session.add(EventWaiting(event_id=later_event, queued_at=T + timedelta(days=3)))
            uow.commit()
        evaluate(uow, calendars, T + timedelta(days=3))
        assert len(alerts_about(uow, child, "adding-up")) == 2

    def test_acknowledging_keeps_the_mash_case_while_a_contact_is_open(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        share(uow, world, SCHOOL, child, T - timedelta(days=20))  # an open contact at the MASH
        share(uow, world, GP, child, T - timedelta(days=10), to="school-1")
        share(uow, world, SCHOOL, child, T, to="gp-1")
        evaluate(uow, calendars, T)
        alert = the_alert(uow, child, "adding-up")

        with clock.reading(T + timedelta(hours=1)):
            alerts.acknowledge(uow, actor(uow, world, "mash-manager"), alert_id=alert.id,
                               note=NOTE)  # fmt: skip
            assert reaches(uow, world, "mash-manager", child)


def plan(
    uow: UnitOfWork, world: DemoWorld, child_id: uuid.UUID, *, ended_on: date | None = None
) -> None:
    """A child protection plan the council recorded (as CP-IS holds them)."""
    with uow:
        uow.session.add(ChildFlag(
            id=uuid.uuid4(), child_id=child_id, expectant_parent_id=None, due_on=None,
            kind=FlagKind.CHILD_PROTECTION_PLAN, category=AbuseCategory.NEGLECT,
            recorded_by_id=world.id("org:la"), started_on=date(2025, 6, 2), ended_on=ended_on,
        ))  # fmt: skip
        uow.commit()


ON_A_PLAN: tuple[Involved, ...] = (
    ("school-1", None, InvolvementRole.SCHOOL_ATTENDED),
    ("la", None, InvolvementRole.CHILDRENS_SOCIAL_CARE),
    ("la", "social-worker", InvolvementRole.ALLOCATED_SOCIAL_WORKER),
)


def raised_for(uow: UnitOfWork, event_id: uuid.UUID | None) -> list[Alert]:
    with uow:
        return list(uow.session.scalars(select(Alert).where(Alert.event_id == event_id)))


class TestChildOnAPlan:
    """Rule 2: another agency's event about a child on a plan → the allocated social worker."""

    def test_a_hospital_event_tells_the_allocated_social_worker(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
    ) -> None:
        child_id = new_child(uow, world, 72, *ON_A_PLAN)
        plan(uow, world, child_id)
        hospital = system_of(world, "hospital", AgencyKind.ACUTE_HEALTH)

        posted = post(uow, hospital, 72, "emergency_attendance", T - timedelta(minutes=10))
        evaluate(uow, calendars, T)

        # The hospital is told at once, as CP-IS does: the plan and whom to call.
        assert [(p.plan, p.council) for p in posted.on_plan] == [
            ("child_protection_plan", "Eastmoor Council Children's Services")
        ]
        [alert] = raised_for(uow, posted.event_id)
        assert (alert.child_id, alert.rule_key) == (child_id, "plan-child-event")
        assert (alert.organisation_id, alert.owner_role) == (
            world.id("org:la"), "allocated_social_worker"
        )  # fmt: skip
        assert alert.assigned_to_id == world.id("persona:social-worker")
        assert alert.summary == (
            "Attended an emergency department: from Eastmoor Hospitals NHS Foundation Trust "
            "about a child on a plan"
        )
        # 4 working hours from Friday 20 November 12:00 GMT: 16:00 the same day. Escalation,
        # 1 working day after raising, is Monday 23 November 12:00 (5h Friday + 3h Monday).
        assert alert.due_at == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
        assert alert.escalate_at == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
        with uow:  # the social worker sees the hospital's event on the chronology
            assert uow.session.get(EventAudience, (posted.event_id, world.id("org:la")))
        assert told(uow, world, "social-worker", NotificationKind.ALERT_RAISED, alert) == 1
        [raised] = audited(uow, "alert:raised", alert)
        assert raised.child_id == child_id
        worker, manager = actor(uow, world, "social-worker"), actor(uow, world, "mash-manager")
        with uow:
            assert alerts.access_alert(uow, worker, alert.id).id == alert.id
            for outsider in (manager, hospital):
                with pytest.raises(NotFound):
                    alerts.access_alert(uow, outsider, alert.id)

    def test_no_alert_for_the_councils_own_event_nor_a_child_with_no_plan_or_an_ended_one(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
    ) -> None:
        planned = new_child(uow, world, 73, *ON_A_PLAN)
        plan(uow, world, planned)
        new_child(uow, world, 74, *ON_A_PLAN)  # no plan
        ended = new_child(uow, world, 75, *ON_A_PLAN)
        plan(uow, world, ended, ended_on=date(2026, 11, 19))  # the day before T
        council = system_of(world, "la", AgencyKind.CHILDRENS_SOCIAL_CARE)
        hospital = system_of(world, "hospital", AgencyKind.ACUTE_HEALTH)

        own = post(uow, council, 73, "social_care_visit", T - timedelta(hours=1))
        other_child = post(uow, hospital, 74, "emergency_attendance", T - timedelta(hours=1))
        after_the_plan = post(uow, hospital, 75, "emergency_attendance", T - timedelta(hours=1))
        evaluate(uow, calendars, T)

        for posted in (own, other_child, after_the_plan):
            assert raised_for(uow, posted.event_id) == []
        # The same hospital event about the child whose plan is current does raise one.
        current = post(uow, hospital, 73, "emergency_attendance", T)
        evaluate(uow, calendars, T + timedelta(minutes=15))
        assert len(raised_for(uow, current.event_id)) == 1


# Friday 22 August 2025, 22:00 in London (BST): 21:00 UTC. Monday 25 August is the summer
# bank holiday.
INCIDENT = datetime(2025, 8, 22, 21, 0, tzinfo=UTC)


class TestDomesticAbuse:
    """Rule 3 (Operation Encompass): police at a domestic abuse incident → the child's school."""

    def test_a_friday_night_incident_before_a_bank_holiday_is_due_before_school_on_tuesday(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
    ) -> None:
        pupil = new_child(uow, world, 76, ("school-1", None, InvolvementRole.SCHOOL_ATTENDED))
        police = system_of(world, "police", AgencyKind.POLICE)

        posted = post(uow, police, 76, "domestic_abuse_incident", INCIDENT)
        evaluate(uow, calendars, INCIDENT + timedelta(minutes=15))

        [alert] = raised_for(uow, posted.event_id)
        assert (alert.child_id, alert.rule_key) == (pupil, "domestic-abuse-school")
        assert (alert.organisation_id, alert.owner_role, alert.assigned_to_id) == (
            world.id("org:school-1"), "designated_safeguarding_lead", None
        )  # fmt: skip
        # No term dates are set, so every weekday but a bank holiday is a school day:
        # Saturday, Sunday and bank-holiday Monday pass, and school starts on Tuesday 26
        # August at 08:30 BST, 07:30 UTC.
        assert alert.due_at == datetime(2025, 8, 26, 7, 30, tzinfo=UTC)
        # Escalation: 1 working hour after raising (Friday 22:15 BST): the office next opens
        # Tuesday 09:00 BST, so 10:00 BST, 09:00 UTC; later than the due time, so it stands.
        assert alert.escalate_at == datetime(2025, 8, 26, 9, 0, tzinfo=UTC)
        with uow:  # the school now sees the incident on the child's chronology
            assert uow.session.get(EventAudience, (posted.event_id, world.id("org:school-1")))
        assert told(uow, world, "dsl-oakfield", NotificationKind.ALERT_RAISED, alert) == 1
        assert told(uow, world, "teacher-oakfield", NotificationKind.ALERT_RAISED, alert) == 0
        [raised] = audited(uow, "alert:raised", alert)
        assert raised.child_id == pupil

    def test_only_an_incident_the_police_attended_alerts_the_school(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
    ) -> None:
        new_child(uow, world, 77, ("school-1", None, InvolvementRole.SCHOOL_ATTENDED))
        hospital = system_of(world, "hospital", AgencyKind.ACUTE_HEALTH)
        police = system_of(world, "police", AgencyKind.POLICE)

        told_by_hospital = post(uow, hospital, 77, "domestic_abuse_incident", INCIDENT)
        welfare_check = post(uow, police, 77, "police_welfare_check", INCIDENT)
        evaluate(uow, calendars, INCIDENT + timedelta(minutes=15))

        assert raised_for(uow, told_by_hospital.event_id) == []
        assert raised_for(uow, welfare_check.event_id) == []


# Monday 16 November 2026, 10:00 GMT: a concern the school rates child protection (level 4)
# reaches the MASH as a red contact, due 4 working hours later: 14:00 the same day.
RECEIVED = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
CONTACT_DUE = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


def contact_of(uow: UnitOfWork, concern: Concern) -> MashContact:
    with uow:
        return uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern.id)
        ).one()


def missed(uow: UnitOfWork, calendars: alerts.Calendars, at: datetime) -> int:
    with clock.reading(at):
        return alerts.raise_missed_timescales(uow, RULES, calendars, now=at)


def escalate(uow: UnitOfWork, at: datetime) -> int:
    with clock.reading(at):
        return alerts.escalate_ignored(uow, now=at)


def missed_for(uow: UnitOfWork, contact: MashContact) -> list[Alert]:
    with uow:
        return list(uow.session.scalars(select(Alert).where(Alert.record_id == contact.id)))


class TestMissedTimescales:
    """Rule 4: found by index on what is overdue, one alert per missed thing."""

    def test_an_undecided_contact_raises_one_alert_once_overdue_however_often_the_job_runs(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        contact = contact_of(uow, share(uow, world, SCHOOL, child, RECEIVED))
        assert contact.due_at == CONTACT_DUE

        missed(uow, calendars, CONTACT_DUE)
        assert missed_for(uow, contact) == []  # decided at its due time is on time
        late = CONTACT_DUE + timedelta(minutes=1)
        missed(uow, calendars, late)
        assert missed(uow, calendars, late) == 0  # the second run finds nothing new
        missed(uow, calendars, late + timedelta(hours=2))

        [alert] = missed_for(uow, contact)
        assert (alert.rule_key, alert.record_kind, alert.child_id) == (
            "timescale-missed", "mash_contact", child
        )  # fmt: skip
        assert (alert.organisation_id, alert.owner_role) == (world.id("org:mash"), "mash_manager")
        assert alert.dedupe_key == f"timescale-missed:contact_decision:{contact.id}"
        # 1 working day from Monday 14:01: 2h59 to 17:00, then 5h01 from 09:00 Tuesday.
        assert alert.due_at == datetime(2026, 11, 17, 14, 1, tzinfo=UTC)
        assert told(uow, world, "mash-manager", NotificationKind.ALERT_RAISED, alert) == 1
        [raised] = audited(uow, "alert:raised", alert)
        assert raised.child_id == child


class TestEscalation:
    def test_an_ignored_alert_escalates_once_to_its_owners_and_an_acknowledged_one_never(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars, child: uuid.UUID
    ) -> None:
        ignored = contact_of(uow, share(uow, world, SCHOOL, child, RECEIVED))
        answered = contact_of(uow, share(uow, world, GP, child, RECEIVED))
        missed(uow, calendars, CONTACT_DUE + timedelta(minutes=1))
        [alert] = missed_for(uow, ignored)
        [other] = missed_for(uow, answered)
        with clock.reading(datetime(2026, 11, 16, 15, 0, tzinfo=UTC)):
            alerts.acknowledge(uow, actor(uow, world, "mash-manager"), alert_id=other.id,
                               note="Called the GP; the decision is booked for 9am")  # fmt: skip
        # Raised Monday 14:01; 1 working day later is Tuesday 17 November 14:01.
        escalates = datetime(2026, 11, 17, 14, 1, tzinfo=UTC)
        assert alert.escalate_at == escalates

        escalate(uow, escalates - timedelta(minutes=1))
        assert missed_for(uow, ignored)[0].escalated_at is None  # not yet
        escalate(uow, escalates)
        assert escalate(uow, escalates) == 0  # once only
        escalate(uow, escalates + timedelta(days=2))

        [now_escalated] = missed_for(uow, ignored)
        assert now_escalated.escalated_at == escalates
        assert now_escalated.state is AlertState.OPEN
        assert told(uow, world, "mash-manager", NotificationKind.ALERT_ESCALATED, alert) == 1
        [escalated] = audited(uow, "alert:escalated", alert)
        assert escalated.child_id == child
        [acknowledged] = missed_for(uow, answered)
        assert acknowledged.escalated_at is None
        assert told(uow, world, "mash-manager", NotificationKind.ALERT_ESCALATED, other) == 0
        assert audited(uow, "alert:escalated", other) == []


class TestTakeAndAcknowledge:
    def test_an_owner_takes_it_and_anyone_else_is_told_it_does_not_exist(
        self, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
    ) -> None:
        pupil = new_child(uow, world, 78, ("school-1", None, InvolvementRole.SCHOOL_ATTENDED))
        posted = post(uow, system_of(world, "police", AgencyKind.POLICE), 78,
                      "domestic_abuse_incident", INCIDENT)  # fmt: skip
        evaluate(uow, calendars, INCIDENT + timedelta(minutes=15))
        [alert] = raised_for(uow, posted.event_id)

        # Not the school's DSL role, another school's DSL, the MASH: the same NotFound.
        for persona in ("teacher-oakfield", "dsl-kestrel", "mash-manager", "police-officer"):
            outsider = actor(uow, world, persona)
            with pytest.raises(NotFound):
                alerts.take(uow, outsider, alert_id=alert.id)
            with pytest.raises(NotFound):
                alerts.acknowledge(uow, outsider, alert_id=alert.id, note=NOTE)
        with pytest.raises(NotFound):
            alerts.take(uow, actor(uow, world, "dsl-oakfield"), alert_id=uuid.uuid4())

        dsl = actor(uow, world, "dsl-oakfield")
        with clock.reading(datetime(2025, 8, 26, 7, 0, tzinfo=UTC)):
            taken = alerts.take(uow, dsl, alert_id=alert.id)
            assert taken.assigned_to_id == dsl.id
            note = "Spoke to the child's class teacher before registration"
            alerts.acknowledge(uow, dsl, alert_id=alert.id, note=note)
        for action in ("alert:taken", "alert:acknowledged"):
            [row] = audited(uow, action, alert)
            assert (row.child_id, row.actor_id) == (pupil, dsl.id)
