"""Plain-words explanations of each field's comparison, shown to the practitioner searching.

The texts name the compared given and family names (the practitioner may already see both
records) but never dates of birth, postcodes or identifiers. They are still personal data:
show them, never log them (STYLE.md 2.4, log IDs only).
"""

from jigsaw.matching.levels import Field
from jigsaw.matching.records import PersonRecord

_NOT_BOTH = "not recorded on both records"

_TEMPLATES: dict[Field, dict[str, str]] = {
    Field.GIVEN_NAME: {
        "exact": "same ({mine})",
        "nickname": "known nickname ({mine} / {theirs})",
        "jaro_winkler_92": "very similar spelling ({mine} / {theirs})",
        "jaro_winkler_85": "similar spelling ({mine} / {theirs})",
        "phonetic": "sounds alike ({mine} / {theirs})",
        "swapped": "given and family names swapped ({mine} / {theirs})",
        "different": "different ({mine} / {theirs})",
        "missing": _NOT_BOTH,
    },
    Field.FAMILY_NAME: {
        "exact": "same ({mine})",
        "part": "shares part of a double-barrelled name ({mine} / {theirs})",
        "previous": "matches a previous family name ({mine} / {theirs})",
        "jaro_winkler_92": "very similar spelling ({mine} / {theirs})",
        "jaro_winkler_85": "similar spelling ({mine} / {theirs})",
        "phonetic": "sounds alike ({mine} / {theirs})",
        "different": "different ({mine} / {theirs})",
        "missing": _NOT_BOTH,
    },
    Field.DATE_OF_BIRTH: {
        "exact": "same",
        "day_month_transposed": "day and month swapped",
        "one_off": "one part differs by one, or one digit mistyped",
        "same_year_month": "same year and month only",
        "different": "different",
        "missing": _NOT_BOTH,
    },
    Field.POSTCODE: {
        "exact": "same",
        "same_sector": "same postcode sector",
        "same_district": "same postcode district",
        "different": "different",
        "missing": _NOT_BOTH,
    },
    Field.SEX: {"same": "same", "different": "different", "missing": _NOT_BOTH},
    Field.NHS_NUMBER: {
        "same": "same",
        "conflicting": "different numbers, so these are different children",
        "missing": _NOT_BOTH,
    },
    Field.UPN: {"same": "same", "conflicting": "different numbers", "missing": _NOT_BOTH},
    Field.ADDRESS: {
        "exact": "same",
        "jaro_winkler_92": "very similar",
        "jaro_winkler_85": "similar",
        "different": "different",
        "missing": _NOT_BOTH,
    },
    Field.OTHER_IDENTIFIER: {
        "same": "same",
        "one_edit": "one character different",
        "different": "different",
        "missing": _NOT_BOTH,
    },
}

_LABELS = {
    Field.GIVEN_NAME: "given name",
    Field.FAMILY_NAME: "family name",
    Field.DATE_OF_BIRTH: "date of birth",
    Field.POSTCODE: "postcode",
    Field.SEX: "sex",
    Field.NHS_NUMBER: "NHS number",
    Field.UPN: "UPN",
    Field.ADDRESS: "address",
    Field.OTHER_IDENTIFIER: "other identifier",
}


def _shown_name(field: Field, record: PersonRecord) -> str:
    """Give the name to quote for this field as typed: the first given name, or family name."""
    if field is Field.GIVEN_NAME:
        words = record.given_names.split()
        return words[0] if words else ""
    return " ".join(record.family_name.split())


def describe(field: Field, level: str, query: PersonRecord, candidate: PersonRecord) -> str:
    """Say in plain words how a field compared: "given name: known nickname (Jake / Jacob)"."""
    template = _TEMPLATES[field][level]
    if field in {Field.GIVEN_NAME, Field.FAMILY_NAME}:
        template = template.format(
            mine=_shown_name(field, query), theirs=_shown_name(field, candidate)
        )
    return f"{_LABELS[field]}: {template}"
