"""Alert rules as data, and whether each fires: pure, no database (issue 7, "Alerts").

A deployment's rules are a YAML file (the packaged ``data/rules.yaml`` unless the deployment
gives its own). Each rule has a kind, an owner, a timescale to act in and a time after which an
unacknowledged alert escalates. The worker reads facts from the database and asks the
functions here whether a rule fires; it stores, de-duplicates and assigns the alerts.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from jigsaw.access.vocabulary import Role
from jigsaw.core.school_days import SchoolCalendar
from jigsaw.core.working_time import LONDON, Timescale, WorkingCalendar


class RuleKind(StrEnum):
    """What a rule watches for (issue 7's four alerts)."""

    ADDING_UP = "adding_up"  # several small worries from several agencies, none acted on
    FLAGGED_CHILD_EVENT = "flagged_child_event"  # a child on a plan turns up elsewhere (CP-IS)
    DOMESTIC_ABUSE_SCHOOL = "domestic_abuse_school"  # tell the school (Operation Encompass)
    TIMESCALE_MISSED = "timescale_missed"  # a decision, feedback, check or consultation late


class Owner(StrEnum):
    """Whose task an alert is: a role, or the one person a child's record names."""

    MASH_MANAGER = "mash_manager"
    MASH_PRACTITIONER = "mash_practitioner"
    # The social worker allocated to the child, at the council that holds the plan.
    ALLOCATED_SOCIAL_WORKER = "allocated_social_worker"
    # The designated safeguarding lead of the child's school.
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead"

    @property
    def role(self) -> Role:
        """The role the owner holds (for the allocated social worker, any social worker)."""
        return _OWNER_ROLES[self]


_OWNER_ROLES = {
    Owner.MASH_MANAGER: Role.MASH_MANAGER,
    Owner.MASH_PRACTITIONER: Role.MASH_PRACTITIONER,
    Owner.ALLOCATED_SOCIAL_WORKER: Role.SOCIAL_WORKER,
    Owner.DESIGNATED_SAFEGUARDING_LEAD: Role.DESIGNATED_SAFEGUARDING_LEAD,
}


class PlanFlag(StrEnum):
    """The statuses CP-IS shares with unscheduled care (values of ``children``' flag kinds)."""

    CHILD_PROTECTION_PLAN = "child_protection_plan"
    LOOKED_AFTER = "looked_after"
    UNBORN_CHILD_PROTECTION_PLAN = "unborn_child_protection_plan"


class Deadline(StrEnum):
    """A timescale whose missing raises an alert."""

    CONTACT_DECISION = "contact_decision"  # the MASH's decision on a contact
    FEEDBACK = "feedback"  # feedback to the agency that shared the concern
    PARTNER_CHECK = "partner_check"  # an agency's answer to the MASH's partner check
    CONSULTATION = "consultation"  # advice from the consultation line


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One alert rule of a deployment.

    ``timescale`` is how long the owner has to act. A domestic abuse rule has none: its
    alert is due when the child's next school day starts. The parameters after ``enabled``
    are used only by the kind named in their comment.
    """

    key: str
    kind: RuleKind
    title: str
    owner_role: Owner
    timescale: Timescale | None
    escalate_after: Timescale
    enabled: bool = True
    concerns: int = 3  # adding_up: at least this many concerns ...
    agencies: int = 2  # adding_up: ... from at least this many agencies ...
    window_days: int = 90  # adding_up: ... within this many days
    flags: tuple[PlanFlag, ...] = tuple(PlanFlag)  # flagged_child_event
    timescales: tuple[Deadline, ...] = tuple(Deadline)  # timescale_missed


def enabled_rules(rules: Iterable[AlertRule], kind: RuleKind) -> tuple[AlertRule, ...]:
    """The rules of ``kind`` that are switched on, in file order."""
    return tuple(rule for rule in rules if rule.kind is kind and rule.enabled)


# Evaluators. Each takes a rule of its kind (another kind is a programming error: ValueError)
# and facts the worker read; a disabled rule never fires.


@dataclass(frozen=True, slots=True)
class ConcernFact:
    """A concern shared about a child, as the adding-up rule sees it."""

    id: uuid.UUID
    at: datetime  # when it was shared (aware)
    agency_id: uuid.UUID  # the organisation that shared it
    led_to_action: bool

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a concern's time must be aware")


@dataclass(frozen=True, slots=True)
class AddingUp:
    """Concerns that add up: what the MASH's review task shows together."""

    concern_ids: tuple[uuid.UUID, ...]  # in the order they were shared
    agency_count: int
    window_start: datetime  # UTC: London midnight of the window's first day
    # The same while the same run of concerns keeps adding up: the rule's key and the
    # earliest concern counted. A later concern joining the run keeps it; once the earliest
    # leaves the window, the concerns still counted make a new run (and a new alert).
    dedupe_key: str


def adding_up_window_start(rule: AlertRule, *, now: datetime) -> datetime:
    """The first moment a concern counts: London midnight ``window_days`` days before today.

    Raises:
        ValueError: ``now`` is naive.
    """
    first_day = _london_date(now) - timedelta(days=rule.window_days)
    return datetime.combine(first_day, time(0), LONDON).astimezone(UTC)


def adding_up(
    rule: AlertRule, concerns: Sequence[ConcernFact], *, now: datetime
) -> AddingUp | None:
    """Whether concerns about one child add up (issue 7, alert 1).

    A concern counts if it did not lead to action and was shared on a London date from
    ``window_days`` days before ``now``'s London date up to that date, both included: with
    90, a concern 90 calendar days before today counts at any time of that day, one 91 days
    before does not. Counting London dates, not 24-hour periods, keeps the edge the same
    across the clocks changing. The rule fires when at least ``concerns`` concerns count
    and they came from at least ``agencies`` organisations.

    Raises:
        ValueError: not an adding-up rule, or ``now`` is naive.
    """
    _require(rule, RuleKind.ADDING_UP)
    if not rule.enabled:
        return None
    start = adding_up_window_start(rule, now=now)
    today = _london_date(now)
    counted = sorted(
        (
            concern
            for concern in concerns
            if not concern.led_to_action
            and concern.at >= start
            and _london_date(concern.at) <= today
        ),
        key=lambda concern: (concern.at, concern.id),
    )
    agencies = {concern.agency_id for concern in counted}
    if len(counted) < rule.concerns or len(agencies) < rule.agencies:
        return None
    return AddingUp(
        concern_ids=tuple(concern.id for concern in counted),
        agency_count=len(agencies),
        window_start=start,
        dedupe_key=f"{rule.key}:{counted[0].id}",
    )


def flagged_child_event(
    rule: AlertRule,
    *,
    child_flags: frozenset[str],
    event_agency_id: uuid.UUID,
    flag_holder_agency_ids: frozenset[uuid.UUID],
) -> bool:
    """Whether a new event about a child on a plan should tell their social worker (alert 2).

    Fires when the child holds one of the rule's flags and the event came from an agency
    other than those holding the plan (the council's own events tell it nothing new).

    Raises:
        ValueError: not a flagged-child-event rule.
    """
    _require(rule, RuleKind.FLAGGED_CHILD_EVENT)
    on_a_plan = any(flag in child_flags for flag in rule.flags)
    return rule.enabled and on_a_plan and event_agency_id not in flag_holder_agency_ids


def timescale_missed(
    rule: AlertRule, what: str, *, due_at: datetime, done_at: datetime | None, now: datetime
) -> bool:
    """Whether ``what`` (a ``Deadline``) was not done by when it was due (alert 4).

    Done exactly at ``due_at`` is on time; not done yet is missed once ``now`` is past it.

    Raises:
        ValueError: not a timescale-missed rule.
    """
    _require(rule, RuleKind.TIMESCALE_MISSED)
    if not rule.enabled or what not in rule.timescales:
        return False
    return (done_at if done_at is not None else now) > due_at


def due_at(
    rule: AlertRule, start: datetime, *, working: WorkingCalendar, school: SchoolCalendar
) -> datetime:
    """When the owner must have acted on an alert the rule raised from ``start``.

    A domestic abuse alert is due when the next school day starts after ``start`` (pass the
    incident's time); the others ``timescale`` of working time after ``start``.

    Raises:
        ValueError: a rule other than domestic abuse has no timescale.
    """
    if rule.kind is RuleKind.DOMESTIC_ABUSE_SCHOOL:
        return school.next_school_day_start(start)
    if rule.timescale is None:
        raise ValueError(f"the rule {rule.key} has no timescale")
    return working.add(start, rule.timescale)


def escalation_due(rule: AlertRule, raised_at: datetime, calendar: WorkingCalendar) -> datetime:
    """When an alert nobody has acknowledged escalates: ``escalate_after`` working time on."""
    return calendar.add(raised_at, rule.escalate_after)


def _require(rule: AlertRule, kind: RuleKind) -> None:
    if rule.kind is not kind:
        raise ValueError(f"the rule {rule.key} is a {rule.kind} rule, not {kind}")


def _london_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("alert rules need aware datetimes")
    return moment.astimezone(LONDON).date()
