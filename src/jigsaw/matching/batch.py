"""Batch linking: every row of a roster scored against the whole index, best candidates first.

The interface the linking capability calls. Both tables are pandas DataFrames with the
columns of ``INDEX_COLUMNS`` (``record_id`` is a string: a child id for the index, a row
number for a roster), and optionally ``address_line`` and ``other_identifier``;
``previous_family_names`` is joined with "|"; a date of birth is a date or ISO text.

The engine runs in DuckDB. Each record's comparison columns are computed once (``features``);
candidate pairs come from blocking keys joined in SQL (an identifier, or two of date of birth,
given name, family name and postcode, each loose enough to survive the usual slips); the
levels of every pair are computed by the same SQL conditions Splink is trained with
(``sql_levels``), and the pairs that cannot reach "possible" are dropped there. The few that
survive are finished in Python by ``model.score_levels``, exactly as the online scorer finishes
a search: term-frequency weights, the NHS-number rule, the twin cap and the explanation.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]

from jigsaw.matching.features import (
    FEATURE_COLUMNS,
    PERSON_COLUMNS,
    features,
    record_ids,
    text_array,
)
from jigsaw.matching.levels import Field
from jigsaw.matching.model import (
    POSSIBLE_THRESHOLD,
    Band,
    MatchModel,
    MatchScore,
    log2_odds,
    score_levels,
)
from jigsaw.matching.records import PersonRecord
from jigsaw.matching.sql_levels import TERM_FREQUENCY_COLUMNS, case_expression, gamma_levels

INDEX_COLUMNS = PERSON_COLUMNS
_FIELDS = tuple(Field)
# How many candidates are kept per roster row (best first).
CANDIDATE_LIMIT = 3
# Roster rows scored per DuckDB query: bounds memory, and paces the progress callback. Each
# query scans the whole index's keys once, so fewer, larger slices are quicker.
CHUNK_ROWS = 50_000
# SQL only drops pairs clearly below "possible"; Python decides the band exactly.
_SLACK = 1e-6

# Blocking keys, as SQL over the comparison columns; a list column gives one key per element.
# A true match survives when any one key is shared, and each key narrows the index to a few
# records even at a million children:
_KEYS = (
    "'n' || nhs_number",
    "'u' || upn",
    "'o' || other_identifier",
    # Date of birth (day and month in either order, so a swap keeps the key) with a name.
    "'dfk' || {dob} || unnest(family_keys)",
    "'dgk' || {dob} || unnest(given_keys)",
    # Date of birth and postcode: both names are misspelt or changed.
    "'dp' || birth_digits || postcode",
    "'da' || birth_digits || left(address, 6)",
    # Postcode with a name: the date of birth is wrong or missing.
    "'pgk' || postcode || unnest(given_keys)",
    "'pfk' || postcode || unnest(family_keys)",
    # Both names and the year: the date is wrong in two places and the child has moved.
    "'gfy' || birth_year || list_aggregate(given_keys, 'string_agg', ',') || unnest(family_keys)",
    # Given and family names the other way round, in the same year.
    "'sw' || birth_year || least(given, family) || '|' || greatest(given, family)",
    "'a' || address",
    # The street (the address without its house number) with both names: the date of birth
    # and the house number are both wrong.
    "'sn' || left(regexp_replace(address, '[0-9]', '', 'g'), 8) "
    "|| list_aggregate(given_keys, 'string_agg', ',') || unnest(family_keys)",
)
# Feature columns that blocking reads but no comparison does.
_NOT_COMPARED = frozenset({"unique_id", "given_keys", "family_keys"})
_DOB = (
    "birth_year || '-' || least(birth_month, birth_day) || '-' || greatest(birth_month, birth_day)"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One index record a roster row may be, with its score and per-field evidence."""

    record_id: str
    match: MatchScore


def person_from_series(row: Any) -> PersonRecord:
    """A ``PersonRecord`` from one row of an index or roster frame (a namedtuple or Series)."""

    def text(value: Any) -> str | None:
        if isinstance(value, str):  # the usual case, and the quickest to tell
            return value or None
        return None if value is None or pd.isna(value) else str(value)

    previous = text(row.previous_family_names)
    return PersonRecord(
        given_names=text(row.given_names) or "",
        family_name=text(row.family_name) or "",
        previous_family_names=tuple(previous.split("|")) if previous else (),
        date_of_birth=_date(row.date_of_birth),
        sex=text(row.sex),
        postcode=text(row.postcode),
        nhs_number=text(row.nhs_number),
        upn=text(row.upn),
        household_key=text(row.household_key),
        address_line=text(getattr(row, "address_line", None)),
        other_identifier=text(getattr(row, "other_identifier", None)),
    )


def _date(value: Any) -> date | None:
    """A date of birth from a frame: a date, ISO text (as the index is read), or missing."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value if isinstance(value, date) and not pd.isna(value) else None


def link(
    roster: pd.DataFrame,
    index: pd.DataFrame,
    model: MatchModel,
    *,
    progress: Callable[[int], None] | None = None,
) -> dict[str, list[Candidate]]:
    """Score every roster row against the index, keeping candidates that may be the same child.

    Each row gets its candidates that are at least a possible match, best first, at most
    ``CANDIDATE_LIMIT``; rows with none are absent from the result.

    ``progress`` is called with the number of roster rows done since the last call.
    """
    engine = _Engine(index, model)
    results: dict[str, list[Candidate]] = {}
    for start in range(0, len(roster), CHUNK_ROWS):
        chunk = roster.iloc[start : start + CHUNK_ROWS]
        found: dict[str, list[Candidate]] = defaultdict(list)
        for left, right, match in engine.pairs(chunk):
            found[left].append(Candidate(right, match))
        for record_id, candidates in found.items():
            # Ties (equal scores) in id order, so the same data always gives the same list.
            candidates.sort(key=lambda c: (-c.match.probability, c.record_id))
            results[record_id] = candidates[:CANDIDATE_LIMIT]
        if progress is not None:
            progress(len(chunk))
    engine.close()
    return results


def duplicates(
    people: pd.DataFrame,
    model: MatchModel,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[str, str, MatchScore]]:
    """Find the pairs of records in one table that may be the same child (at least possible).

    Each pair is given once, as (record id, other record id, score) with the smaller id first.
    """
    engine = _Engine(people, model)
    found: list[tuple[str, str, MatchScore]] = []
    for start in range(0, len(people), CHUNK_ROWS):
        chunk = people.iloc[start : start + CHUNK_ROWS]
        found.extend(engine.pairs(chunk, within=True))
        if progress is not None:
            progress(len(chunk))
    engine.close()
    return found


class _Engine:
    """An in-memory DuckDB holding the index, its blocking keys and the model's weights."""

    def __init__(self, index: pd.DataFrame, model: MatchModel) -> None:
        self._model = model
        self._con = duckdb.connect()
        self._con.execute("SET enable_progress_bar = false")
        self._con.register("index_features", features(index))
        for field in TERM_FREQUENCY_COLUMNS:
            self._con.register(f"tf_{field.value}_table", _frequency_table(model, field))
        self._con.execute(
            "CREATE TABLE i AS SELECT f.*, g.tf::DOUBLE AS tf_given_name, "
            "n.tf::DOUBLE AS tf_family_name FROM index_features f "
            "LEFT JOIN tf_given_name_table g ON g.name = f.given "
            "LEFT JOIN tf_family_name_table n ON n.name = f.family"
        )
        self._con.unregister("index_features")
        names = _names(index)
        self._con.register("index_names_frame", names)
        self._con.execute("CREATE TABLE i_names AS SELECT * FROM index_names_frame")
        self._con.unregister("index_names_frame")
        self._con.execute(f"CREATE TABLE i_keys AS {_keys_sql('i')}")
        self._weight = _weight_sql(model)

    def close(self) -> None:
        self._con.close()

    def pairs(
        self, roster: pd.DataFrame, *, within: bool = False
    ) -> Iterator[tuple[str, str, MatchScore]]:
        """Score a slice of the roster; yield each pair that is at least possibly a match."""
        self._con.register("q_features", features(roster))
        self._con.register("q_names", _names(roster))
        self._con.execute(f"CREATE OR REPLACE TEMP TABLE q_keys AS {_keys_sql('q_features')}")
        rows = self._con.execute(_pairs_sql(self._weight, within=within)).fetchall()
        self._con.unregister("q_features")
        self._con.unregister("q_names")
        gammas = [gamma_levels(field) for field in _FIELDS]
        # Names repeat across pairs (a row's candidates, a family's children): one record each.
        people: dict[tuple[str, str], PersonRecord] = {}

        def person(given: str | None, family: str | None) -> PersonRecord:
            key = (given or "", family or "")
            found = people.get(key)
            if found is None:
                found = people[key] = PersonRecord(*key)
            return found

        for left, right, given_l, family_l, given_r, family_r, *codes in rows:
            levels = dict(zip(_FIELDS, [g[c] for g, c in zip(gammas, codes, strict=True)],
                              strict=True))  # fmt: skip
            match = score_levels(
                levels, person(given_l, family_l), person(given_r, family_r), self._model
            )
            if match.band is not Band.UNLIKELY:
                yield left, right, match


def _names(people: pd.DataFrame) -> pa.Table:
    """The names as typed, which the explanations quote."""
    return pa.table(
        {
            "unique_id": record_ids(people["record_id"]),
            "given_names": text_array(people["given_names"]),
            "family_name": text_array(people["family_name"]),
        }
    )


def _keys_sql(table: str) -> str:
    # Built from the constant key expressions above and a table name, never from data. A key
    # with a missing part is NULL and dropped: hash(NULL) would join everyone.
    selects = [
        f"SELECT unique_id, {key.format(dob=_DOB)} AS key FROM {table}"  # noqa: S608
        for key in _KEYS
    ]
    keys = " UNION ALL ".join(selects)
    return f"SELECT unique_id, hash(key) AS key FROM ({keys}) WHERE key IS NOT NULL"  # noqa: S608


def _weight_sql(model: MatchModel) -> str:
    """A SQL expression for a pair's match weight in bits, as the online scorer adds it up."""
    terms = [repr(log2_odds(model.prior))]
    for field in Field:
        branches = " ".join(
            f"WHEN {gamma} THEN {model.weights[field][level]!r}"
            for gamma, level in gamma_levels(field).items()
        )
        terms.append(f"(CASE gamma_{field.value} {branches} END)")
    for field in TERM_FREQUENCY_COLUMNS:
        frequencies = model.frequencies.get(field)
        if frequencies is None:
            continue
        exact = next(g for g, level in gamma_levels(field).items() if level == "exact")
        # An exact agreement means both sides hold the name, so the index side's frequency is it.
        terms.append(
            f"(CASE WHEN gamma_{field.value} = {exact} THEN "
            f"{math.log2(frequencies.exact_u)!r} - log2(coalesce(tf_{field.value}_r, "
            f"{frequencies.floor!r})) ELSE 0 END)"
        )
    return " + ".join(terms)


def _frequency_table(model: MatchModel, field: Field) -> pd.DataFrame:
    frequencies = model.frequencies.get(field)
    values = frequencies.values if frequencies else {}
    return pd.DataFrame({"name": list(values), "tf": list(values.values())}, dtype=object)


def _pairs_sql(weight: str, *, within: bool) -> str:
    columns = [c for c in FEATURE_COLUMNS if c not in _NOT_COMPARED]
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    sides += ", r.tf_given_name AS tf_given_name_r, r.tf_family_name AS tf_family_name_r"
    gammas = ", ".join(f"{case_expression(field)} AS gamma_{field.value}" for field in Field)
    order = "AND b.left_id < b.right_id" if within else ""
    threshold = log2_odds(POSSIBLE_THRESHOLD) - _SLACK
    nhs_conflict = next(
        g for g, level in gamma_levels(Field.NHS_NUMBER).items() if level == "conflicting"
    )
    # Built from the level conditions, column names and numbers, never from data.
    return f"""
        WITH blocked AS (
            SELECT DISTINCT q.unique_id AS left_id, i.unique_id AS right_id
            FROM q_keys q JOIN i_keys i ON q.key = i.key
        ),
        sides AS (
            SELECT b.left_id, b.right_id, {sides}
            FROM blocked b
            JOIN q_features l ON l.unique_id = b.left_id
            JOIN i r ON r.unique_id = b.right_id
            WHERE b.left_id IS NOT NULL {order}
        ),
        compared AS (
            SELECT left_id, right_id, tf_given_name_r, tf_family_name_r, {gammas} FROM sides
        ),
        weighed AS (SELECT *, {weight} AS weight FROM compared)
        SELECT w.left_id, w.right_id, ln.given_names, ln.family_name,
               rn.given_names, rn.family_name,
               {", ".join(f"gamma_{field.value}" for field in Field)}
        FROM weighed w
        JOIN q_names ln ON ln.unique_id = w.left_id
        JOIN i_names rn ON rn.unique_id = w.right_id
        WHERE w.weight >= {threshold!r} AND gamma_{Field.NHS_NUMBER.value} != {nhs_conflict}
    """  # noqa: S608
