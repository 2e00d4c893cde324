"""Score a candidate child record against a search with a Fellegi-Sunter model.

Each field is compared to a level (``comparisons``); each level carries an m probability (how
often the level occurs when both records are the same child) and a u probability (how often it
occurs for two different children). The match weight is the prior's log2 odds plus the sum of
log2(m / u) over the fields, and the posterior match probability follows from it. Hard rules are
applied over the model: a conflicting NHS number always means different children.

An exact agreement on a first given name or family name is weighed by how common the name is,
as Splink's term-frequency adjustment does: the weight uses the name's own frequency in place of
the level's u. The parameters are read from a JSON file written by ``training`` (Splink); the
packaged ``data/default_model.json`` was trained on synthetic records (see its description).
"""

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from jigsaw.matching import comparisons
from jigsaw.matching.explain import describe
from jigsaw.matching.levels import (
    LEVELS_BY_FIELD,
    OPTIONAL_FIELDS,
    DateOfBirthLevel,
    FamilyNameLevel,
    Field,
    GivenNameLevel,
    IdentifierLevel,
    OtherIdentifierLevel,
)
from jigsaw.matching.normalise import compact_name, first_given_name
from jigsaw.matching.records import PersonRecord

MATCH_THRESHOLD = 0.95
POSSIBLE_THRESHOLD = 0.85
NHS_CONFLICT_RULE = "different NHS numbers: never the same child"
TWIN_RULE = "same birthday and family, different first name: could be a twin, so check"
# Where the twin rule caps a score: inside the "possible" band, so a person always checks.
TWIN_CAP = 0.9
_FIELDS = tuple(Field)

_COMPARE: dict[Field, Callable[[PersonRecord, PersonRecord], StrEnum]] = {
    Field.GIVEN_NAME: comparisons.compare_given_name,
    Field.FAMILY_NAME: comparisons.compare_family_name,
    Field.DATE_OF_BIRTH: comparisons.compare_date_of_birth,
    Field.POSTCODE: comparisons.compare_postcode,
    Field.SEX: comparisons.compare_sex,
    Field.NHS_NUMBER: comparisons.compare_nhs_number,
    Field.UPN: comparisons.compare_upn,
    Field.ADDRESS: comparisons.compare_address,
    Field.OTHER_IDENTIFIER: comparisons.compare_other_identifier,
}


class Band(StrEnum):
    """How a practitioner should read a score: match ≥ 0.95, possible ≥ 0.85, else unlikely."""

    MATCH = "match"
    POSSIBLE = "possible"
    UNLIKELY = "unlikely"


class ModelFileError(ValueError):
    """The parameter file is not a valid model: a level is missing or a probability is bad."""


@dataclass(frozen=True, slots=True)
class NameFrequencies:
    """How common each listed name is among records, for weighing an exact agreement.

    ``floor`` is the frequency assumed for a name not listed (that of the commonest name left
    out, and at least one record's), and ``exact_u`` the u of the exact level they replace.
    """

    values: Mapping[str, float]
    floor: float
    exact_u: float

    def adjustment(self, name: str) -> float:
        """Give the bits to add to the exact level's weight for this normalised name.

        Splink's formula: log2(u of the exact level) - log2(the name's term frequency).
        """
        return math.log2(self.exact_u) - math.log2(self.values.get(name, self.floor))


@dataclass(frozen=True, slots=True)
class MatchModel:
    """The scorer's parameters: the prior and each level's weight, log2(m / u).

    ``probabilities`` keeps each level's (m, u), for handing the model back to Splink, and
    ``frequencies`` the name frequencies of the fields with a term-frequency adjustment.
    """

    prior: float
    weights: Mapping[Field, Mapping[str, float]]
    description: str = ""
    probabilities: Mapping[Field, Mapping[str, tuple[float, float]]] = dataclass_field(
        default_factory=dict
    )
    frequencies: Mapping[Field, NameFrequencies] = dataclass_field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """How one field compared, its weight in bits, and the plain words shown to the user.

    ``text`` may quote the compared names: show it, never log it.
    """

    field: Field
    level: str
    weight: float
    # The two records compared, for ``text``: worded only when shown (a batch link scores
    # a hundred thousand pairs and words none of them).
    query: PersonRecord = dataclass_field(repr=False, compare=False)
    candidate: PersonRecord = dataclass_field(repr=False, compare=False)
    # Words a hard rule gives instead (an organisation's own id, say).
    worded: str | None = None

    @property
    def text(self) -> str:
        """The plain words for how the field compared, quoting the names where they matter."""
        if self.worded is not None:
            return self.worded
        return describe(self.field, self.level, self.query, self.candidate)


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
    return parse_model(json.loads(text))


def parse_model(raw: Mapping[str, Any]) -> MatchModel:
    """Build a model from the contents of a parameter file (as ``training.train`` gives them).

    Raises:
        ModelFileError: a field or level is missing, or a probability is not in (0, 1].
    """
    prior = _probability(raw.get("prior"), "prior")
    if prior >= 1:
        raise ModelFileError("prior must be below 1")
    fields = raw.get("fields", {})
    probabilities = {field: _field_probabilities(fields, field) for field in Field}
    weights = {
        field: {level: math.log2(m / u) for level, (m, u) in levels.items()}
        for field, levels in probabilities.items()
    }
    frequencies = _frequencies(raw.get("term_frequencies", {}), probabilities)
    return MatchModel(
        prior=prior,
        weights=weights,
        description=str(raw.get("description", "")),
        probabilities=probabilities,
        frequencies=frequencies,
    )


def _field_probabilities(
    fields: Mapping[str, object], field: Field
) -> dict[str, tuple[float, float]]:
    """Read one field's m and u probabilities for every level it must have."""
    levels = fields.get(field.value)
    if levels is None and field in OPTIONAL_FIELDS:
        return {level.value: (1.0, 1.0) for level in LEVELS_BY_FIELD[field]}
    if not isinstance(levels, Mapping):
        raise ModelFileError(f"no levels for {field.value}")
    probabilities: dict[str, tuple[float, float]] = {}
    for level in LEVELS_BY_FIELD[field]:
        where = f"{field.value}.{level.value}"
        entry = levels.get(level.value)
        if not isinstance(entry, Mapping):
            raise ModelFileError(f"no parameters for {where}")
        m = _probability(entry.get("m"), f"{where}.m")
        u = _probability(entry.get("u"), f"{where}.u")
        probabilities[level.value] = (m, u)
    return probabilities


def _frequencies(
    raw: object, probabilities: Mapping[Field, Mapping[str, tuple[float, float]]]
) -> dict[Field, NameFrequencies]:
    """Read the name frequencies of the fields that have them (none in older model files)."""
    if not isinstance(raw, Mapping):
        raise ModelFileError("term_frequencies must map fields to frequencies")
    frequencies = {}
    for field in (Field.GIVEN_NAME, Field.FAMILY_NAME):
        entry = raw.get(field.value)
        if entry is None:
            continue
        where = f"term_frequencies.{field.value}"
        values = entry.get("values") if isinstance(entry, Mapping) else None
        if not isinstance(values, Mapping):
            raise ModelFileError(f"{where}.values must map names to frequencies")
        frequencies[field] = NameFrequencies(
            values={str(name): _probability(tf, f"{where}.values") for name, tf in values.items()},
            floor=_probability(entry.get("floor"), f"{where}.floor"),
            exact_u=probabilities[field]["exact"][1],
        )
    return frequencies


def _probability(value: object, where: str) -> float:
    """Check that a parameter is a number in (0, 1] and return it."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
        raise ModelFileError(f"{where} must be a probability in (0, 1]")
    return float(value)


def score(query: PersonRecord, candidate: PersonRecord, model: MatchModel) -> MatchScore:
    """Score how likely the candidate is the child the practitioner searched for."""
    levels = {field: _COMPARE[field](query, candidate).value for field in Field}
    return score_levels(levels, query, candidate, model)


def score_levels(
    levels: Mapping[Field, str], query: PersonRecord, candidate: PersonRecord, model: MatchModel
) -> MatchScore:
    """Score a pair whose comparison levels are already known (from Python or from SQL).

    The batch engine finds the levels in DuckDB and finishes here, so a pair scores the same
    whichever way it was compared: weights, term frequencies, hard rules and explanation.
    """
    evidence = tuple([
        FieldEvidence(field, level, _weight(field, level, query, model), query, candidate)
        for field, level in ((field, levels[field]) for field in _FIELDS)
    ])  # fmt: skip
    if levels[Field.NHS_NUMBER] == IdentifierLevel.CONFLICTING:
        # A conflicting NHS number is decisive whatever the other fields say (guidance.md §6.1:
        # numbers are never auto-corrected, so two valid numbers mean two children).
        return MatchScore(0.0, Band.UNLIKELY, -math.inf, evidence, rule=NHS_CONFLICT_RULE)
    total = log2_odds(model.prior) + sum([item.weight for item in evidence])
    probability = _probability_from_weight(total)
    if probability > TWIN_CAP and _could_be_a_twin(evidence):
        # Same-sex twins at one address look like one child who moved nothing but a name;
        # the model cannot tell them apart, so a person must.
        return MatchScore(TWIN_CAP, band_for(TWIN_CAP), total, evidence, rule=TWIN_RULE)
    return MatchScore(probability, band_for(probability), total, evidence)


def log2_odds(probability: float) -> float:
    """Give a probability's odds in bits, the scale match weights add up on."""
    return math.log2(probability / (1 - probability))


def _weight(field: Field, level: str, query: PersonRecord, model: MatchModel) -> float:
    """Give a level's weight, adjusted for the name's frequency when names agree exactly."""
    weight = model.weights[field][level]
    frequencies = model.frequencies.get(field)
    if frequencies is None or level != "exact":
        return weight
    if field is Field.GIVEN_NAME:
        return weight + frequencies.adjustment(first_given_name(query.given_names))
    return weight + frequencies.adjustment(compact_name(query.family_name))


def _could_be_a_twin(evidence: tuple[FieldEvidence, ...]) -> bool:
    levels = {item.field: item.level for item in evidence}
    return (
        levels[Field.GIVEN_NAME] == GivenNameLevel.DIFFERENT
        and levels[Field.DATE_OF_BIRTH] == DateOfBirthLevel.EXACT
        and levels[Field.FAMILY_NAME] in {FamilyNameLevel.EXACT, FamilyNameLevel.PART}
        # Twins never share an identifier: the same NHS number, UPN or other identifier
        # shows one child whose first name was recorded differently.
        and levels[Field.NHS_NUMBER] != IdentifierLevel.SAME
        and levels[Field.UPN] != IdentifierLevel.SAME
        and levels[Field.OTHER_IDENTIFIER] != OtherIdentifierLevel.SAME
    )


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
