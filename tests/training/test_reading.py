"""Scenarios are data files: the packaged ones are valid, and a broken one says where."""

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jigsaw.core.errors import Invalid
from jigsaw.training.reading import find_scenario, packaged_scenarios, read_scenario
from jigsaw.training.rules import happened_at

WEEKEND = Path(__file__).parents[2] / "src/jigsaw/training/scenarios/weekend-call-out.yaml"


def problems(text: str) -> dict[str, str]:
    with pytest.raises(Invalid) as raised:
        read_scenario(textwrap.dedent(text))
    return raised.value.errors


def test_at_least_three_scenarios_are_packaged_and_every_one_is_valid() -> None:
    found = packaged_scenarios()
    assert len(found) >= 3
    for key, scenario in found.items():
        assert scenario.timeline, key
        assert {p.agency for p in scenario.participants.values()} <= set(scenario.agencies)
        # Every scenario has an event somewhere: something for an agency to hold.
        assert any(i.event for s in scenario.timeline for i in s.items), key


def test_each_packaged_scenario_puts_pieces_at_more_than_one_agency() -> None:
    for key, scenario in packaged_scenarios().items():
        holders = {i.agency for s in scenario.timeline for i in s.items if i.event}
        assert len(holders) >= 2, key


def test_a_scenario_is_found_by_name_or_by_file(tmp_path: Path) -> None:
    assert find_scenario("weekend-call-out")[1].title == "A weekend call-out"
    own = tmp_path / "Our Own Scenario.yaml"
    own.write_text(WEEKEND.read_text(encoding="utf-8"), encoding="utf-8")
    key, scenario = find_scenario(str(own))
    assert key == "our-own-scenario"
    assert scenario.title == "A weekend call-out"
    with pytest.raises(Invalid) as raised:
        find_scenario("no-such-scenario")
    assert "weekend-call-out" in raised.value.errors["scenario"]


def test_yaml_that_is_not_a_scenario_is_refused_by_file() -> None:
    assert "file" in problems("title: [unclosed")
    assert problems("- just\n- a list\n") == {
        "file": "the file should be a scenario: title, summary, agencies, ..."
    }


SMALL = """\
title: Small
summary: A scenario to break.
facilitator: {briefing: Run it.}
agencies:
  school: {name: Oakfield Primary School, kind: school}
  police: {name: Moorshire Police, kind: police}
participants:
  dsl: {agency: school, name: Jo Whit, job_title: DSL, roles: [designated_safeguarding_lead],
        briefing: You are the DSL.}
  officer: {agency: police, name: Mo Fen, job_title: PC, roles: [practitioner],
            briefing: You are an officer.}
addresses:
  home: {line1: 1 Heron Close, town: Eastmoor, postcode: EM3 4HT}
children:
  kayla:
    given_names: Kayla
    family_name: Hart
    sex: female
    age: 8 years
    nhs_number: "999 000 0018"
    home: home
    known_to:
      - {agency: school, role: school_attended}
      - {agency: police, role: police_officer_in_case, participant: officer}
timeline:
  - title: Monday
    narration: It is Monday.
    items:
      - agency: police
        event: {category: domestic_abuse_incident, text: Attended., days_ago: 2, at: "23:10"}
"""


def test_a_small_scenario_reads() -> None:
    scenario = read_scenario(SMALL)
    assert scenario.child_of(scenario.timeline[0].items[0].event) == "kayla"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "place", "words"),
    [
        (("kind: police", "kind: polise"), "agencies.police.kind", '"polise" is not one of'),
        (("agency: police, name", "agency: polic, name"), "participants.officer.agency",
         '"polic" is not a agency of this scenario'),
        (("roles: [practitioner]", "roles: [system_admin]"), "participants.officer.roles[0]",
         "is not a case role"),
        (("participant: officer}", "}"), "participants.officer.roles",
         "a practitioner sees a child only through an involvement that names them"),
        (('"999 000 0018"', '"999 000 0019"'), "children.kayla.nhs_number",
         "is not a valid NHS number"),
        (("EM3 4HT", "EM3 4CK"), "addresses.home.postcode", "is not a valid UK postcode"),
        (("age: 8 years", "age: eight"), "children.kayla.age", 'is not an age; write it like'),
        (("role: school_attended}", "role: school_attended, since: soon}"),
         "children.kayla.known_to[0].since", "is not an age"),
        (('at: "23:10"', 'at: "25:10"'), "timeline[0].items[0].event.at", "24-hour clock"),
        (("category: domestic_abuse_incident", "category: concern_shared"),
         "timeline[0].items[0].event.category", "made by the participants"),
        (("home: home\n    known", "home: flat\n    known"), "children.kayla.home",
         '"flat" is not a address of this scenario'),
        (("title: Monday", "titel: Monday"), "timeline[0].titel",
         "is not a field that can go here"),
        (("    narration: It is Monday.\n", ""), "timeline[0].narration", "is missing"),
    ],
)  # fmt: skip
def test_each_problem_is_named_by_its_place(
    change: tuple[str, str], place: str, words: str
) -> None:
    old, new = change
    assert old in SMALL
    found = problems(SMALL.replace(old, new, 1))
    assert place in found, found
    assert words in found[place]


def test_every_problem_is_named_at_once() -> None:
    broken = SMALL.replace("kind: police", "kind: polise").replace("EM3 4HT", "nowhere")
    broken = broken.replace("agency: police\n        event", "agency: fire\n        event")
    found = problems(broken)
    assert "agencies.police.kind" in found
    # Pydantic's problems come first; the references are checked once the shape is right.
    broken = SMALL.replace("EM3 4HT", "nowhere").replace(
        "agency: police\n        event", "agency: fire\n        event"
    )
    found = problems(broken)
    assert set(found) == {"addresses.home.postcode", "timeline[0].items[0].agency"}


def test_an_item_needs_a_note_or_an_event_and_a_note_needs_someone_to_read_it() -> None:
    event = SMALL.splitlines(keepends=True)[-1]
    assert event.strip().startswith("event:")
    empty = SMALL.replace(event, "")
    assert problems(empty) == {"timeline[0].items[0]": "give a note, an event or both"}
    nobody = SMALL.replace("  police: {name: Moorshire Police, kind: police}\n",
                           "  police: {name: Moorshire Police, kind: police}\n"
                           "  gp: {name: Riverside, kind: gp}\n")  # fmt: skip
    nobody = nobody.replace("      - agency: police\n", "      - agency: gp\n        note: Hi.\n")
    assert problems(nobody) == {
        "timeline[0].items[0].note": "goes to the agency's participants, and it has none"
    }


def test_an_event_shared_with_an_unknown_agency_or_its_own_is_refused() -> None:
    shared = SMALL.replace('at: "23:10"}', 'at: "23:10", shared_with: [police, health]}')
    assert problems(shared) == {
        "timeline[0].items[0].event.shared_with[0]": "is the agency that holds it",
        "timeline[0].items[0].event.shared_with[1]": '"health" is not a agency of this scenario',
    }


def test_each_packaged_timeline_tells_its_story_in_order() -> None:
    """The chronology keeps the story's order: no step's event before an earlier step's."""
    loaded = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
    for key, scenario in packaged_scenarios().items():
        latest = max(
            happened_at(days_ago=i.event.days_ago, at=i.event.at, anchor=loaded, now=loaded)
            for i in scenario.history
            if i.event
        )
        for number, step in enumerate(scenario.timeline, start=1):
            times = [
                happened_at(days_ago=i.event.days_ago, at=i.event.at, anchor=loaded, now=loaded)
                for i in step.items
                if i.event
            ]
            if times:
                assert min(times) >= latest, (key, number)
                latest = max(times)
