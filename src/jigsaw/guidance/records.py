"""The decision record a finished flow leaves on the concern, and its JSON form for storing.

The record keeps the flow's id and version and the words of every question and answer as
they were shown, so it still reads true after the flow file changes.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

from jigsaw.guidance.reading import place
from jigsaw.guidance.vocabulary import Decision
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

FORMAT = 1  # bump when the JSON shape changes, and read the old one too


class InvalidDecisionRecord(ValueError):
    """Stored JSON that is not a decision record; the message gives places, never values."""


@with_config(ConfigDict(extra="forbid"))
@dataclass(frozen=True)
class AnsweredQuestion:
    """One question as it was asked and the answer given, in the flow's words."""

    question_id: str
    question_text: str
    answer_value: str
    answer_label: str
    significant_harm: bool = False


@with_config(ConfigDict(extra="forbid"))
@dataclass(frozen=True)
class Prefill:
    """What the outcome suggests for the sharing record; None where it suggests nothing."""

    article_6: Article6Basis | None = None
    article_9: Article9Condition | None = None
    schedule_1: Schedule1Condition | None = None
    part_3: LawEnforcementBasis | None = None
    consent: ConsentPosition | None = None
    consent_not_sought_reason: ConsentNotSoughtReason | None = None
    level_of_need: LevelOfNeed | None = None


@with_config(ConfigDict(extra="forbid"))
@dataclass(frozen=True)
class DecisionRecord:
    """What a practitioner decided with a flow, and why: attached to the concern.

    ``rationale`` is the suggested wording; the practitioner may edit it, and the caller
    stores the edited text.
    """

    flow_id: str
    flow_version: int
    flow_title: str
    sector: Sector
    answered: tuple[AnsweredQuestion, ...]
    outcome_id: str
    outcome_title: str
    decision: Decision
    explanation: str
    prefill: Prefill
    significant_harm: bool
    rationale: str

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON-ready data (codes as their stored values)."""
        return {"format": FORMAT, **_ADAPTER.dump_python(self, mode="json")}

    @classmethod
    def from_json(cls, data: object) -> "DecisionRecord":
        """Read a record stored by ``to_json``.

        Raises:
            InvalidDecisionRecord: not a record of this format; the message names the places.
        """
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise InvalidDecisionRecord(f"not a decision record in format {FORMAT}")
        fields = {key: value for key, value in data.items() if key != "format"}
        try:
            return _ADAPTER.validate_python(fields)
        except ValidationError as error:
            # Only places and kinds: the values include the practitioner's own words.
            problems = "; ".join(
                f"{place(tuple(detail['loc'])) or 'record'}: {detail['type']}"
                for detail in error.errors(include_url=False)
            )
            raise InvalidDecisionRecord(f"not a valid decision record: {problems}") from None


_ADAPTER = TypeAdapter(DecisionRecord)
