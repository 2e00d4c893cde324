"""A guidance flow as data: the YAML file's shape, and reading it with every problem named.

A flow is questions whose answers lead to another question or to an outcome. Local
authorities write their own, so a broken file is refused with a message that names the file
and the place (``questions.purpose.answers[1]``), and lists every problem at once.
"""

from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError

from jigsaw.guidance import reading
from jigsaw.guidance.checks import check_flow
from jigsaw.guidance.vocabulary import Decision, Purpose
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
    Sector,
)
from jigsaw.taxonomy.levels import LevelOfNeed

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
E = TypeVar("E", bound=StrEnum)


def _by_sector(enum: type[E]) -> Callable[[object], dict[Sector, E]]:
    """Read one code for every sector, or a mapping of sector to code."""

    def code(kind: type[StrEnum], raw: object, what: str = "code") -> Any:
        try:
            return kind(str(raw))
        except ValueError:
            known = ", ".join(f'"{member.value}"' for member in kind)
            raise ValueError(f'"{raw}" is not a known {what}; use one of {known}') from None

    def parse(raw: object) -> dict[Sector, E]:
        if isinstance(raw, Mapping):
            return {code(Sector, key, "sector"): code(enum, value) for key, value in raw.items()}
        return dict.fromkeys(Sector, code(enum, raw))

    return parse


Article6BySector = Annotated[
    dict[Sector, Article6Basis], BeforeValidator(_by_sector(Article6Basis))
]
Article9BySector = Annotated[
    dict[Sector, Article9Condition], BeforeValidator(_by_sector(Article9Condition))
]
Schedule1BySector = Annotated[
    dict[Sector, Schedule1Condition], BeforeValidator(_by_sector(Schedule1Condition))
]
Part3BySector = Annotated[
    dict[Sector, LawEnforcementBasis], BeforeValidator(_by_sector(LawEnforcementBasis))
]
ConsentBySector = Annotated[
    dict[Sector, ConsentPosition], BeforeValidator(_by_sector(ConsentPosition))
]
NotSoughtBySector = Annotated[
    dict[Sector, ConsentNotSoughtReason], BeforeValidator(_by_sector(ConsentNotSoughtReason))
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomePrefill(_Part):
    """Answers to pre-fill on the sharing record: one code, or one per sector."""

    article_6: Article6BySector | None = None
    article_9: Article9BySector | None = None
    schedule_1: Schedule1BySector | None = None
    part_3: Part3BySector | None = None
    consent: ConsentBySector | None = None
    consent_not_sought_reason: NotSoughtBySector | None = None
    level_of_need: LevelOfNeed | None = None

    def for_sector(self, sector: Sector) -> dict[str, Any]:
        """The codes this prefill sets for an organisation in ``sector`` (unset ones left out)."""
        found: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, dict):
                value = value.get(sector)
            if value is not None:
                found[name] = value
        return found


class Answer(_Part):
    """One answer to a question: it leads to the ``next`` question or to an ``outcome``."""

    value: Slug
    label: Text
    next: Slug | None = None
    outcome: Slug | None = None
    # This answer says a child may be at risk of significant harm: no path from it may end in
    # "do not share" (Information sharing advice 2024, rule 1).
    significant_harm: bool = False
    rationale: Text | None = Field(default=None, description="The answer as a rationale says it.")
    prefill: OutcomePrefill | None = None


class Question(_Part):
    """One short question, with plain-English help and where it comes from."""

    text: Text
    hint: Text | None = None
    examples: list[Text] = Field(default_factory=list, description="Shown as a bulleted list.")
    why: Text | None = Field(default=None, description="The guidance the question comes from.")
    answers: list[Answer] = Field(min_length=1)

    def answer(self, value: str) -> Answer | None:
        """The answer with this value, if there is one."""
        return next((answer for answer in self.answers if answer.value == value), None)


class Outcome(_Part):
    """Where a flow ends: what to do, and why."""

    title: Text
    decision: Decision
    explanation: Text
    warning: Text | None = Field(default=None, description="Shown first, as a warning.")
    steps: list[Text] = Field(default_factory=list)
    rationale: Text | None = None
    prefill: OutcomePrefill = Field(default_factory=OutcomePrefill)


class Flow(_Part):
    """A versioned guidance flow, read from one YAML file."""

    id: Slug
    version: int = Field(gt=0)
    title: Text
    purpose: Purpose
    summary: Text | None = None
    source: Text | None = None
    advice: Text | None = Field(default=None, description='"Not sure?" help on every question.')
    start: Slug
    questions: dict[Slug, Question] = Field(min_length=1)
    outcomes: dict[Slug, Outcome] = Field(min_length=1)


class FlowError(Exception):
    """A flow file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))
        self.source = source
        self.problems = problems


def parse_flow(text: str, *, source: str) -> Flow:
    """Read a flow from YAML text; ``source`` names it in messages (usually the file name).

    Raises:
        FlowError: the YAML, the fields or the flow's logic is wrong; each problem is listed.
    """
    try:
        data = reading.load_yaml(text)
    except reading.YamlProblem as problem:
        raise FlowError(source, [str(problem)]) from None
    if not isinstance(data, dict):
        found = "is empty" if data is None else "is not a mapping of fields"
        raise FlowError(source, [f"the file {found}; a flow has id, version, title, purpose, ..."])
    try:
        flow = Flow.model_validate(data)
    except PydanticValidationError as error:
        raise FlowError(source, reading.describe(error)) from None
    problems = check_flow(flow)
    if problems:
        raise FlowError(source, problems)
    return flow


def load_flow(path: Path, *, source: str | None = None) -> Flow:
    """Read a flow file; messages name it by ``source``, or by its file name.

    Raises:
        FlowError: the file cannot be read or is not a valid flow.
    """
    name = source or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else "not found"
        if isinstance(error, OSError) and path.exists():
            reason = "it cannot be read"
        raise FlowError(name, [f"cannot read the file: {reason}"]) from None
    return parse_flow(text, source=name)
