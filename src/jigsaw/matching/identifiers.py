"""Identifier rules: NHS numbers, Unique Pupil Numbers and postcodes.

Pure functions with no I/O. They check the *shape* of an identifier only: a valid check digit
does not mean the number was ever issued (guidance.md §6.1) and a well-formed postcode need not
exist (§6.2), so callers never auto-correct and treat range checks as warnings.
"""

import re

_NHS_NUMBER = re.compile(r"[0-9]{10}")
_NINE_DIGITS = re.compile(r"[0-9]{9}")

# guidance.md §6.1 (NHS Data Dictionary): digits 1-9 are weighted 10 down to 2.
_NHS_WEIGHTS = range(10, 1, -1)
_NEVER_ISSUED = 10

# The UPN check-letter table: values 0-22 map to A-Z without I, O and S. Source: UK Government
# Data Standards Catalogue, "Unique Pupil Number" v2.0 (govtalk.gov.uk, agreed 18 Nov 2004),
# validations 1-6: modulo-23 sum of value x position over characters 2-13, starting at weight 2;
# a temporary UPN's final letter takes its value from this same table. python-stdnum's
# stdnum/gb/upn.py computes the same sum, and its doctest B801200005001 is a fixture in tests.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_BODY = re.compile(rf"[0-9]{{11}}[0-9{_UPN_LETTERS}]")
_UPN = re.compile(rf"[{_UPN_LETTERS}][0-9]{{11}}[0-9{_UPN_LETTERS}]")

# guidance.md §6.2 strict pattern, with the whole alternation inside one group so that both
# anchors apply to every branch (the "official GOV.UK" regex anchors only its first branch).
_POSTCODE = re.compile(
    r"^(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]))"
    r" ?\d[ABD-HJLNP-UW-Z]{2})$",
    re.IGNORECASE | re.ASCII,
)
_INWARD_LENGTH = 3


def normalise_nhs_number(text: str) -> str:
    """Strip the spaces, hyphens and surrounding whitespace people type into an NHS number."""
    return "".join(text.split()).replace("-", "")


def nhs_check_digit(first_nine: str) -> int | None:
    """Compute the modulus-11 check digit for nine digits, or None when no number is issued.

    Raises:
        ValueError: ``first_nine`` is not exactly nine ASCII digits.
    """
    if not _NINE_DIGITS.fullmatch(first_nine):
        raise ValueError("an NHS number starts with nine digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _NHS_WEIGHTS, strict=True))
    # §6.1 step 4: 11 - remainder, where 11 becomes 0 and 10 means no number is ever issued.
    check = (11 - total % 11) % 11
    return None if check == _NEVER_ISSUED else check


def nhs_number_is_valid(text: str) -> bool:
    """Tell whether text, once normalised, is ten digits with a correct check digit."""
    number = normalise_nhs_number(text)
    if not _NHS_NUMBER.fullmatch(number):
        return False
    return nhs_check_digit(number[:9]) == int(number[9])


def format_nhs_number(value: str) -> str:
    """Show an NHS number as 3-3-4 digits, leaving anything that is not ten digits as entered."""
    number = normalise_nhs_number(value)
    if not _NHS_NUMBER.fullmatch(number):
        return value
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def normalise_upn(text: str) -> str:
    """Uppercase a Unique Pupil Number and remove any whitespace in it."""
    return "".join(text.split()).upper()


def upn_check_letter(last_twelve: str) -> str:
    """Compute the check letter that starts a UPN from its other twelve characters.

    Raises:
        ValueError: ``last_twelve`` is not eleven digits then a digit or a table letter.
    """
    if not _UPN_BODY.fullmatch(last_twelve):
        raise ValueError("a UPN body is eleven digits then a digit or check-table letter")
    total = sum(
        _upn_value(character) * weight for weight, character in enumerate(last_twelve, start=2)
    )
    return _UPN_LETTERS[total % 23]


def upn_is_valid(text: str) -> bool:
    """Tell whether text, once normalised, is a UPN whose check letter is correct."""
    upn = normalise_upn(text)
    if not _UPN.fullmatch(upn):
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def normalise_postcode(text: str) -> str:
    """Uppercase a postcode and put exactly one space before its three-character inward code."""
    compact = "".join(text.split()).upper()
    if len(compact) <= _INWARD_LENGTH:
        return compact
    return f"{compact[:-_INWARD_LENGTH]} {compact[-_INWARD_LENGTH:]}"


def postcode_is_valid(text: str) -> bool:
    """Tell whether text, once normalised, has the shape of a UK postcode (not that it exists)."""
    return _POSTCODE.fullmatch(normalise_postcode(text)) is not None


def _upn_value(character: str) -> int:
    """Give a UPN character's value: a digit is itself, a letter its place in the table."""
    if character.isdigit():
        return int(character)
    return _UPN_LETTERS.index(character)
