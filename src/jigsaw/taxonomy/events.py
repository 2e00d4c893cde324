"""What can happen to a child, in one taxonomy every agency's events map to.

An agency's system keeps its own codes ("DA01", "ED attendance - self-referral"); when it
posts an event to Jigsaw it says which of these categories the event is, and Jigsaw keeps
both. The chronology filters, the alert rules and the counts all speak these codes; people
read the labels. Jigsaw's own events (a concern shared, a MASH decision, a plan starting)
use the same list.
"""

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class EventGroup(StrEnum):
    """The broad kind of an event: the chronology's category filter."""

    SAFEGUARDING = "safeguarding"  # concerns, contacts, decisions, consultations, plans
    HEALTH = "health"
    POLICE = "police"
    EDUCATION = "education"
    SOCIAL_CARE = "social_care"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class EventCategory:
    """One category of event: its code, how people read it, and its group."""

    code: str
    label: str
    group: EventGroup
    # Marked significant when it arrives; a practitioner can mark any event significant.
    significant: bool = False
    # Whether an agency's system may post it; Jigsaw's own events come only from Jigsaw.
    postable: bool = True


def _own(code: str, label: str, group: EventGroup, *, significant: bool = False) -> EventCategory:
    return EventCategory(code, label, group, significant=significant, postable=False)


_CATEGORIES: tuple[EventCategory, ...] = (
    # Jigsaw's own events.
    _own("concern_shared", "Concern shared", EventGroup.SAFEGUARDING),
    _own("mash_contact", "Contact received at the MASH", EventGroup.SAFEGUARDING),
    _own("mash_decision", "MASH decision", EventGroup.SAFEGUARDING, significant=True),
    _own("mash_closed", "MASH contact closed", EventGroup.SAFEGUARDING),
    _own("consultation", "Consultation with the advice line", EventGroup.SAFEGUARDING),
    _own("plan_started", "Plan or status started", EventGroup.SOCIAL_CARE, significant=True),
    _own("plan_ended", "Plan or status ended", EventGroup.SOCIAL_CARE, significant=True),
    _own("involvement_started", "Agency started working with the child", EventGroup.OTHER),
    _own("involvement_ended", "Agency stopped working with the child", EventGroup.OTHER),
    # Posted by agencies' systems.
    EventCategory("emergency_attendance", "Attended an emergency department", EventGroup.HEALTH,
                  significant=True),
    EventCategory("hospital_admission", "Admitted to hospital", EventGroup.HEALTH,
                  significant=True),
    EventCategory("missed_health_appointment", "Missed a health appointment",
                  EventGroup.HEALTH),
    EventCategory("health_visit", "Health visit or review", EventGroup.HEALTH),
    EventCategory("domestic_abuse_incident", "Domestic abuse incident attended by police",
                  EventGroup.POLICE, significant=True),
    EventCategory("missing_episode", "Missing episode", EventGroup.POLICE, significant=True),
    EventCategory("arrest", "Arrested", EventGroup.POLICE, significant=True),
    EventCategory("police_welfare_check", "Police welfare check", EventGroup.POLICE),
    EventCategory("school_exclusion", "Excluded from school", EventGroup.EDUCATION,
                  significant=True),
    EventCategory("suspension", "Suspended from school", EventGroup.EDUCATION),
    EventCategory("persistent_absence", "Persistent absence", EventGroup.EDUCATION),
    EventCategory("child_missing_education", "Child missing education", EventGroup.EDUCATION,
                  significant=True),
    EventCategory("moved_school", "Moved school", EventGroup.EDUCATION),
    EventCategory("social_care_visit", "Social work visit", EventGroup.SOCIAL_CARE),
    EventCategory("strategy_discussion", "Strategy discussion", EventGroup.SOCIAL_CARE,
                  significant=True),
    EventCategory("case_conference", "Child protection conference", EventGroup.SOCIAL_CARE,
                  significant=True),
    EventCategory("other", "Other event", EventGroup.OTHER),
)  # fmt: skip

EVENT_CATEGORIES: MappingProxyType[str, EventCategory] = MappingProxyType(
    {category.code: category for category in _CATEGORIES}
)
POSTABLE: frozenset[str] = frozenset(c.code for c in _CATEGORIES if c.postable)
GROUP_LABELS: MappingProxyType[EventGroup, str] = MappingProxyType({
    EventGroup.SAFEGUARDING: "Safeguarding",
    EventGroup.HEALTH: "Health",
    EventGroup.POLICE: "Police",
    EventGroup.EDUCATION: "Education",
    EventGroup.SOCIAL_CARE: "Social care",
    EventGroup.OTHER: "Other",
})  # fmt: skip


def category(code: str) -> EventCategory:
    """The category with this code; an unknown code (a retired one) reads as "Other event"."""
    return EVENT_CATEGORIES.get(code, EVENT_CATEGORIES["other"])
