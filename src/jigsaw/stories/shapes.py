"""What in a story looks like personal data: the anonymisation check's pure half.

``spot`` reads a text and returns every stretch that could identify someone: NHS numbers
(ten digits, spaced or not, with a valid modulus-11 check digit), unique pupil numbers (a
valid check letter), postcodes (any case or spacing), dates in the ways people write them,
street addresses, and words that could be names (``jigsaw.stories.names``). Each comes with
the keys to look it up in the child index (``jigsaw.stories.anonymisation``) and whether its
shape alone is enough to block publication. A false alarm costs a rewrite; a miss costs a
child's privacy, so where the text cannot tell, it blocks.
"""

import re
from datetime import date

from jigsaw.matching.identifiers import (
    nhs_number_is_valid,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_is_valid,
    upn_is_valid,
)
from jigsaw.stories.names import spot_names, unaccented
from jigsaw.stories.rules import Kind, Spotted

__all__ = ["Kind", "Spotted", "spot", "unaccented"]

_NHS = re.compile(r"(?<![\w\-])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\w\-])")
_UPN = re.compile(r"\b[A-Za-z]\d{11}[0-9A-Za-z]\b")
_POSTCODE = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?) *(\d[A-Za-z]{2})\b")
_ORDINALS = {"st", "nd", "rd", "th"}

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NUMERIC_DATE = re.compile(
    r"(?<!\d)(?<!\d[/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[/.\-]\d)"
)
_ISO_DATE = re.compile(r"(?<!\d)(?<!\d[/.\-])(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})(?!\d|[/.\-]\d)")
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}\b\.?(?:,?\s+(\d{{4}}|'\d{{2}})\b)?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\b\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}|'\d{{2}})\b)?",
    re.IGNORECASE,
)

_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Close|Lane|Drive|Way|Crescent|Grove|Gardens|Terrace|Court"
    "|Place|Rise|View|Walk|Mews|Row|Square|Hill|Park|Parade|Green|Mount|Vale|Meadows?|Fields"
    "|Croft|Chase|Boulevard|Wharf|Yard|Gate|Approach"
)
_NUMBERED_ADDRESS = re.compile(
    r"\b(?:(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    rf"(?:[A-Z][\w'\u2019\-]*\s+){{1,3}}(?i:{_STREET_TYPES})\b"
)
# A street named without a number ("lives on Kingfisher Close"): only the types that are
# never anything else, and only capitalised.
_STREET = re.compile(
    r"\b(?!(?:The|A|An|This|That|Our|Their|His|Her|My)\b)(?:[A-Z][a-z'\u2019\-]+\s+){1,2}"
    r"(?:Street|Road|Avenue|Close|Lane|Drive|Crescent|Grove|Gardens|Terrace|Mews|Rise|Way)\b"
)


def spot(text: str) -> list[Spotted]:
    """Everything in the text that could be personal data, in order of where it starts."""
    structured = _without_overlaps(
        [*_nhs_numbers(text), *_upns(text), *_postcodes(text), *_dates(text), *_addresses(text)]
    )
    taken = [(s.start, s.end) for s in structured]
    names = [
        s
        for s in spot_names(text)
        if not any(start < s.end and s.start < end for start, end in taken)
    ]
    return sorted(structured + names, key=lambda s: (s.start, s.end))


def _without_overlaps(found: list[Spotted]) -> list[Spotted]:
    """Keep the longest of any overlapping stretches (a date inside an address is one find)."""
    kept: list[Spotted] = []
    for candidate in sorted(found, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and candidate.start < kept[-1].end:
            continue
        kept.append(candidate)
    return kept


def _nhs_numbers(text: str) -> list[Spotted]:
    found = []
    for match in _NHS.finditer(text):
        if nhs_number_is_valid(match.group()):
            digits = normalise_nhs_number(match.group())
            found.append(_at(match, Kind.NHS_NUMBER, {digits}))
    return found


def _upns(text: str) -> list[Spotted]:
    return [
        _at(match, Kind.UPN, {normalise_upn(match.group())})
        for match in _UPN.finditer(text)
        if upn_is_valid(match.group())
    ]


def _postcodes(text: str) -> list[Spotted]:
    found = []
    for match in _POSTCODE.finditer(text):
        outward, inward = match.groups()
        if inward[1:] in _ORDINALS:  # "M6 2nd": a junction, not a postcode
            continue
        code = normalise_postcode(outward + inward)
        if postcode_is_valid(code):
            found.append(_at(match, Kind.POSTCODE, {code}))
    return found


def _dates(text: str) -> list[Spotted]:
    found = []
    for match in _NUMERIC_DATE.finditer(text):
        day, _sep, month, year = match.groups()
        keys = _date_keys(int(day), int(month), year) | _date_keys(int(month), int(day), year)
        if keys:
            found.append(_at(match, Kind.DATE_OF_BIRTH, keys))
    for match in _ISO_DATE.finditer(text):
        year, _sep, month, day = match.groups()
        if keys := _date_keys(int(day), int(month), year):
            found.append(_at(match, Kind.DATE_OF_BIRTH, keys))
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for match in pattern.finditer(text):
            month_text, year = match.group(month_group), match.group(3)
            # Without a year, only a capitalised month: "aged 12 may be" is not a date.
            if year is None and not month_text[0].isupper():
                continue
            month = _month_number(month_text)
            keys = _date_keys(int(match.group(day_group)), month, year)
            if keys or (year is None and _is_day(int(match.group(day_group)), month)):
                found.append(_at(match, Kind.DATE_OF_BIRTH, keys))
    return found


def _month_number(text: str) -> int:
    prefix = text.lower()[:3]
    return next(number for number, name in enumerate(_MONTHS, start=1) if name[:3] == prefix)


def _is_day(day: int, month: int) -> bool:
    return _real(2000, month, day) is not None  # 2000 was a leap year: 29 February counts


def _date_keys(day: int, month: int, year: str | None) -> set[str]:
    """Every reading of the date as ISO strings ("15" is 1915 or 2015); none if impossible."""
    if year is None:
        return set()
    digits = year.lstrip("'")
    years = [int(digits)] if len(digits) == 4 else [1900 + int(digits), 2000 + int(digits)]  # noqa: PLR2004
    readings = (_real(y, month, day) for y in years)
    return {reading.isoformat() for reading in readings if reading is not None}


def _real(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _addresses(text: str) -> list[Spotted]:
    found = [_at(m, Kind.ADDRESS, set()) for m in _NUMBERED_ADDRESS.finditer(text)]
    found += [_at(m, Kind.ADDRESS, set()) for m in _STREET.finditer(text)]
    return found


def _at(match: re.Match[str], kind: Kind, keys: set[str], *, looks_like: bool = True) -> Spotted:
    return Spotted(kind, match.start(), match.end(), match.group(), frozenset(keys), looks_like)
