"""Alert rules as data, and each rule firing and not firing at its edges (issue 7, "Alerts").

Each expectation is worked out by hand in the comment beside it. The clocks go forward on
Sunday 29 March 2026 and back on Sunday 25 October 2026.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.access.vocabulary import Role
from jigsaw.alerts.reading import default_rules, load_rules, read_timescale, rules_from
from jigsaw.alerts.rules import (
    AlertRule,
    ConcernFact,
    Deadline,
    Owner,
    PlanFlag,
    RuleKind,
    adding_up,
    adding_up_window_start,
    due_at,
    enabled_rules,
    escalation_due,
    flagged_child_event,
    timescale_missed,
)
from jigsaw.children.models import FlagKind
from jigsaw.core.errors import Invalid
from jigsaw.core.school_days import SchoolCalendar
from jigsaw.core.working_time import LONDON, Timescale, Unit, WorkingCalendar

ONE_DAY, FOUR_HOURS = Timescale(1, Unit.WORKING_DAYS), Timescale(4, Unit.WORKING_HOURS)
ADDING_UP = AlertRule(
    "adding-up", RuleKind.ADDING_UP, "Adding up", Owner.MASH_MANAGER, ONE_DAY, ONE_DAY
)
ON_A_PLAN = AlertRule(
    "plan-child-event",
    RuleKind.FLAGGED_CHILD_EVENT,
    "A child on a plan",
    Owner.ALLOCATED_SOCIAL_WORKER,
    FOUR_HOURS,
    ONE_DAY,
)
MISSED = AlertRule(
    "timescale-missed", RuleKind.TIMESCALE_MISSED, "Missed", Owner.MASH_MANAGER, ONE_DAY, ONE_DAY
)
DOMESTIC_ABUSE = AlertRule(
    "domestic-abuse-school",
    RuleKind.DOMESTIC_ABUSE_SCHOOL,
    "Domestic abuse",
    Owner.DESIGNATED_SAFEGUARDING_LEAD,
    None,
    Timescale(1, Unit.WORKING_HOURS),
)
SCHOOL, POLICE, HEALTH, COUNCIL = (uuid.UUID(int=n) for n in (1, 2, 3, 4))
NOW = datetime(2026, 6, 15, 10, tzinfo=LONDON)  # Monday, BST


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def concern(at: datetime, agency: uuid.UUID, *, acted: bool = False) -> ConcernFact:
    return ConcernFact(uuid.uuid4(), at.astimezone(UTC), agency, led_to_action=acted)


# Adding up (alert 1)


def test_three_concerns_from_two_agencies_add_up_but_two_do_not() -> None:
    first = concern(london(2026, 5, 1, 9), SCHOOL)
    second = concern(london(2026, 5, 20, 9), POLICE)
    third = concern(london(2026, 6, 10, 9), SCHOOL)
    # 2 concerns (< 3): nothing.
    assert adding_up(ADDING_UP, [first, second], now=NOW) is None
    # 3 concerns from 2 agencies: fires, listing them in the order they were shared.
    found = adding_up(ADDING_UP, [third, first, second], now=NOW)
    assert found is not None
    assert found.concern_ids == (first.id, second.id, third.id)
    assert found.agency_count == 2


def test_concerns_from_one_agency_do_not_add_up_until_a_second_agency_shares() -> None:
    school_only = [concern(london(2026, 6, day, 9), SCHOOL) for day in (1, 2, 3, 4)]
    # 4 concerns, all from the school: one agency (< 2).
    assert adding_up(ADDING_UP, school_only, now=NOW) is None
    # A 5th from the police: two agencies.
    found = adding_up(ADDING_UP, [*school_only, concern(london(2026, 6, 5, 9), POLICE)], now=NOW)
    assert found is not None
    assert found.agency_count == 2


@pytest.mark.parametrize(
    ("now", "day_90", "day_91"),
    [
        # Now Mon 15 Jun 2026 10:00 BST. 90 days before is Tue 17 Mar (GMT, before the
        # clocks went forward): Mar 17 -> Apr 17 is 31 days, -> May 17 30, -> Jun 15 29.
        # 00:00 on day 90 counts although it is more than 90 x 24 hours ago; 23:59 on day 91
        # (Mon 16 Mar) does not.
        (NOW, london(2026, 3, 17, 0, 0), london(2026, 3, 16, 23, 59)),
        # Now Sun 20 Dec 2026 12:00 GMT. 90 days before is Mon 21 Sep (BST): Sep 21 -> Oct 21
        # is 30, -> Nov 21 31, -> Dec 20 29. 00:30 BST on 21 Sep is 23:30 UTC on 20 Sep:
        # the London date counts, so it is in; 23:30 BST on 20 Sep (day 91) is out.
        (london(2026, 12, 20, 12), london(2026, 9, 21, 0, 30), london(2026, 9, 20, 23, 30)),
    ],
)
def test_a_concern_90_days_ago_counts_and_91_does_not(
    now: datetime, day_90: datetime, day_91: datetime
) -> None:
    recent = [concern(now - timedelta(days=2), POLICE), concern(now - timedelta(days=1), HEALTH)]
    assert adding_up(ADDING_UP, [concern(day_90, SCHOOL), *recent], now=now) is not None
    assert adding_up(ADDING_UP, [concern(day_91, SCHOOL), *recent], now=now) is None
    # The window starts at London midnight of day 90, given in UTC.
    start = adding_up_window_start(ADDING_UP, now=now)
    assert start.utcoffset() == timedelta(0)
    assert start.astimezone(LONDON) == day_90.replace(hour=0, minute=0)


def test_concerns_that_led_to_action_are_not_counted() -> None:
    acted = concern(london(2026, 6, 1, 9), HEALTH, acted=True)
    school = concern(london(2026, 6, 2, 9), SCHOOL)
    police = concern(london(2026, 6, 3, 9), POLICE)
    # 3 concerns from 3 agencies, but one led to action: 2 count (< 3).
    assert adding_up(ADDING_UP, [acted, school, police], now=NOW) is None
    # A third that led to no action: 3 count, and the acted-on one is not among them.
    another = concern(london(2026, 6, 4, 9), SCHOOL)
    found = adding_up(ADDING_UP, [acted, school, police, another], now=NOW)
    assert found is not None
    assert found.concern_ids == (school.id, police.id, another.id)


def test_the_dedupe_key_stays_while_the_same_run_keeps_adding_up() -> None:
    run = [
        concern(london(2026, 5, 1, 9), SCHOOL),
        concern(london(2026, 5, 10, 9), POLICE),
        concern(london(2026, 5, 20, 9), SCHOOL),
    ]
    first = adding_up(ADDING_UP, run, now=london(2026, 5, 20, 10))
    assert first is not None
    assert first.dedupe_key == f"adding-up:{run[0].id}"
    # A 4th concern a week later joins the run: the same key, so no second alert.
    fourth = concern(london(2026, 5, 27, 9), HEALTH)
    joined = adding_up(ADDING_UP, [*run, fourth], now=london(2026, 5, 27, 10))
    assert joined is not None
    assert joined.dedupe_key == first.dedupe_key
    assert joined.concern_ids == (*first.concern_ids, fourth.id)
    # On 30 Jul, 1 May is day 90 (May 1 -> Jun 1 is 31, -> Jul 1 30, -> Jul 30 29): still in.
    assert adding_up(ADDING_UP, run, now=london(2026, 7, 30, 10)) == replace(
        first, window_start=adding_up_window_start(ADDING_UP, now=london(2026, 7, 30, 10))
    )


def test_a_new_run_after_the_window_has_moved_on_has_a_new_key() -> None:
    old_run = [
        concern(london(2026, 1, 5, 9), SCHOOL),
        concern(london(2026, 1, 6, 9), POLICE),
        concern(london(2026, 1, 7, 9), SCHOOL),
    ]
    old = adding_up(ADDING_UP, old_run, now=london(2026, 1, 7, 10))
    assert old is not None
    # By Mon 15 Jun 2026 the window starts on 17 Mar: January's concerns are all out, and
    # three new ones from two agencies make a new run, with its own key.
    new_run = [concern(london(2026, 6, day, 9), agency) for day, agency in
               ((1, HEALTH), (2, POLICE), (3, HEALTH))]  # fmt: skip
    new = adding_up(ADDING_UP, [*old_run, *new_run], now=NOW)
    assert new is not None
    assert new.concern_ids == tuple(fact.id for fact in new_run)
    assert new.dedupe_key == f"adding-up:{new_run[0].id}" != old.dedupe_key


def test_when_the_earliest_concern_leaves_the_window_the_rest_make_a_new_run() -> None:
    # 1 May, 10 May, 20 May, 27 May from two agencies. On 31 Jul, 1 May is day 91 (out):
    # 10, 20 and 27 May still add up, as a run starting on 10 May (documented on AddingUp).
    facts = [concern(london(2026, 5, day, 9), agency) for day, agency in
             ((1, SCHOOL), (10, POLICE), (20, SCHOOL), (27, HEALTH))]  # fmt: skip
    found = adding_up(ADDING_UP, facts, now=london(2026, 7, 31, 10))
    assert found is not None
    assert found.dedupe_key == f"adding-up:{facts[1].id}"


def test_a_deployments_own_numbers_are_used() -> None:
    tighter = replace(ADDING_UP, concerns=2, agencies=2, window_days=30)
    # Two concerns from two agencies, 30 and 1 days ago: fires; 31 days ago does not.
    recent = concern(london(2026, 6, 14, 9), POLICE)
    assert (
        adding_up(tighter, [concern(london(2026, 5, 16, 9), SCHOOL), recent], now=NOW) is not None
    )
    assert adding_up(tighter, [concern(london(2026, 5, 15, 9), SCHOOL), recent], now=NOW) is None


def test_a_disabled_rule_never_fires_and_a_rule_of_another_kind_is_a_mistake() -> None:
    facts = [concern(london(2026, 6, day, 9), (SCHOOL, POLICE)[day % 2]) for day in (1, 2, 3)]
    assert adding_up(ADDING_UP, facts, now=NOW) is not None
    assert adding_up(replace(ADDING_UP, enabled=False), facts, now=NOW) is None
    with pytest.raises(ValueError, match="not adding_up"):
        adding_up(MISSED, facts, now=NOW)
    with pytest.raises(ValueError, match="aware"):
        ConcernFact(uuid.uuid4(), datetime(2026, 6, 1, 9), SCHOOL, led_to_action=False)  # noqa: DTZ001


CONCERNS_2026 = st.lists(
    st.builds(
        ConcernFact,
        id=st.uuids(),
        # Hypothesis takes naive bounds and attaches the zone itself.
        at=st.datetimes(datetime(2026, 1, 1), datetime(2026, 6, 15), timezones=st.just(UTC)),  # noqa: DTZ001
        agency_id=st.sampled_from([SCHOOL, POLICE, HEALTH]),
        led_to_action=st.booleans(),
    ),
    max_size=12,
)


@given(CONCERNS_2026, st.randoms(use_true_random=False))
def test_the_order_concerns_are_given_in_does_not_matter(
    facts: list[ConcernFact], shuffler: random.Random
) -> None:
    shuffled = list(facts)
    shuffler.shuffle(shuffled)
    assert adding_up(ADDING_UP, shuffled, now=NOW) == adding_up(ADDING_UP, facts, now=NOW)


@given(CONCERNS_2026, st.sampled_from([SCHOOL, POLICE, HEALTH]))
def test_a_new_concern_never_changes_the_key_of_concerns_that_add_up(
    facts: list[ConcernFact], agency: uuid.UUID
) -> None:
    before = adding_up(ADDING_UP, facts, now=NOW)
    after = adding_up(ADDING_UP, [*facts, concern(NOW, agency)], now=NOW)
    if before is not None:
        assert after is not None
        assert after.dedupe_key == before.dedupe_key


# A child on a plan (alert 2)


@pytest.mark.parametrize("flag", list(PlanFlag))
def test_each_flag_fires_for_an_event_from_another_agency(flag: PlanFlag) -> None:
    assert flagged_child_event(
        ON_A_PLAN,
        child_flags=frozenset({flag.value}),
        event_agency_id=HEALTH,  # the emergency department
        flag_holder_agency_ids=frozenset({COUNCIL}),
    )


def test_the_councils_own_event_or_a_child_not_on_a_plan_does_not_fire() -> None:
    on_plan = frozenset({"child_protection_plan"})
    holders = frozenset({COUNCIL})
    # The council that holds the plan posted it: it knows already.
    assert not flagged_child_event(
        ON_A_PLAN, child_flags=on_plan, event_agency_id=COUNCIL, flag_holder_agency_ids=holders
    )
    # Child in need is not one of the flags; no flags at all neither.
    for flags in (frozenset({"child_in_need"}), frozenset[str]()):
        assert not flagged_child_event(
            ON_A_PLAN, child_flags=flags, event_agency_id=HEALTH, flag_holder_agency_ids=holders
        )
    # A rule watching only plans ignores a looked-after child.
    plans_only = replace(ON_A_PLAN, flags=(PlanFlag.CHILD_PROTECTION_PLAN,))
    assert not flagged_child_event(
        plans_only,
        child_flags=frozenset({"looked_after"}),
        event_agency_id=HEALTH,
        flag_holder_agency_ids=holders,
    )
    assert not flagged_child_event(
        replace(ON_A_PLAN, enabled=False),
        child_flags=on_plan,
        event_agency_id=HEALTH,
        flag_holder_agency_ids=holders,
    )


def test_the_plan_flags_are_the_childrens_flag_kinds() -> None:
    assert {flag.value for flag in PlanFlag} <= {kind.value for kind in FlagKind}


# Timescales missed (alert 4) and when alerts are due and escalate


def test_done_exactly_when_due_is_on_time() -> None:
    due = london(2026, 6, 15, 17)
    tick = timedelta(microseconds=1)
    what = Deadline.FEEDBACK

    def missed(done_at: datetime | None, now: datetime) -> bool:
        return timescale_missed(MISSED, what, due_at=due, done_at=done_at, now=now)

    assert not missed(due, due + timedelta(days=3))  # done at 17:00 sharp
    assert missed(due + tick, due + timedelta(days=3))  # a microsecond late
    assert not missed(None, due)  # not done, but 17:00 has not passed
    assert missed(None, due + tick)  # not done, and it has
    # A rule that does not watch feedback does not fire for it.
    decisions_only = replace(MISSED, timescales=(Deadline.CONTACT_DECISION,))
    assert not timescale_missed(decisions_only, what, due_at=due, done_at=None, now=due + tick)


def test_an_unacknowledged_alert_escalates_after_working_time() -> None:
    # Raised Fri 28 Aug 2026 16:00; Mon 31 Aug is a bank holiday; 1 working day (8 office
    # hours) is 1 hour on Friday and 7 on Tuesday: Tue 1 Sep 16:00 BST = 15:00 UTC.
    escalates = escalation_due(ADDING_UP, london(2026, 8, 28, 16), WorkingCalendar())
    assert escalates == datetime(2026, 9, 1, 15, tzinfo=UTC)


def test_when_an_alert_is_due() -> None:
    working, school = WorkingCalendar(), SchoolCalendar()
    friday_night = london(2026, 8, 28, 22)  # before the late summer bank holiday
    # Domestic abuse: before school starts on Tue 1 Sep, 08:30 BST = 07:30 UTC.
    due = due_at(DOMESTIC_ABUSE, friday_night, working=working, school=school)
    assert due == datetime(2026, 9, 1, 7, 30, tzinfo=UTC)
    # A child on a plan: 4 working hours from Tue 09:00 is 13:00 BST = 12:00 UTC.
    due = due_at(ON_A_PLAN, friday_night, working=working, school=school)
    assert due == datetime(2026, 9, 1, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="no timescale"):
        due_at(replace(ON_A_PLAN, timescale=None), friday_night, working=working, school=school)


# Rules as data


def test_the_default_rules_are_issue_7s_four() -> None:
    rules = {rule.key: rule for rule in default_rules()}
    assert list(rules) == ["adding-up", "plan-child-event", "domestic-abuse-school",
                           "timescale-missed"]  # fmt: skip
    adding = rules["adding-up"]
    assert (adding.kind, adding.owner_role) == (RuleKind.ADDING_UP, Owner.MASH_MANAGER)
    assert (adding.concerns, adding.agencies, adding.window_days) == (3, 2, 90)
    assert adding.timescale == adding.escalate_after == ONE_DAY
    plan = rules["plan-child-event"]
    assert (plan.owner_role, plan.timescale) == (Owner.ALLOCATED_SOCIAL_WORKER, FOUR_HOURS)
    assert set(plan.flags) == set(PlanFlag)
    abuse = rules["domestic-abuse-school"]
    assert (abuse.owner_role, abuse.timescale) == (Owner.DESIGNATED_SAFEGUARDING_LEAD, None)
    assert set(rules["timescale-missed"].timescales) == set(Deadline)
    assert rules["timescale-missed"].owner_role is Owner.MASH_MANAGER
    assert all(rule.enabled for rule in rules.values())


def test_enabled_rules_of_a_kind() -> None:
    off = replace(ADDING_UP, key="adding-up-off", enabled=False)
    assert enabled_rules([ADDING_UP, off, MISSED], RuleKind.ADDING_UP) == (ADDING_UP,)


def test_each_owner_holds_a_role() -> None:
    assert Owner.MASH_MANAGER.role is Role.MASH_MANAGER
    assert Owner.ALLOCATED_SOCIAL_WORKER.role is Role.SOCIAL_WORKER
    assert Owner.DESIGNATED_SAFEGUARDING_LEAD.role is Role.DESIGNATED_SAFEGUARDING_LEAD
    assert Owner.MASH_PRACTITIONER.role is Role.MASH_PRACTITIONER


@pytest.mark.parametrize(
    ("text", "timescale"),
    [("4h", FOUR_HOURS), ("4 working hours", FOUR_HOURS), ("1d", ONE_DAY),
     ("1 working day", ONE_DAY), ("2 working days", Timescale(2, Unit.WORKING_DAYS))],
)  # fmt: skip
def test_timescales_are_read_short_or_in_words(text: str, timescale: Timescale) -> None:
    assert read_timescale(text) == timescale


@pytest.mark.parametrize("text", ["0h", "0 working days", "2 weeks", "a day"])
def test_timescales_that_are_not_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="timescale"):
        read_timescale(text)


def good() -> list[dict[str, Any]]:
    """The smallest valid rule of each kind."""
    common = {"title": "T", "owner_role": "mash_manager", "escalate_after": "1d"}
    return [
        {"key": "a", "kind": "adding_up", "timescale": "1d", **common},
        {"key": "b", "kind": "flagged_child_event", "timescale": "4h", **common},
        {"key": "c", "kind": "domestic_abuse_school", **common},
        {"key": "d", "kind": "timescale_missed", "timescale": "1d", **common},
    ]


def problems_of(change: Callable[[list[dict[str, Any]]], object]) -> dict[str, str]:
    rules = good()
    change(rules)
    with pytest.raises(Invalid) as refused:
        load_rules(yaml.safe_dump({"rules": rules}))
    return refused.value.errors


def test_omitted_parameters_take_the_defaults() -> None:
    adding, flagged, _, missed = load_rules(yaml.safe_dump({"rules": good()}))
    assert (adding.concerns, adding.agencies, adding.window_days) == (3, 2, 90)
    assert flagged.flags == tuple(PlanFlag)
    assert missed.timescales == tuple(Deadline)
    assert adding.enabled


def test_every_problem_is_named_by_its_place() -> None:
    def break_them(rules: list[dict[str, Any]]) -> None:
        adding, flagged, abuse, missed = rules
        adding.update(kind="adding_upp")
        flagged.update(owner_role="headteacher", timescale="2 weeks", flags=["looked_after", "x"])
        abuse.update(timescale="1d", enabled="yes", colour="red")
        abuse.pop("title")
        missed.update(timescales=["feedback", "feedback"], window_days=90)
        rules.append({**good()[0], "window_days": 0, "concerns": "three", "key": "b"})
        rules.append({**good()[1], "key": "Bad Key", "escalate_after": None})

    assert problems_of(break_them) == {
        "rules[0].kind": '"adding_upp" is not one of "adding_up", "flagged_child_event", '
        '"domestic_abuse_school", "timescale_missed"',
        "rules[1].owner_role": '"headteacher" is not one of "mash_manager", '
        '"mash_practitioner", "allocated_social_worker", "designated_safeguarding_lead"',
        "rules[1].timescale": '"2 weeks" is not a timescale; write "4h", "1d" or "1 working day"',
        "rules[1].flags[1]": '"x" is not one of "child_protection_plan", "looked_after", '
        '"unborn_child_protection_plan"',
        "rules[2].colour": '"colour" is not a field of a rule (check the spelling)',
        "rules[2].title": "is missing",
        "rules[2].timescale": "a domestic abuse alert is due when the next school day starts; "
        "leave timescale out",
        "rules[2].enabled": "should be true or false",
        "rules[3].window_days": '"window_days" is not a field of a timescale_missed rule',
        "rules[3].timescales[1]": '"feedback" is given twice',
        "rules[4].key": '"b" is the key of rules[1] too',
        "rules[4].concerns": "should be a whole number of 1 or more",
        "rules[4].window_days": "should be a whole number of 1 or more",
        "rules[5].key": 'should be lower-case letters, digits and hyphens: "adding-up"',
        "rules[5].escalate_after": "is empty",
    }


def test_an_adding_up_rule_cannot_need_more_agencies_than_concerns() -> None:
    def too_many(rules: list[dict[str, Any]]) -> None:
        rules[0].update(concerns=2, agencies=3)

    assert problems_of(too_many) == {
        "rules[0].agencies": "cannot be more than the number of concerns"
    }


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (lambda rules: rules[0].update(escalate_after=None),
         {"rules[0].escalate_after": "is empty"}),
        (lambda rules: rules[0].pop("timescale"), {"rules[0].timescale": "is missing"}),
        (lambda rules: rules[0].pop("kind"), {"rules[0].kind": "is missing"}),
        (lambda rules: rules[0].update(title="x" * 201),
         {"rules[0].title": "should be text of 1 to 200 characters"}),
        (lambda rules: rules[1].update(flags=[]),
         {"rules[1].flags": 'should be a list of one or more of "child_protection_plan", '
                            '"looked_after", "unborn_child_protection_plan"'}),
    ],
)  # fmt: skip
def test_a_single_problem_is_named(
    change: Callable[[list[dict[str, Any]]], object], errors: dict[str, str]
) -> None:
    assert problems_of(change) == errors


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("", {"file": "the file is empty; list the deployment's rules under rules:"}),
        ("- a\n", {"file": "the file is not a mapping; list the deployment's rules under rules:"}),
        ("rules: 3\n", {"rules": "should be a list of rules"}),
        ("rules: []\n",
         {"rules": "list at least one rule; to turn a rule off, set enabled: false"}),
        ("rule: []\n", {"rule": '"rule" is not a field that can go here (check the spelling)',
                        "rules": "is missing: list the deployment's rules under rules:"}),
        ("rules:\n  - text\n",
         {"rules[0]": "should be a rule: a mapping of key, kind, title, owner_role, ..."}),
        ("rules: x\n  kind: y\n",
         {"file": "line 2, column 7: mapping values are not allowed here"}),
        ("rules:\n  - key: a\n    key: b\n",
         {"file": 'line 3, column 5: "key" is given twice in the same place'}),
    ],
)  # fmt: skip
def test_a_file_of_the_wrong_shape_is_refused(text: str, errors: dict[str, str]) -> None:
    with pytest.raises(Invalid) as refused:
        load_rules(text)
    assert refused.value.errors == errors


def test_a_deployments_own_file_replaces_the_defaults(tmp_path: Path) -> None:
    assert rules_from(None) == default_rules()
    assert rules_from(tmp_path / "missing.yaml") == default_rules()
    own = tmp_path / "rules.yaml"
    own.write_text(yaml.safe_dump({"rules": good()[:1]}), encoding="utf-8")
    assert [rule.key for rule in rules_from(own)] == ["a"]
    own.write_bytes(b"\xff\xfe")
    with pytest.raises(Invalid) as refused:
        rules_from(own)
    assert refused.value.errors == {"file": "cannot read the rules file: it is not UTF-8 text"}
