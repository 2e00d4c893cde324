"""Training scenarios as data: YAML files read and checked, every problem named by its place.

A scenario names its agencies, the participants who each take an agency's part, the
synthetic child (or children) and the adults around them, what the agencies already hold
when the session starts (``history``) and a timeline of steps the facilitator applies one at
a time. Each item of a step happens at one agency: an event that agency holds about the
child, and/or a note for that agency's participants. The packaged scenarios are
``scenarios/*.yaml``; ``jigsaw training load`` also takes a path to a file of one's own.
Pure: no database.
"""

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from jigsaw.access.models import InvolvementRole
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.core.errors import Invalid
from jigsaw.guidance.reading import YamlProblem, load_yaml, place
from jigsaw.matching.identifiers import nhs_number_is_valid, postcode_is_valid
from jigsaw.taxonomy.events import POSTABLE
from jigsaw.training.rules import parse_age, parse_clock_time

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
# The roles a participant may take: case work. Administration and oversight are not the
# exercise, and the facilitator is made by the loader, never by a scenario.
PARTICIPANT_ROLES = frozenset({
    Role.PRACTITIONER, Role.DESIGNATED_SAFEGUARDING_LEAD, Role.MASH_PRACTITIONER,
    Role.MASH_MANAGER, Role.CONSULTATION_ADVISOR, Role.SOCIAL_WORKER,
})  # fmt: skip
# Roles that reach a child through their organisation's involvement or the MASH's case;
# anyone else sees a child only through an involvement that names them.
_REACH_WITHOUT_NAMING = frozenset({
    Role.DESIGNATED_SAFEGUARDING_LEAD, Role.SOCIAL_WORKER, Role.MASH_PRACTITIONER,
    Role.MASH_MANAGER, Role.CONSULTATION_ADVISOR,
})  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(_Strict):
    """An agency in the scenario: an organisation in the training space."""

    name: Name
    kind: AgencyKind


class Participant(_Strict):
    """A seat at the table: someone who takes this agency's part, with their briefing."""

    agency: Key
    name: Name
    job_title: Name
    roles: list[Role] = Field(min_length=1)
    briefing: Words


class KnownTo(_Strict):
    """An agency (or one of its participants) working with the child: what lets them see.

    ``since``: how long before the day the scenario is loaded it started ("4 years"); when
    left out, since the child was born.
    """

    agency: Key
    role: InvolvementRole
    participant: Key | None = None
    since: str | None = None

    @field_validator("since")
    @classmethod
    def _since_reads(cls, value: str | None) -> str | None:
        if value is not None:
            parse_age(value)
        return value


class _Person(_Strict):
    given_names: Name
    family_name: Name
    sex: Literal["female", "male", "unknown"]
    age: str
    home: Key

    @field_validator("age")
    @classmethod
    def _age_reads(cls, value: str) -> str:
        parse_age(value)
        return value


class Child(_Person):
    """A synthetic child: who they are and which agencies work with them."""

    nhs_number: str
    known_to: list[KnownTo] = Field(min_length=1)


class Adult(_Person):
    """A parent, carer or someone in the household; of every child unless ``children`` says."""

    relationship: Literal["parent", "carer", "household_member"]
    children: list[Key] | None = None


class Address(_Strict):
    """A home in the fictional town."""

    line1: Name
    line2: Name | None = None
    town: Name
    postcode: str


class Event(_Strict):
    """Something the item's agency records about a child: it lands on the chronology.

    It happened ``days_ago`` days before the day the scenario was loaded (its story ends
    that day), at ``at`` (London time, 24-hour clock), and never later than the moment its
    step is applied.
    """

    child: Key | None = None
    category: str
    text: Words
    days_ago: int = Field(default=0, ge=0, le=3650)
    at: str | None = None
    shared_with: list[Key] = Field(default_factory=list)

    @field_validator("at")
    @classmethod
    def _at_reads(cls, value: str | None) -> str | None:
        if value is not None:
            parse_clock_time(value)
        return value


class Item(_Strict):
    """What happens at one agency in a step: an event it holds and/or a note to its people."""

    agency: Key
    note: Words | None = None
    event: Event | None = None


class Step(_Strict):
    """One step of the timeline: what the facilitator reads out, and what happens."""

    title: Name
    narration: Words
    items: list[Item] = Field(min_length=1)


class Facilitator(_Strict):
    """What the facilitator needs to run the session and its debrief."""

    briefing: Words


class Scenario(_Strict):
    """A whole scenario, as checked."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    summary: Words
    facilitator: Facilitator
    agencies: dict[Key, Agency] = Field(min_length=2)
    participants: dict[Key, Participant] = Field(min_length=2)
    addresses: dict[Key, Address] = Field(min_length=1)
    children: dict[Key, Child] = Field(min_length=1)
    adults: dict[Key, Adult] = Field(default_factory=dict)
    history: list[Item] = Field(default_factory=list)
    timeline: list[Step] = Field(min_length=1)

    def child_of(self, event: Event) -> str:
        """The key of the child an event is about (the only child when it names none)."""
        return event.child if event.child is not None else next(iter(self.children))


def read_scenario(text: str) -> Scenario:
    """A scenario from YAML text, checked all at once.

    Raises:
        Invalid: every problem, each by its place ("timeline[1].items[0].agency") or "file".
    """
    try:
        data = load_yaml(text)
    except YamlProblem as problem:
        raise Invalid({"file": str(problem)}) from None
    if not isinstance(data, dict):
        raise Invalid({"file": "the file should be a scenario: title, summary, agencies, ..."})
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise Invalid(_problems_of(error)) from None
    problems = _references(scenario)
    if problems:
        raise Invalid(problems)
    return scenario


def scenario_from_json(document: dict[str, Any]) -> Scenario:
    """A scenario as a training space keeps it (checked when it was loaded)."""
    return Scenario.model_validate(document)


_SCENARIOS = "scenarios"


@cache
def packaged_scenarios() -> dict[str, Scenario]:
    """The scenarios shipped with Jigsaw, by key (the file's name), read once.

    Raises:
        Invalid: a packaged file is broken (a bug in Jigsaw; the tests read every one).
    """
    folder = resources.files("jigsaw.training").joinpath(_SCENARIOS)
    found: dict[str, Scenario] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            found[entry.name.removesuffix(".yaml")] = read_scenario(
                entry.read_text(encoding="utf-8")
            )
    return found


def find_scenario(name: str) -> tuple[str, Scenario]:
    """A packaged scenario by key, or a scenario file by its path; with its key.

    Raises:
        Invalid: no packaged scenario has this key and no such file, or the file's problems.
    """
    packaged = packaged_scenarios()
    if name in packaged:
        return name, packaged[name]
    path = Path(name)
    if path.suffix not in {".yaml", ".yml"} or not path.is_file():
        known = ", ".join(packaged)
        raise Invalid({"scenario": f"no scenario is called that; the packaged ones are {known}"})
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise Invalid({"file": "cannot read the scenario file as UTF-8 text"}) from None
    key = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:60] or "scenario"
    return key, read_scenario(text)


def _problems_of(error: ValidationError) -> dict[str, str]:
    """Pydantic's findings as a scenario author reads them, by place."""
    problems: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        loc: tuple[int | str, ...] = tuple(detail["loc"])
        kind, value = detail["type"], detail.get("input")
        if loc and loc[-1] == "[key]":  # a mapping's key that is not a key
            where, message = place(loc[:-2]), f'"{loc[-2]}" should be lower-case letters, '
            message += 'digits and hyphens, like "school-dsl"'
        elif kind == "missing":
            where, message = place(loc), "is missing"
        elif kind == "extra_forbidden":
            where, message = place(loc), "is not a field that can go here (check the spelling)"
        elif kind == "value_error":
            where, message = place(loc), str(detail["ctx"]["error"])
        elif kind in {"enum", "literal_error"}:
            expected = detail["ctx"]["expected"]
            where, message = place(loc), f'"{value}" is not one of {expected}'
        elif kind == "too_short":
            where, message = place(loc), "needs at least one entry"
        else:
            where, message = place(loc), str(detail["msg"]).replace("Input should", "should")
        problems.setdefault(where or "file", message)
    return problems


def _references(scenario: Scenario) -> dict[str, str]:
    """What pydantic cannot check: that every key names something, and identities are real."""
    problems: dict[str, str] = {}
    _check_participants(scenario, problems)
    _check_people(scenario, problems)
    _check_items(scenario, "history", scenario.history, problems)
    for number, step in enumerate(scenario.timeline):
        _check_items(scenario, f"timeline[{number}].items", step.items, problems)
    return problems


def _check_participants(scenario: Scenario, problems: dict[str, str]) -> None:
    named = {k.participant for c in scenario.children.values() for k in c.known_to}
    for key, participant in scenario.participants.items():
        where = f"participants.{key}"
        if participant.agency not in scenario.agencies:
            problems[f"{where}.agency"] = _unknown("agency", participant.agency)
        for number, role in enumerate(participant.roles):
            if role not in PARTICIPANT_ROLES:
                problems[f"{where}.roles[{number}]"] = (
                    f'"{role}" is not a case role; use one of {_listed(PARTICIPANT_ROLES)}'
                )
        if key not in named and not set(participant.roles) & _REACH_WITHOUT_NAMING:
            problems[f"{where}.roles"] = (
                "a practitioner sees a child only through an involvement that names them: "
                "name this participant under a child's known_to"
            )


def _check_people(scenario: Scenario, problems: dict[str, str]) -> None:
    numbers: dict[str, str] = {}
    for key, child in scenario.children.items():
        where = f"children.{key}"
        if child.home not in scenario.addresses:
            problems[f"{where}.home"] = _unknown("address", child.home)
        digits = re.sub(r"\s", "", child.nhs_number)
        if not nhs_number_is_valid(digits):
            problems[f"{where}.nhs_number"] = "is not a valid NHS number (ten digits, check digit)"
        elif digits in numbers:
            problems[f"{where}.nhs_number"] = (
                f"is also the NHS number of children.{numbers[digits]}"
            )
        numbers.setdefault(digits, key)
        for number, known in enumerate(child.known_to):
            _check_known_to(scenario, f"{where}.known_to[{number}]", known, problems)
    for key, adult in scenario.adults.items():
        if adult.home not in scenario.addresses:
            problems[f"adults.{key}.home"] = _unknown("address", adult.home)
        for number, child_key in enumerate(adult.children or ()):
            if child_key not in scenario.children:
                problems[f"adults.{key}.children[{number}]"] = _unknown("child", child_key)
    for key, address in scenario.addresses.items():
        if not postcode_is_valid(address.postcode):
            problems[f"addresses.{key}.postcode"] = "is not a valid UK postcode, like EM4 7HT"


def _check_known_to(
    scenario: Scenario, where: str, known: KnownTo, problems: dict[str, str]
) -> None:
    if known.agency not in scenario.agencies:
        problems[f"{where}.agency"] = _unknown("agency", known.agency)
    if known.participant is None:
        return
    participant = scenario.participants.get(known.participant)
    if participant is None:
        problems[f"{where}.participant"] = _unknown("participant", known.participant)
    elif participant.agency != known.agency:
        problems[f"{where}.participant"] = f'"{known.participant}" takes another agency\'s part'


def _check_items(
    scenario: Scenario, where: str, items: list[Item], problems: dict[str, str]
) -> None:
    with_people = {p.agency for p in scenario.participants.values()}
    for number, item in enumerate(items):
        here = f"{where}[{number}]"
        if item.agency not in scenario.agencies:
            problems[f"{here}.agency"] = _unknown("agency", item.agency)
        if item.note is None and item.event is None:
            problems[here] = "give a note, an event or both"
        if item.note is not None and item.agency not in with_people:
            problems[f"{here}.note"] = "goes to the agency's participants, and it has none"
        if item.event is not None:
            _check_event(scenario, f"{here}.event", item.agency, item.event, problems)


def _check_event(
    scenario: Scenario, where: str, agency: str, event: Event, problems: dict[str, str]
) -> None:
    if event.child is None and len(scenario.children) > 1:
        problems[f"{where}.child"] = "is missing: say which child, as there are several"
    elif event.child is not None and event.child not in scenario.children:
        problems[f"{where}.child"] = _unknown("child", event.child)
    if event.category not in POSTABLE:
        problems[f"{where}.category"] = (
            f'"{event.category}" is not an agency\'s event category (see taxonomy/events.py); '
            "concerns shared and MASH decisions are made by the participants"
        )
    for number, other in enumerate(event.shared_with):
        if other not in scenario.agencies:
            problems[f"{where}.shared_with[{number}]"] = _unknown("agency", other)
        elif other == agency:
            problems[f"{where}.shared_with[{number}]"] = "is the agency that holds it"


def _unknown(what: str, key: str) -> str:
    return f'"{key}" is not a {what} of this scenario'


def _listed(values: frozenset[Role]) -> str:
    return ", ".join(f'"{value}"' for value in sorted(values))
