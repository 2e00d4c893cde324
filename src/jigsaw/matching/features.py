"""The columns the SQL comparisons read: each record's names, dates and codes, normalised once.

Splink training and the batch engine compare records in SQL, not in Python, so everything the
Python comparisons derive from one record (the compact first given name, its nickname variants,
phonetic codes, the parts of a double-barrelled family name, postcode sector and district, the
date of birth's parts and digits) is computed here, with the very functions ``comparisons``
uses, once per distinct value. The SQL conditions in ``sql_levels`` then only compare these
columns, which is why a pair gets the same level in SQL as in Python.

Frames hold personal data: keep them in memory or in the database, never in logs.
"""

from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

from jigsaw.matching.nicknames import variants_of
from jigsaw.matching.normalise import (
    clean_nhs_number,
    clean_postcode,
    clean_sex,
    clean_upn,
    compact_name,
    first_given_name,
    name_parts,
    postcode_district,
    postcode_sector,
)
from jigsaw.matching.phonetics import double_metaphone, soundex

# The columns a person frame has (roster or index). ``record_id`` is a string; a previous
# family names cell joins the names with "|". Missing cells are None, NaN or "".
PERSON_COLUMNS = (
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

FEATURE_COLUMNS = (
    "unique_id",
    "given",
    "given_variants",
    "given_sounds",
    "family",
    "family_parts",
    "family_sounds",
    "family_previous",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_digits",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "sex",
    "nhs_number",
    "upn",
)


def sounds(name: str) -> list[str]:
    """Give a name's phonetic codes, tagged by algorithm: ["dm:SM0", "dm:XMT", "sx:S530"].

    Two names sound alike (``phonetics.sound_alike``) exactly when their lists share a code.
    """
    codes = [f"dm:{code}" for code in double_metaphone(name)]
    if code := soundex(name):
        codes.append(f"sx:{code}")
    return codes


def _text(series: pd.Series) -> pd.Series:
    """Give a column as strings, with every missing cell (None, NaN, "") as None."""
    values = series.astype(object).where(series.notna(), None)
    return values.where(values != "", None)


def _per_value(series: pd.Series, function: Callable[[Any], Hashable | list[str]]) -> pd.Series:
    """Apply a function once per distinct value of a column and spread the results back."""
    table = {value: function(value) for value in series.dropna().unique()}
    return series.map(table, na_action="ignore")


def _or_none(value: str) -> str | None:
    return value or None


def _previous(joined: str) -> list[str]:
    """Give the compact previous family names from a "|"-joined cell, blanks dropped."""
    return [name for name in (compact_name(part) for part in joined.split("|")) if name]


def _dates(series: pd.Series) -> pd.DataFrame:
    """Split dates of birth into year, month, day and the eight digits as typed (YYYYMMDD)."""
    dates = pd.to_datetime(series, errors="coerce")
    years, months, days = (
        getattr(dates.dt, part).astype("Int64") for part in ("year", "month", "day")
    )
    digits = dates.dt.strftime("%Y%m%d").astype(object)
    return pd.DataFrame(
        {
            "birth_year": years,
            "birth_month": months,
            "birth_day": days,
            "birth_digits": digits.where(dates.notna(), None),
        }
    )


def features(people: pd.DataFrame) -> pd.DataFrame:
    """Give the comparison columns of a person frame, one row per record, keyed by unique_id."""
    people = people.reset_index(drop=True)
    given = _per_value(_text(people["given_names"]), lambda v: _or_none(first_given_name(v)))
    family_raw = _text(people["family_name"])
    family = _per_value(family_raw, lambda v: _or_none(compact_name(v)))
    postcode = _per_value(_text(people["postcode"]), lambda v: _or_none(clean_postcode(v)))
    frame = pd.DataFrame(
        {
            "unique_id": people["record_id"].astype(str),
            "given": given,
            "given_variants": _per_value(given, lambda v: sorted(variants_of(v))),
            "given_sounds": _per_value(given, sounds),
            "family": family,
            "family_parts": _per_value(family_raw, lambda v: list(name_parts(v))),
            "family_sounds": _per_value(family, sounds),
            "family_previous": _per_value(
                _text(people["previous_family_names"]), _previous
            ),
        }
    )
    frame = frame.join(_dates(people["date_of_birth"]))
    frame["postcode"] = postcode
    frame["postcode_sector"] = _per_value(postcode, lambda v: _or_none(postcode_sector(v)))
    frame["postcode_district"] = _per_value(postcode, lambda v: _or_none(postcode_district(v)))
    frame["sex"] = _per_value(_text(people["sex"]), lambda v: _or_none(clean_sex(v)))
    frame["nhs_number"] = _per_value(
        _text(people["nhs_number"]), lambda v: _or_none(clean_nhs_number(v))
    )
    frame["upn"] = _per_value(_text(people["upn"]), lambda v: _or_none(clean_upn(v)))
    return frame
