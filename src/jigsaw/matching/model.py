"""Score a candidate child record against a search with a Fellegi-Sunter model.

Each field is compared to a level (``comparisons``); each level carries an m probability (how
often the level occurs when both records are the same child) and a u probability (how often it
occurs for two different children). The match weight is the prior's log2 odds plus the sum of
log2(m / u) over the fields, and the posterior match probability follows from it. Hard rules are
applied over the model: a conflicting NHS number always means different children.

The parameters are read from a JSON file. The packaged ``data/default_model.json`` is hand-set;
Splink training on linked records will replace it without changing this code.
"""

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from jigsaw.matching import comparisons
from jigsaw.matching.explain import describe
from jigsaw.matching.levels import (
    LEVELS_BY_FIELD,
    DateOfBirthLevel,
    FamilyNameLevel,
    Field,
    GivenNameLevel,
    IdentifierLevel,
)
from jigsaw.matching.records import PersonRecord

MATCH_THRESHOLD = 0.95
POSSIBLE_THRESHOLD = 0.85
NHS_CONFLICT_RULE = "different NHS numbers: never the same child"
TWIN_RULE = "same birthday and family, different first name: could be a twin, so check"
# Where the twin rule caps a score: inside the "possible" band, so a person always checks.
TWIN_CAP = 0.9

_COMPARE: dict[Field, Callable[[PersonRecord, PersonRecord], StrEnum]] = {
    Field.GIVEN_NAME: comparisons.compare_given_name,
    Field.FAMILY_NAME: comparisons.compare_family_name,
    Field.DATE_OF_BIRTH: comparisons.compare_date_of_birth,
    Field.POSTCODE: comparisons.compare_postcode,
    Field.SEX: comparisons.compare_sex,
    Field.NHS_NUMBER: comparisons.compare_nhs_number,
    Field.UPN: comparisons.compare_upn,
}


class Band(StrEnum):
    """How a practitioner should read a score: match ≥ 0.95, possible ≥ 0.85, else unlikely."""

    MATCH = "match"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"


class ModelFileError(ValueError):
    """The parameter file is not a valid model: a level is missing or a probability is bad."""


@dataclass(frozen=True, slots=True)
class MatchModel:
    """The scorer's parameters: the prior and each level's weight, log2(m / u)."""

    prior: float
    weights: Mapping[Field, Mapping[str, float]]
    description: str = ""


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """How one field compared, its weight in bits, and the plain words shown to the user.

    ``text`` may quote the compared names: show it, never log it.
    """

    field: Field
    level: str
    weight: float
    text: str


@dataclass(frozen=True, slots=True)
class MatchScore:
    """The posterior match probability of a candidate, its band, and the evidence for it."""

    probability: float
    band: Band
    match_weight: float
    explanation: tuple[FieldEvidence, ...]
    rule: str | None = None


def load_model(path: Path | None = None) -> MatchModel:
    """Read model parameters from a JSON file, or the packaged default when no path is given.

    Raises:
        ModelFileError: a field or level is missing, or a probability is not in (0, 1].
    """
    if path is None:
        source = resources.files("jigsaw.matching").joinpath("data", "default_model.json")
        text = source.read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    raw = json.loads(text)
    prior = _probability(raw.get("prior"), "prior")
    if prior >= 1:
        raise ModelFileError("prior must be below 1")
    weights = {field: _field_weights(raw.get("fields", {}), field) for field in Field}
    return MatchModel(prior=prior, weights=weights, description=str(raw.get("description", "")))


def _field_weights(fields: Mapping[str, object], field: Field) -> dict[str, float]:
    """Turn one field's m and u probabilities into log2(m / u) for every level it must have."""
    levels = fields.get(field.value)
    if not isinstance(levels, Mapping):
        raise ModelFileError(f"no levels for {field.value}")
    weights: dict[str, float] = {}
    for level in LEVELS_BY_FIELD[field]:
        where = f"{field.value}.{level.value}"
        entry = levels.get(level.value)
        if not isinstance(entry, Mapping):
            raise ModelFileError(f"no parameters for {where}")
        m = _probability(entry.get("m"), f"{where}.m")
        u = _probability(entry.get("u"), f"{where}.u")
        weights[level.value] = math.log2(m / u)
    return weights


def _probability(value: object, where: str) -> float:
    """Check that a parameter is a number in (0, 1] and return it."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
        raise ModelFileError(f"{where} must be a probability in (0, 1]")
    return float(value)


def score(query: PersonRecord, candidate: PersonRecord, model: MatchModel) -> MatchScore:
    """Score how likely the candidate is the child the practitioner searched for."""
    evidence = tuple(_evidence(field, query, candidate, model) for field in Field)
    nhs = next(item for item in evidence if item.field is Field.NHS_NUMBER)
    if nhs.level == IdentifierLevel.CONFLICTING:
        # A conflicting NHS number is decisive whatever the other fields say (guidance.md §6.1:
        # numbers are never auto-corrected, so two valid numbers mean two children).
        return MatchScore(0.0, Band.UNLIKELY, -math.inf, evidence, rule=NHS_CONFLICT_RULE)
    total = math.log2(model.prior / (1 - model.prior)) + sum(item.weight for item in evidence)
    probability = _probability_from_weight(total)
    if probability > TWIN_CAP and _could_be_a_twin(evidence):
        # Same-sex twins at one address look like one child who moved nothing but a name;
        # the model cannot tell them apart, so a person must.
        return MatchScore(TWIN_CAP, band_for(TWIN_CAP), total, evidence, rule=TWIN_RULE)
    return MatchScore(probability, band_for(probability), total, evidence)


def _could_be_a_twin(evidence: tuple[FieldEvidence, ...]) -> bool:
    levels = {item.field: item.level for item in evidence}
    return (
        levels[Field.GIVEN_NAME] == GivenNameLevel.DIFFERENT
        and levels[Field.DATE_OF_BIRTH] == DateOfBirthLevel.EXACT
        and levels[Field.FAMILY_NAME] in {FamilyNameLevel.EXACT, FamilyNameLevel.PART}
        and levels[Field.NHS_NUMBER] != IdentifierLevel.SAME
    )


def _evidence(
    field: Field, query: PersonRecord, candidate: PersonRecord, model: MatchModel
) -> FieldEvidence:
    """Compare one field and attach its weight and explanation."""
    level = _COMPARE[field](query, candidate).value
    weight = model.weights[field][level]
    return FieldEvidence(field, level, weight, describe(field, level, query, candidate))


def _probability_from_weight(weight: float) -> float:
    """Turn a match weight (log2 odds) into a probability, without overflow at the extremes."""
    if weight >= 0:
        return 1 / (1 + math.exp2(-min(weight, 1000.0)))
    odds = math.exp2(max(weight, -1000.0))
    return odds / (1 + odds)


def band_for(probability: float) -> Band:
    """Band a probability: match ≥ 0.95, possible ≥ 0.85, otherwise unlikely."""
    if probability >= MATCH_THRESHOLD:
        return Band.MATCH
    if probability >= POSSIBLE_THRESHOLD:
        return Band.POSSIBLE
    return Band.UNLIKELY


def may_merge_automatically(first: PersonRecord, second: PersonRecord, result: MatchScore) -> bool:
    """Tell whether two records may be merged without a person checking, given their score.

    Only a "match" with no hard rule qualifies, and never for likely twins or siblings: records
    from the same household, or with the same date of birth and family name but different
    first given names. Those score highly by design, so a person must always decide.
    """
    if result.band is not Band.MATCH or result.rule is not None:
        return False
    return not _likely_siblings(first, second)


def _likely_siblings(first: PersonRecord, second: PersonRecord) -> bool:
    """Tell whether two records look like twins or siblings rather than one child."""
    if first.household_key and first.household_key == second.household_key:
        return True
    twins = (
        first.date_of_birth is not None
        and first.date_of_birth == second.date_of_birth
        and comparisons.compare_family_name(first, second) is FamilyNameLevel.EXACT
    )
    return twins and comparisons.compare_given_name(first, second) is not GivenNameLevel.EXACT
