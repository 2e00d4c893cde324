"""The comparison levels written as SQL, for Splink's training and the batch engine.

For every field, the levels of ``levels`` in the order ``comparisons`` tries them, each as a
DuckDB condition over the columns of ``features`` with Splink's ``_l`` / ``_r`` suffixes. The
first condition that holds gives the level, as in Python: "missing" is tested first (Splink's
null level), the last level is Splink's ``ELSE``. A test checks on thousands of generated pairs
that SQL and Python always agree, so the weights Splink learns are the weights of the levels the
online scorer finds.
"""

from dataclasses import dataclass

from jigsaw.matching.comparisons import CLOSE, NEAR, TOLERANCE
from jigsaw.matching.levels import Field

ELSE = "ELSE"


@dataclass(frozen=True, slots=True)
class SqlLevel:
    """One comparison level: its name in the model file and the SQL condition that selects it."""

    level: str
    condition: str


def _jaro_winkler(left: str, right: str, threshold: float) -> str:
    # The tolerance absorbs the last-bit differences between DuckDB's and rapidfuzz's arithmetic.
    return f"jaro_winkler_similarity({left}, {right}) >= {threshold - TOLERANCE!r}"


def _close_to_a_variant(name: str, variants: str) -> str:
    similarity = f"jaro_winkler_similarity({name}, v)"
    return f"coalesce(list_max(list_transform({variants}, lambda v: {similarity})), 0) >= " + (
        f"{CLOSE - TOLERANCE!r}"
    )


def _missing(column: str) -> SqlLevel:
    return SqlLevel("missing", f"{column}_l IS NULL OR {column}_r IS NULL")


def _exact(column: str, level: str = "exact") -> SqlLevel:
    return SqlLevel(level, f"{column}_l = {column}_r")


GIVEN_NAME = (
    _missing("given"),
    _exact("given"),
    SqlLevel(
        "nickname",
        " OR ".join(
            (
                "list_contains(given_variants_l, given_r)",
                _close_to_a_variant("given_l", "given_variants_r"),
                _close_to_a_variant("given_r", "given_variants_l"),
            )
        ),
    ),
    SqlLevel("jaro_winkler_92", _jaro_winkler("given_l", "given_r", CLOSE)),
    SqlLevel("jaro_winkler_85", _jaro_winkler("given_l", "given_r", NEAR)),
    SqlLevel("phonetic", "list_has_any(given_sounds_l, given_sounds_r)"),
    SqlLevel("swapped", "given_l = family_r AND family_l = given_r"),
    SqlLevel("different", ELSE),
)

FAMILY_NAME = (
    _missing("family"),
    _exact("family"),
    SqlLevel("part", "list_has_any(family_parts_l, family_parts_r)"),
    SqlLevel(
        "previous",
        "list_contains(family_previous_r, family_l) OR list_contains(family_previous_l, family_r)",
    ),
    SqlLevel("jaro_winkler_92", _jaro_winkler("family_l", "family_r", CLOSE)),
    SqlLevel("jaro_winkler_85", _jaro_winkler("family_l", "family_r", NEAR)),
    SqlLevel("phonetic", "list_has_any(family_sounds_l, family_sounds_r)"),
    SqlLevel("different", ELSE),
)

_PARTS_APART = " + ".join(
    f"abs(birth_{part}_l - birth_{part}_r)" for part in ("year", "month", "day")
)

DATE_OF_BIRTH = (
    _missing("birth_digits"),
    _exact("birth_digits"),
    SqlLevel(
        "day_month_transposed",
        "birth_year_l = birth_year_r AND birth_day_l = birth_month_r "
        "AND birth_month_l = birth_day_r",
    ),
    SqlLevel("one_off", f"{_PARTS_APART} = 1 OR hamming(birth_digits_l, birth_digits_r) = 1"),
    SqlLevel("same_year_month", "birth_year_l = birth_year_r AND birth_month_l = birth_month_r"),
    SqlLevel("different", ELSE),
)

POSTCODE = (
    _missing("postcode"),
    _exact("postcode"),
    _exact("postcode_sector", "same_sector"),
    _exact("postcode_district", "same_district"),
    SqlLevel("different", ELSE),
)

SEX = (_missing("sex"), _exact("sex", "same"), SqlLevel("different", ELSE))


def _identifier(column: str) -> tuple[SqlLevel, ...]:
    return (_missing(column), _exact(column, "same"), SqlLevel("conflicting", ELSE))


ADDRESS = (
    _missing("address"),
    _exact("address"),
    SqlLevel("jaro_winkler_92", _jaro_winkler("address_l", "address_r", CLOSE)),
    SqlLevel("jaro_winkler_85", _jaro_winkler("address_l", "address_r", NEAR)),
    SqlLevel("different", ELSE),
)

OTHER_IDENTIFIER = (
    _missing("other_identifier"),
    _exact("other_identifier", "same"),
    SqlLevel("one_edit", "damerau_levenshtein(other_identifier_l, other_identifier_r) <= 1"),
    SqlLevel("different", ELSE),
)

SQL_LEVELS: dict[Field, tuple[SqlLevel, ...]] = {
    Field.GIVEN_NAME: GIVEN_NAME,
    Field.FAMILY_NAME: FAMILY_NAME,
    Field.DATE_OF_BIRTH: DATE_OF_BIRTH,
    Field.POSTCODE: POSTCODE,
    Field.SEX: SEX,
    Field.NHS_NUMBER: _identifier("nhs_number"),
    Field.UPN: _identifier("upn"),
    Field.ADDRESS: ADDRESS,
    Field.OTHER_IDENTIFIER: OTHER_IDENTIFIER,
}

# The column whose value's frequency adjusts the weight of an exact agreement (Splink's
# term-frequency adjustment): an exact "Smith" is weaker evidence than an exact "Okonkwo".
TERM_FREQUENCY_COLUMNS: dict[Field, str] = {
    Field.GIVEN_NAME: "given",
    Field.FAMILY_NAME: "family",
}


def gamma_levels(field: Field) -> dict[int, str]:
    """Map Splink's comparison vector values (gammas) for a field to level names.

    Splink gives the null level -1 and numbers the others from the last (0) up to the first.
    """
    rest = SQL_LEVELS[field][1:]
    return {-1: SQL_LEVELS[field][0].level} | {
        len(rest) - 1 - position: item.level for position, item in enumerate(rest)
    }


def case_expression(field: Field) -> str:
    """Give a SQL CASE expression that evaluates to the field's gamma, as Splink computes it."""
    values = {level: gamma for gamma, level in gamma_levels(field).items()}
    branches = [
        f"WHEN {item.condition} THEN {values[item.level]}"
        for item in SQL_LEVELS[field]
        if item.condition != ELSE
    ]
    last = SQL_LEVELS[field][-1]
    return f"CASE {' '.join(branches)} ELSE {values[last.level]} END"
