"""Who works with which demo child, so each persona sees a realistic, different slice.

Schools and GP practices are involved with every child on roll or registered; the
health visiting service with every child under five; children's social care with a
few per cent; a handful attended the emergency department or met the police; some
have an open contact at the MASH; one adopted child's record is restricted. One expectant
mother of a child the council works with has her unborn child on a protection plan.
"""

import random
from dataclasses import replace
from datetime import date, timedelta

from jigsaw.demo.records import (
    DemoAdult,
    DemoCasework,
    DemoChild,
    DemoFlag,
    DemoInvolvement,
    DemoMashCase,
    DemoRelationship,
    DemoRestriction,
    DemoUnbornPlan,
)

CLASS_SIZE = 28
HEALTH_VISITOR_CASELOAD = 60
SOCIAL_CARE_SHARE = 0.04
SOCIAL_WORKER_CASELOAD = 15
EMERGENCY_ATTENDANCES = 8
POLICE_CASES = 10
MASH_CONTACTS = 20
TEACHER_AGE = 8  # Year 4
# (how many children, organisation, persona, involvement role, within how many days)
SINGLE_EPISODES = (
    (EMERGENCY_ATTENDANCES, "org:hospital", "persona:ed-nurse", "hospital", 14),
    (POLICE_CASES, "org:police", "persona:police-officer", "police_officer_in_case", 90),
)


def generate_casework(children: tuple[DemoChild, ...], *, seed: int, today: date) -> DemoCasework:
    """Involvements, MASH cases and restrictions for the generated children."""
    if not children:
        return DemoCasework((), (), ())
    rng = random.Random(f"casework:{seed}")
    involvements = [*_universal_services(children, today), *_class(children, today)]
    involvements += _health_visiting(children, rng, today)
    involvements += _social_care(children, rng, today)
    for count, organisation, persona, role, days in SINGLE_EPISODES:
        for child in rng.sample(children, min(count, len(children))):
            started = today - timedelta(days=rng.randint(0, days))
            involvements.append(DemoInvolvement(child.key, organisation, persona, role, started))
    cases = [
        DemoMashCase(child.key, "org:mash", rng.randint(0, 3))
        for child in rng.sample(children, min(MASH_CONTACTS, len(children)))
    ]
    restricted = _restricted(involvements)
    flags = _flags(involvements, rng)
    return DemoCasework(tuple(involvements), tuple(cases), restricted, flags)


def _since(child: DemoChild, today: date, years: int) -> date:
    return max(child.date_of_birth, today - timedelta(days=365 * years))


def _universal_services(children: tuple[DemoChild, ...], today: date) -> list[DemoInvolvement]:
    rows = []
    for child in children:
        rows.append(DemoInvolvement(child.key, child.gp_key, None, "registered_gp",
                                    _since(child, today, 6)))  # fmt: skip
        if child.school_key:
            rows.append(DemoInvolvement(child.key, child.school_key, None, "school_attended",
                                        _since(child, today, 3)))  # fmt: skip
    return rows


def _age(child: DemoChild, today: date) -> int:
    years = today.year - child.date_of_birth.year
    return years - ((today.month, today.day) < (child.date_of_birth.month, child.date_of_birth.day))


def _class(children: tuple[DemoChild, ...], today: date) -> list[DemoInvolvement]:
    """The Year 4 teacher's class at Oakfield Primary."""
    pupils = [
        c for c in children if c.school_key == "org:school-1" and _age(c, today) == TEACHER_AGE
    ]
    start = date(today.year if today.month >= 9 else today.year - 1, 9, 4)  # noqa: PLR2004
    return [
        DemoInvolvement(c.key, "org:school-1", "persona:teacher-oakfield", "class_teacher", start)
        for c in pupils[:CLASS_SIZE]
    ]


def _health_visiting(
    children: tuple[DemoChild, ...], rng: random.Random, today: date
) -> list[DemoInvolvement]:
    under_fives = [c for c in children if _age(c, today) < 5]  # noqa: PLR2004
    sample = rng.sample(under_fives, min(HEALTH_VISITOR_CASELOAD, len(under_fives)))
    caseload = {c.key for c in sample}
    return [
        DemoInvolvement(
            c.key,
            "org:health-visiting",
            "persona:health-visitor" if c.key in caseload else None,
            "health_visitor",
            c.date_of_birth,
        )
        for c in under_fives
    ]


def _social_care(
    children: tuple[DemoChild, ...], rng: random.Random, today: date
) -> list[DemoInvolvement]:
    chosen = rng.sample(children, max(1, int(len(children) * SOCIAL_CARE_SHARE)))
    rows = []
    for index, child in enumerate(chosen):
        started = today - timedelta(days=rng.randint(20, 700))
        rows.append(DemoInvolvement(child.key, "org:la", None, "childrens_social_care", started))
        if index < SOCIAL_WORKER_CASELOAD:
            rows.append(DemoInvolvement(child.key, "org:la", "persona:social-worker",
                                        "allocated_social_worker", started))  # fmt: skip
    return rows


def _restricted(involvements: list[DemoInvolvement]) -> tuple[DemoRestriction, ...]:
    """One adopted child's record, visible only to their allocated social worker."""
    allocated = [i.child_key for i in involvements if i.role == "allocated_social_worker"]
    if not allocated:
        return ()
    return (DemoRestriction(allocated[-1], "adoption", ("persona:social-worker",)),)


# Among children known to social care: roughly how many are on each plan or status.
FLAG_SHARES = (("child_in_need", 0.35), ("child_protection_plan", 0.15), ("looked_after", 0.10))
CATEGORIES = ("NEG", "NEG", "EMO", "PHY", "SAB", "MUL")  # neglect is the commonest


def _flags(involvements: list[DemoInvolvement], rng: random.Random) -> tuple[DemoFlag, ...]:
    """Statuses for children the council works with, starting when its involvement did."""
    known = [i for i in involvements if i.role == "childrens_social_care"]
    flags = []
    for involvement in known:
        draw = rng.random()
        for kind, share in FLAG_SHARES:
            if draw < share:
                category = rng.choice(CATEGORIES) if kind == "child_protection_plan" else None
                flags.append(
                    DemoFlag(involvement.child_key, kind, category, involvement.started_on)
                )
                break
            draw -= share
    return tuple(flags)


# Mothers young enough for the demo to show one expecting; a plan is made after a pre-birth
# conference, usually by about 20 weeks, so the baby is due in the next few months.
_EXPECTING_AGES = (18, 43)
_DUE_IN_DAYS = (40, 150)
_PLANNED_DAYS_AGO = (7, 60)


def plan_for_an_unborn_child(
    casework: DemoCasework,
    adults: tuple[DemoAdult, ...],
    relationships: tuple[DemoRelationship, ...],
    *,
    seed: int,
    today: date,
) -> tuple[DemoCasework, str | None]:
    """Put one expectant mother's unborn child on a child protection plan, held against her.

    She is the mother of a child the council works with, preferably one already on a plan
    (a sibling's plan is the commonest reason for a pre-birth conference); if that child is
    not on a plan yet, they are put on one. Returns the casework and the mother's key, or
    None when no child the council works with has a mother of an age to be expecting.
    """
    rng = random.Random(f"unborn:{seed}")
    mothers = _young_mothers(adults, relationships, today)
    restricted = {r.child_key for r in casework.restrictions}
    flagged = {f.child_key: f for f in casework.flags}
    known = {i.child_key: i.started_on for i in casework.involvements
             if i.role == "childrens_social_care"}  # fmt: skip
    on_plan = [key for key, f in flagged.items() if f.kind == "child_protection_plan"]
    for candidates in (on_plan, [k for k in known if k not in flagged], list(known)):
        fitting = [k for k in candidates if k in mothers and k not in restricted]
        if fitting:
            break
    else:
        return casework, None
    sibling = rng.choice(fitting)
    flags = casework.flags
    if sibling not in on_plan:
        category = rng.choice(CATEGORIES)
        flags += (DemoFlag(sibling, "child_protection_plan", category, known[sibling]),)
    category = next(f.category for f in flags if f.child_key == sibling and f.category)
    plan = DemoUnbornPlan(
        expectant_parent_key=mothers[sibling],
        category=category,
        started_on=today - timedelta(days=rng.randint(*_PLANNED_DAYS_AGO)),
        due_on=today + timedelta(days=rng.randint(*_DUE_IN_DAYS)),
    )
    return replace(casework, flags=flags, unborn_plans=(plan,)), plan.expectant_parent_key


def _young_mothers(
    adults: tuple[DemoAdult, ...], relationships: tuple[DemoRelationship, ...], today: date
) -> dict[str, str]:
    """Each child's mother, by child key, where she is of an age to be expecting."""
    young = {
        adult.key
        for adult in adults
        if adult.sex == "female"
        and _EXPECTING_AGES[0] <= _years(adult.date_of_birth, today) <= _EXPECTING_AGES[1]
    }
    return {
        r.child_key: r.adult_key
        for r in relationships
        if r.kind == "parent" and r.adult_key is not None and r.adult_key in young
    }


def _years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
