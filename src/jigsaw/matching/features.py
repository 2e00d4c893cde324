"""The columns the SQL comparisons read: each record's names, dates and codes, normalised once.

Splink training and the batch engine compare records in SQL, not in Python, so everything the
Python comparisons derive from one record (the compact first given name, its nickname variants,
phonetic codes, the parts of a double-barrelled family name, postcode sector and district, the
date of birth's parts and digits) is computed here, with the very functions ``comparisons``
uses, once per distinct value. The SQL conditions in ``sql_levels`` then only compare these
columns, which is why a pair gets the same level in SQL as in Python.

Frames hold personal data: keep them in memory or in the database, never in logs.
"""

import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from jigsaw.matching.nicknames import groups_of, variants_of
from jigsaw.matching.normalise import (
    clean_address,
    clean_postcode,
    clean_sex,
    compact_name,
    first_given_name,
    name_parts,
    postcode_district,
    postcode_sector,
)
from jigsaw.matching.phonetics import double_metaphone, primary_metaphone, soundex

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
    "address_line",
)
# Columns a person frame may have; when absent, every record lacks them.
OPTIONAL_PERSON_COLUMNS = ("address_line", "other_identifier")

_NAMES = pa.list_(pa.string())
# The comparison columns and their types: typed explicitly so that a column with no values at
# all (no previous names in a roster, no NHS numbers in FEBRL) still compares in SQL.
SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("given", pa.string()),
        ("given_variants", _NAMES),
        ("given_sounds", _NAMES),
        ("family", pa.string()),
        ("family_parts", _NAMES),
        ("family_sounds", _NAMES),
        ("family_previous", _NAMES),
        ("birth_year", pa.int32()),
        ("birth_month", pa.int32()),
        ("birth_day", pa.int32()),
        ("birth_digits", pa.string()),
        ("postcode", pa.string()),
        ("postcode_sector", pa.string()),
        ("postcode_district", pa.string()),
        ("sex", pa.string()),
        ("nhs_number", pa.string()),
        ("upn", pa.string()),
        ("address", pa.string()),
        ("other_identifier", pa.string()),
        ("given_keys", _NAMES),
        ("family_keys", _NAMES),
    ]
)
FEATURE_COLUMNS = tuple(SCHEMA.names)


def sounds(name: str) -> list[str]:
    """Give a name's phonetic codes, tagged by algorithm: ["dm:SM0", "dm:XMT", "sx:S530"].

    Two names sound alike (``phonetics.sound_alike``) exactly when their lists share a code.
    """
    codes = [f"dm:{code}" for code in double_metaphone(name)]
    if code := soundex(name):
        codes.append(f"sx:{code}")
    return codes


def given_keys(given: str) -> list[str]:
    """Give the blocking codes of a compact first given name: its sound and nickname groups.

    "jake" and "jacob" share "=jacob", so a nickname keeps every key a misspelling would.
    """
    keys = sorted(f"={formal}" for formal in groups_of(given))
    if code := primary_metaphone(given):
        keys.append(code)
    return keys


def family_keys(family_names: str) -> list[str]:
    """Give the Soundex codes of family names ("|"-joined), whole and of each part.

    So "Smith-Jones" is found by "Smith", and a previous family name still finds the child.
    """
    names: set[str] = set()
    for name in family_names.split("|"):
        names |= {compact_name(name), *name_parts(name)}
    return sorted({soundex(name) for name in names} - {""})


def text_array(series: pd.Series) -> pa.Array:
    """Give a column as Arrow text, with every missing cell (None, NaN, "") null.

    Columns already held in Arrow (as the index is read) are used as they are; others are
    converted once, through ``str`` if they hold anything but text.
    """
    try:
        values = pa.array(series, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = pa.array(series.map(str, na_action="ignore"), type=pa.string(), from_pandas=True)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)


class _Distinct:
    """A text column dictionary-encoded: each distinct value once, and where each row's is.

    A derived column is computed once per distinct value and spread back to the rows by
    Arrow's ``take``, so a million records cost as much Python as their distinct names do.
    """

    def __init__(self, values: pa.Array) -> None:
        encoded = pc.dictionary_encode(values)
        self.values: list[str] = encoded.dictionary.to_pylist()
        self._indices = encoded.indices

    def derive(self, function: Callable[[str], Any], type_: Any) -> Any:
        """Give ``function`` of each row's value as an Arrow array (null where missing)."""
        return pa.array([function(value) for value in self.values], type=type_).take(self._indices)


def _or_none(value: str) -> str | None:
    return value or None


def _optional(people: pd.DataFrame, column: str) -> pa.Array:
    """Give an optional column, or all missing when the frame does not have it."""
    if column in people.columns:
        return text_array(people[column])
    return pa.nulls(len(people), type=pa.string())


def _squeezed(values: pa.Array, also: str = "", *, upper: bool = False) -> Any:
    """Give an identifier column with whitespace (and the characters in ``also``) removed.

    Cleaned with Python's own ``re`` and ``str.upper``, once per distinct value, exactly as
    the Python normalisers clean one identifier; "" becomes null.
    """
    pattern = re.compile(r"\s+" if not also else rf"\s+|[{re.escape(also)}]")

    def squeeze(value: str) -> str | None:
        squeezed = pattern.sub("", value)
        return (squeezed.upper() if upper else squeezed) or None

    return _Distinct(values).derive(squeeze, pa.string())


def _previous(joined: str) -> list[str]:
    """Give the compact previous family names from a "|"-joined cell, blanks dropped."""
    return [name for name in (compact_name(part) for part in joined.split("|")) if name]


def _dates(series: pd.Series) -> dict[str, Any]:
    """Split dates of birth into year, month, day and the eight digits as typed (YYYYMMDD)."""
    dates = pd.to_datetime(series, errors="coerce")
    missing = dates.isna().to_numpy()
    parts = {
        part: getattr(dates.dt, part).fillna(0).to_numpy(dtype="int64")
        for part in ("year", "month", "day")
    }
    number = parts["year"] * 10_000 + parts["month"] * 100 + parts["day"]
    digits = pa.array(number, mask=missing).cast(pa.string())
    # Arithmetic, not strftime: a million dates in milliseconds, the same eight digits.
    columns = {
        f"birth_{part}": pa.array(values, mask=missing, type=pa.int32())
        for part, values in parts.items()
    }
    return columns | {"birth_digits": pc.utf8_lpad(digits, 8, "0")}


def record_ids(series: pd.Series) -> pa.Array:
    """Give the record ids as Arrow text (the index's are already; a roster's are numbers)."""
    return pc.fill_null(text_array(series), "")


def features(people: pd.DataFrame) -> pa.Table:
    """Give the comparison columns of a person frame, one row per record, keyed by unique_id."""
    people = people.reset_index(drop=True)
    given = _Distinct(text_array(people["given_names"]))
    family_names = text_array(people["family_name"])
    family = _Distinct(family_names)
    previous_names = text_array(people["previous_family_names"])
    previous = _Distinct(previous_names)
    both = _Distinct(
        pc.binary_join_element_wise(
            pc.fill_null(family_names, ""), pc.fill_null(previous_names, ""), "|"
        )
    )
    postcode = _Distinct(text_array(people["postcode"]))
    sex = _Distinct(text_array(people["sex"]))
    names = pa.list_(pa.string())

    def first(value: str) -> str:
        return first_given_name(value)

    columns = {
        "unique_id": record_ids(people["record_id"]),
        "given": given.derive(lambda v: _or_none(first(v)), pa.string()),
        "given_variants": given.derive(lambda v: sorted(variants_of(first(v))), names),
        "given_sounds": given.derive(lambda v: sounds(first(v)), names),
        "family": family.derive(lambda v: _or_none(compact_name(v)), pa.string()),
        "family_parts": family.derive(lambda v: list(name_parts(v)), names),
        "family_sounds": family.derive(lambda v: sounds(compact_name(v)), names),
        "family_previous": previous.derive(_previous, names),
        **_dates(people["date_of_birth"]),
        "postcode": postcode.derive(lambda v: _or_none(clean_postcode(v)), pa.string()),
        "postcode_sector": postcode.derive(lambda v: _or_none(postcode_sector(v)), pa.string()),
        "postcode_district": postcode.derive(lambda v: _or_none(postcode_district(v)), pa.string()),
        "sex": sex.derive(lambda v: _or_none(clean_sex(v)), pa.string()),
        "nhs_number": _squeezed(text_array(people["nhs_number"]), "-"),
        "upn": _squeezed(text_array(people["upn"]), upper=True),
        "address": _Distinct(_optional(people, "address_line")).derive(
            lambda v: _or_none(clean_address(v)), pa.string()
        ),
        "other_identifier": _squeezed(_optional(people, "other_identifier"), upper=True),
        "given_keys": given.derive(lambda v: given_keys(first(v)) if first(v) else [], names),
        "family_keys": both.derive(family_keys, names),
    }
    return pa.table([columns[name] for name in SCHEMA.names], schema=SCHEMA)
