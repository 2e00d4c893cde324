"""The permission matrix's vocabulary: personas, who is in which group, and one case per route.

Each capability's rows may live beside its tests (``tests/<capability>/matrix.py``);
``tests/web/test_permissions.py`` joins them and runs every row for every persona.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

PERSONAS = (
    "dsl-oakfield",
    "teacher-oakfield",
    "admin-oakfield",
    "dsl-kestrel",
    "gp-riverside",
    "health-visitor",
    "ed-nurse",
    "police-officer",
    "mash-practitioner",
    "mash-manager",
    "consultation-advisor",
    "social-worker",
    "privacy-officer",
    "system-admin",
)
CASE_ROLES = {
    "dsl-oakfield",
    "teacher-oakfield",
    "dsl-kestrel",
    "gp-riverside",
    "health-visitor",
    "ed-nurse",
    "police-officer",
    "mash-practitioner",
    "mash-manager",
    "consultation-advisor",
    "social-worker",
}
# Those with a relationship to the chosen child: the teacher's pupil, at Oakfield, registered
# at Riverside, known to no other agency.
RELATED = {"dsl-oakfield", "teacher-oakfield", "gp-riverside"}
RANDOM = uuid.UUID("00000000-0000-4000-8000-000000000000")


@dataclass(frozen=True)
class Case:
    """One route: how to call it, and the status each persona must get (default first)."""

    method: str
    route: str
    path: str  # the route with example ids: {child}, {school}, {teacher}, {social_worker}, {random}
    expect: Callable[[str], int]
    data: dict[str, object] | None = None

    def url(self, ids: "Ids") -> str:
        return self.path.format(random=RANDOM, **vars(ids))


@dataclass(frozen=True)
class Ids:
    child: uuid.UUID
    school: uuid.UUID
    teacher: uuid.UUID
    social_worker: uuid.UUID


def only(allowed: set[str], yes: int = 200, no: int = 403) -> Callable[[str], int]:
    return lambda persona: yes if persona in allowed else no


def everyone(status: int) -> Callable[[str], int]:
    return lambda _persona: status


def child_page(persona: str) -> int:
    if persona in RELATED:
        return 200
    return 404 if persona in CASE_ROLES else 403


ADMINS = {"admin-oakfield", "system-admin"}
# Roster linking: those who act for their organisation, and its admin (a data manager's job).
MATCH_REVIEWERS = {"dsl-oakfield", "dsl-kestrel", "gp-riverside", "social-worker"}
LINKERS = MATCH_REVIEWERS | {"admin-oakfield"}
# Those who receive what is shared with their organisation (issue 5).
RECEIVERS = MATCH_REVIEWERS | {"mash-practitioner", "mash-manager"}
SCREENERS = {"mash-practitioner", "mash-manager"}
ADVISORS = {"consultation-advisor", "mash-manager"}
# Those whose role owns alerts: the MASH, social workers, safeguarding leads (issue 7).
ALERT_WORKERS = MATCH_REVIEWERS | SCREENERS
