"""Compare one field of two person records and say which level of agreement they reach.

Each function is pure and symmetric in spirit: it takes the query and the candidate and returns
one level from ``levels``. Checks run from the strongest level to the weakest, and the first that
holds wins. Jaro-Winkler similarity comes from rapidfuzz.
"""

from collections.abc import Callable
from datetime import date

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from jigsaw.matching.levels import (
    AddressLevel,
    DateOfBirthLevel,
    FamilyNameLevel,
    GivenNameLevel,
    IdentifierLevel,
    OtherIdentifierLevel,
    PostcodeLevel,
    SexLevel,
)
from jigsaw.matching.nicknames import are_variants, variants_of
from jigsaw.matching.normalise import (
    clean_address,
    clean_identifier,
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
from jigsaw.matching.phonetics import sound_alike
from jigsaw.matching.records import PersonRecord

CLOSE = 0.92
NEAR = 0.85
# Similarities within this of a band's edge count as reaching it, so that SQL engines (DuckDB in
# training and batch linking), whose arithmetic differs from rapidfuzz's in the last bit, put
# every pair in the same band as Python does.
TOLERANCE = 1e-9


def _similarity(first: str, second: str) -> float:
    """Give the Jaro-Winkler similarity of two normalised names, from 0 to 1."""
    return JaroWinkler.normalized_similarity(first, second)


def _at_least(similarity: float, band: float) -> bool:
    """Tell whether a similarity reaches a band's lower edge (within ``TOLERANCE``)."""
    return similarity >= band - TOLERANCE


def compare_given_name(query: PersonRecord, candidate: PersonRecord) -> GivenNameLevel:
    """Compare the first given names, allowing nicknames, typos, sound and a swapped order."""
    mine, theirs = first_given_name(query.given_names), first_given_name(candidate.given_names)
    if not mine or not theirs:
        return GivenNameLevel.MISSING
    similarity = _similarity(mine, theirs)
    ladder: tuple[tuple[GivenNameLevel, Callable[[], bool]], ...] = (
        (GivenNameLevel.EXACT, lambda: mine == theirs),
        (GivenNameLevel.NICKNAME, lambda: _nickname(mine, theirs)),
        (GivenNameLevel.JARO_WINKLER_92, lambda: _at_least(similarity, CLOSE)),
        (GivenNameLevel.JARO_WINKLER_85, lambda: _at_least(similarity, NEAR)),
        (GivenNameLevel.PHONETIC, lambda: sound_alike(mine, theirs)),
        (GivenNameLevel.SWAPPED, lambda: _swapped(query, candidate)),
    )
    return next((level for level, holds in ladder if holds()), GivenNameLevel.DIFFERENT)


def _nickname(mine: str, theirs: str) -> bool:
    """A known variant of the other name, or a close misspelling of one ("Simmy" for "Simmi")."""
    if are_variants(mine, theirs):
        return True
    return any(_at_least(_similarity(mine, v), CLOSE) for v in variants_of(theirs)) or any(
        _at_least(_similarity(theirs, v), CLOSE) for v in variants_of(mine)
    )


def _swapped(query: PersonRecord, candidate: PersonRecord) -> bool:
    """Tell whether one record has the given and family names the other way round."""
    return first_given_name(query.given_names) == compact_name(
        candidate.family_name
    ) and compact_name(query.family_name) == first_given_name(candidate.given_names)


def compare_family_name(query: PersonRecord, candidate: PersonRecord) -> FamilyNameLevel:
    """Compare family names, then their hyphenated parts, then previous family names."""
    mine, theirs = compact_name(query.family_name), compact_name(candidate.family_name)
    if not mine or not theirs:
        return FamilyNameLevel.MISSING
    similarity = _similarity(mine, theirs)
    shared_part = set(name_parts(query.family_name)) & set(name_parts(candidate.family_name))
    ladder: tuple[tuple[FamilyNameLevel, Callable[[], bool]], ...] = (
        (FamilyNameLevel.EXACT, lambda: mine == theirs),
        (FamilyNameLevel.PART, lambda: bool(shared_part)),
        (
            FamilyNameLevel.PREVIOUS,
            lambda: _matches_previous(query, candidate) or _matches_previous(candidate, query),
        ),
        (FamilyNameLevel.JARO_WINKLER_92, lambda: _at_least(similarity, CLOSE)),
        (FamilyNameLevel.JARO_WINKLER_85, lambda: _at_least(similarity, NEAR)),
        (FamilyNameLevel.PHONETIC, lambda: sound_alike(mine, theirs)),
    )
    return next((level for level, holds in ladder if holds()), FamilyNameLevel.DIFFERENT)


def _matches_previous(first: PersonRecord, second: PersonRecord) -> bool:
    """Tell whether the first record's family name is one the second was known by before."""
    current = compact_name(first.family_name)
    return any(compact_name(previous) == current for previous in second.previous_family_names)


def compare_date_of_birth(query: PersonRecord, candidate: PersonRecord) -> DateOfBirthLevel:
    """Compare dates of birth, allowing a day/month swap and a slip of one in any component."""
    mine, theirs = query.date_of_birth, candidate.date_of_birth
    if mine is None or theirs is None:
        return DateOfBirthLevel.MISSING
    if mine == theirs:
        return DateOfBirthLevel.EXACT
    if mine.year == theirs.year and (mine.day, mine.month) == (theirs.month, theirs.day):
        return DateOfBirthLevel.DAY_MONTH_TRANSPOSED
    if _one_off(mine, theirs):
        return DateOfBirthLevel.ONE_OFF
    if (mine.year, mine.month) == (theirs.year, theirs.month):
        return DateOfBirthLevel.SAME_YEAR_MONTH
    return DateOfBirthLevel.DIFFERENT


def _one_off(mine: date, theirs: date) -> bool:
    """Tell whether two dates differ in one component by one, or by one mistyped digit."""
    mine_parts = (mine.year, mine.month, mine.day)
    their_parts = (theirs.year, theirs.month, theirs.day)
    differences = [abs(a - b) for a, b in zip(mine_parts, their_parts, strict=True) if a != b]
    if differences == [1]:
        return True
    mine_digits, their_digits = _digits(mine), _digits(theirs)
    return sum(a != b for a, b in zip(mine_digits, their_digits, strict=True)) == 1


def _digits(day: date) -> str:
    """Write a date as eight digits, YYYYMMDD, as it might have been typed."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def compare_postcode(query: PersonRecord, candidate: PersonRecord) -> PostcodeLevel:
    """Compare postcodes as a whole, then by sector ("EM4 2") and district ("EM4")."""
    mine, theirs = clean_postcode(query.postcode), clean_postcode(candidate.postcode)
    if not mine or not theirs:
        return PostcodeLevel.MISSING
    if mine == theirs:
        return PostcodeLevel.EXACT
    sector = postcode_sector(mine)
    if sector and sector == postcode_sector(theirs):
        return PostcodeLevel.SAME_SECTOR
    district = postcode_district(mine)
    if district and district == postcode_district(theirs):
        return PostcodeLevel.SAME_DISTRICT
    return PostcodeLevel.DIFFERENT


def compare_sex(query: PersonRecord, candidate: PersonRecord) -> SexLevel:
    """Compare recorded sexes; "unknown" counts as missing, not as a disagreement."""
    mine, theirs = clean_sex(query.sex), clean_sex(candidate.sex)
    if not mine or not theirs:
        return SexLevel.MISSING
    return SexLevel.SAME if mine == theirs else SexLevel.DIFFERENT


def compare_nhs_number(query: PersonRecord, candidate: PersonRecord) -> IdentifierLevel:
    """Compare NHS numbers exactly, after removing spaces (never auto-corrected, §6.1)."""
    return _compare_identifier(
        clean_nhs_number(query.nhs_number), clean_nhs_number(candidate.nhs_number)
    )


def compare_upn(query: PersonRecord, candidate: PersonRecord) -> IdentifierLevel:
    """Compare Unique Pupil Numbers exactly, after normalising case and spaces."""
    return _compare_identifier(clean_upn(query.upn), clean_upn(candidate.upn))


def _compare_identifier(mine: str, theirs: str) -> IdentifierLevel:
    """Say whether two normalised identifiers are the same, conflict, or one is missing."""
    if not mine or not theirs:
        return IdentifierLevel.MISSING
    return IdentifierLevel.SAME if mine == theirs else IdentifierLevel.CONFLICTING


def compare_address(query: PersonRecord, candidate: PersonRecord) -> AddressLevel:
    """Compare first address lines as letters and digits, exactly, then by spelling."""
    mine, theirs = clean_address(query.address_line), clean_address(candidate.address_line)
    if not mine or not theirs:
        return AddressLevel.MISSING
    if mine == theirs:
        return AddressLevel.EXACT
    similarity = _similarity(mine, theirs)
    if _at_least(similarity, CLOSE):
        return AddressLevel.JARO_WINKLER_92
    if _at_least(similarity, NEAR):
        return AddressLevel.JARO_WINKLER_85
    return AddressLevel.DIFFERENT


def compare_other_identifier(query: PersonRecord, candidate: PersonRecord) -> OtherIdentifierLevel:
    """Compare another identifier: the same, one character mistyped or swapped, or different.

    Unlike the NHS number, a different value is evidence, not a rule: these identifiers carry
    no check digit, so a slip of the keyboard is common.
    """
    mine, theirs = (
        clean_identifier(query.other_identifier),
        clean_identifier(candidate.other_identifier),
    )
    if not mine or not theirs:
        return OtherIdentifierLevel.MISSING
    if mine == theirs:
        return OtherIdentifierLevel.SAME
    if DamerauLevenshtein.distance(mine, theirs, score_cutoff=1) <= 1:
        return OtherIdentifierLevel.ONE_EDIT
    return OtherIdentifierLevel.DIFFERENT
