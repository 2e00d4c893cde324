"""Batch linking: every row of a roster scored against the whole index, best candidates first.

The interface the linking capability calls. Both tables are pandas DataFrames with the
columns of ``INDEX_COLUMNS`` (``record_id`` is a string: a child id for the index, a row
number for a roster); ``previous_family_names`` is joined with "|".

This first implementation looks candidates up by the same blocking keys the online search
uses and scores them with the online scorer, one pair at a time in Python. It is correct
but slow; a DuckDB/Splink engine replaces it behind the same signature.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from jigsaw.matching.blocking import blocking_keys
from jigsaw.matching.model import Band, MatchModel, MatchScore, score
from jigsaw.matching.records import PersonRecord

INDEX_COLUMNS = (
    "record_id",
    "given_names",
    "family_name",
    "previous_family_names",
    "date_of_birth",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
    "household_key",
)
# How many candidates are kept per roster row (best first).
CANDIDATE_LIMIT = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """One index record a roster row may be, with its score and per-field evidence."""

    record_id: str
    match: MatchScore


def person_from_series(row: Any) -> PersonRecord:
    """A ``PersonRecord`` from one row of an index or roster frame (a namedtuple or Series)."""

    def text(value: Any) -> str | None:
        return None if value is None or pd.isna(value) or value == "" else str(value)

    dob = row.date_of_birth
    previous = text(row.previous_family_names)
    return PersonRecord(
        given_names=text(row.given_names) or "",
        family_name=text(row.family_name) or "",
        previous_family_names=tuple(previous.split("|")) if previous else (),
        date_of_birth=dob if isinstance(dob, date) and not pd.isna(dob) else None,
        sex=text(row.sex),
        postcode=text(row.postcode),
        nhs_number=text(row.nhs_number),
        upn=text(row.upn),
        household_key=text(row.household_key),
    )


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
    by_key: dict[str, list[str]] = defaultdict(list)
    records: dict[str, PersonRecord] = {}
    for row in index.itertuples(index=False):
        record_id = str(row.record_id)
        record = person_from_series(row)
        records[record_id] = record
        for key in blocking_keys(record):
            by_key[key].append(record_id)
    results: dict[str, list[Candidate]] = {}
    for done, row in enumerate(roster.itertuples(index=False), start=1):
        query = person_from_series(row)
        ids = {i for key in blocking_keys(query) for i in by_key.get(key, ())}
        scored = [Candidate(i, score(query, records[i], model)) for i in ids]
        kept = [c for c in scored if c.match.band is not Band.UNLIKELY]
        if kept:
            kept.sort(key=lambda c: c.match.probability, reverse=True)
            results[str(row.record_id)] = kept[:CANDIDATE_LIMIT]
        if progress is not None and done % 1000 == 0:
            progress(1000)
    if progress is not None:
        progress(len(roster) % 1000)
    return results
