"""Learn the scorer's parameters from unlabelled records with Splink, and write the model file.

The Splink model mirrors the online scorer level for level (``sql_levels`` over ``features``).
Training follows Splink's usual recipe, with no labels: u probabilities from random pairs
(nearly all of which are different children), m probabilities by expectation maximisation over
pairs blocked on the date of birth and, separately, on the names (so every field is estimated
by a session that does not block on it), and the prior, Splink's
``probability_two_random_records_match``, from those sessions. Term frequencies of first given
names and family names are kept for the commonest names, so the scorer weighs an exact "Smith"
less than an exact "Okonkwo", as Splink's term-frequency adjustment does.

The result is the JSON document ``model.load_model`` reads.
"""

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import splink
from splink import DuckDBAPI, Linker, SettingsCreator

from jigsaw.matching.features import features
from jigsaw.matching.levels import Field
from jigsaw.matching.model import MatchModel
from jigsaw.matching.sql_levels import ELSE, SQL_LEVELS, TERM_FREQUENCY_COLUMNS

# EM blocking rules: each estimates the m of every field it does not block on.
TRAINING_BLOCKS = (
    "l.birth_digits = r.birth_digits",
    "l.given = r.given AND l.family = r.family",
)
# How many names of each kind the model file lists with their frequency; rarer names take the
# frequency of the commonest one left out, which understates their rarity (conservative).
FREQUENT_NAMES = 5_000
# A name held by fewer records than this is never listed, so the file cannot show that a
# child with a rare name is in the index.
MIN_NAME_COUNT = 5
# Probabilities are kept away from 0 so that every level has a finite weight.
SMALLEST = 1e-9
# The least u a level may have: two different children agree on it (an NHS number, a whole
# address) in at most one pair in ten million, through a recording error. It caps a level's
# weight near 23 bits, so one identical identifier outweighs the prior but never outweighs
# every other field disagreeing.
U_FLOOR = 1e-7
# Identifiers issued once per child nationally: their "same" level takes u = U_FLOOR.
UNIQUE_IDENTIFIERS = frozenset({Field.NHS_NUMBER.value, Field.UPN.value})
MODEL_FORMAT = 2

Status = Callable[[str], None]


DEFAULT_U_PAIRS = 1e7
DEFAULT_SEED = 42


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    """How much work training does: random pairs for u, and the seed that makes it repeatable."""

    u_pairs: float = DEFAULT_U_PAIRS
    seed: int = DEFAULT_SEED
    em_pairs: float | None = 2e6


def _level_dict(field: Field, position: int) -> dict[str, Any]:
    item = SQL_LEVELS[field][position]
    level: dict[str, Any] = {"sql_condition": item.condition, "label_for_charts": item.level}
    if position == 0:
        level["is_null_level"] = True
    if item.level == "exact" and field in TERM_FREQUENCY_COLUMNS:
        level["tf_adjustment_column"] = TERM_FREQUENCY_COLUMNS[field]
        level["tf_adjustment_weight"] = 1.0
    return level


def comparisons() -> list[dict[str, Any]]:
    """Give Splink's comparison definitions: one per field, one level per scorer level."""
    return [
        {
            "output_column_name": field.value,
            "comparison_levels": [
                _level_dict(field, position) for position in range(len(SQL_LEVELS[field]))
            ],
        }
        for field in SQL_LEVELS
    ]


def settings(
    link_type: str = "dedupe_only",
    *,
    model: MatchModel | None = None,
    blocking_rules: Sequence[str] = TRAINING_BLOCKS,
) -> dict[str, Any]:
    """Give a Splink settings dictionary for the mirror model, with a model's m and u if given.

    With a model, Splink scores exactly as the online scorer does (same levels and weights), so
    Splink's own prediction can be compared with ours.
    """
    comparisons_ = comparisons()
    if model is not None:
        for comparison in comparisons_:
            field = Field(comparison["output_column_name"])
            for level in comparison["comparison_levels"][1:]:
                m, u = model.probabilities[field][level["label_for_charts"]]
                level["m_probability"], level["u_probability"] = m, u
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons_,
        "blocking_rules_to_generate_predictions": list(blocking_rules),
        "probability_two_random_records_match": model.prior if model else 1e-4,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }


def train(
    people: Sequence[pd.DataFrame],
    *,
    options: TrainingOptions | None = None,
    status: Status | None = None,
) -> dict[str, Any]:
    """Train the model on person frames and give the model file's contents.

    One frame is deduplicated; two frames (an agency's roster and the index, or FEBRL's A and
    B) are linked to each other. No labels are used.
    """
    options = options or TrainingOptions()
    say = status or (lambda _message: None)
    say("Preparing the records")
    frames = [features(frame) for frame in people]
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    api = DuckDBAPI(connection)
    tables = [api.register(frame) for frame in frames]
    link_type = "dedupe_only" if len(frames) == 1 else "link_only"
    linker = Linker(
        tables[0] if len(tables) == 1 else tables,
        SettingsCreator.from_path_or_dict(settings(link_type)),
        log_level=logging.ERROR,
    )
    say(f"Estimating u from {options.u_pairs:,.0f} random pairs")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=options.u_pairs, seed=options.seed, min_count_per_level=None
    )
    for rule in TRAINING_BLOCKS:
        say(f"Estimating m by expectation maximisation, blocking on {_describe(rule)}")
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule,
            estimate_without_term_frequencies=True,
            max_pairs=options.em_pairs,
        )
    # Splink's own last step of training: the prior as the median over the EM sessions.
    populate_prior = linker._populate_probability_two_random_records_match_from_trained_values
    populate_prior()  # type: ignore[no-untyped-call]
    say("Counting name frequencies")
    trained = linker.misc.save_model_to_json()
    records = sum(len(frame) for frame in frames)
    return {
        "version": MODEL_FORMAT,
        "description": (
            f"Trained with Splink {splink.__version__} on {records:,} records ({link_type}): "
            f"u by random sampling of {options.u_pairs:,.0f} pairs (seed {options.seed}), "
            "m by expectation maximisation blocked on "
            f"{' and on '.join(map(_describe, TRAINING_BLOCKS))}, prior from those sessions"
        ),
        "prior": _clip(trained["probability_two_random_records_match"]),
        "fields": _fields(trained, prior=_clip(trained["probability_two_random_records_match"])),
        "term_frequencies": {
            field.value: _frequencies(
                linker,
                column,
                sum(len(frame) - frame.column(column).null_count for frame in frames),
            )
            for field, column in TERM_FREQUENCY_COLUMNS.items()
        },
    }


def _describe(rule: str) -> str:
    words = {"birth_digits": "date of birth", "given": "given name", "family": "family name"}
    columns = [part.split("=")[0].strip().removeprefix("l.") for part in rule.split(" AND ")]
    return " + ".join(words.get(column, column) for column in columns)


def _clip(probability: float | None) -> float:
    if probability is None or math.isnan(probability):
        return SMALLEST
    return min(1.0, max(SMALLEST, float(probability)))


def _fields(trained: dict[str, Any], *, prior: float) -> dict[str, dict[str, dict[str, float]]]:
    """Read each level's m and u from Splink's settings; the null level gets m = u = 1.

    Splink estimates u from random pairs as if none were the same child, but a share ``prior``
    of them are; for a field that almost only agrees on true matches (an NHS number) those
    pairs are most of what agrees, so u comes out near ``prior * m`` and an identical NHS
    number, alone, would score about even odds. Each u is corrected for them:
    u = (u_observed - prior * m) / (1 - prior), floored at ``U_FLOOR``.
    """
    fields: dict[str, dict[str, dict[str, float]]] = {}
    for comparison in trained["comparisons"]:
        levels = {}
        for level in comparison["comparison_levels"]:
            name = level["label_for_charts"]
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or m is None or u is None:
                # Missing is no evidence; so is a level never seen in training (FEBRL has no
                # NHS numbers), rather than a made-up weight.
                levels[name] = {"m": 1.0, "u": 1.0}
                continue
            corrected = (float(u) - prior * float(m)) / (1 - prior)
            if name == "same" and comparison["output_column_name"] in UNIQUE_IDENTIFIERS:
                # Issued once per child: random pairs that agree are all but never two
                # different children, whatever the sample says (Splink's advice for unique ids).
                corrected = U_FLOOR
            levels[name] = {"m": _clip(m), "u": max(U_FLOOR, _clip(corrected))}
        fields[comparison["output_column_name"]] = levels
    return fields


def _frequencies(linker: Linker, column: str, total: int) -> dict[str, Any]:
    """Give the commonest values' term frequencies, and the floor used for the rest.

    ``total`` is how many records hold a value in the column, Splink's denominator. The floor
    is the frequency of the commonest name left out, and never below one record in ``total``:
    a name first seen after training counts as a name held once, not as an impossibly rare
    one.
    """
    tf = linker.table_management.compute_tf_table(column)
    table: pd.DataFrame = tf.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    table = table.dropna().sort_values(f"tf_{column}", ascending=False)
    frequencies = table[f"tf_{column}"].to_numpy()
    common = int((frequencies * total >= MIN_NAME_COUNT - 0.5).sum())
    listed = min(common, FREQUENT_NAMES)
    values = {
        str(name): float(frequency)
        for name, frequency in zip(table[column][:listed], frequencies[:listed], strict=True)
    }
    left_out = float(frequencies[listed]) if listed < len(frequencies) else 0.0
    return {"floor": max(left_out, 1 / max(total, 1)), "values": values}


__all__ = ["ELSE", "TrainingOptions", "comparisons", "settings", "train"]
