from dataclasses import replace
from datetime import date

import pytest

from jigsaw.matching.comparisons import (
    compare_date_of_birth,
    compare_family_name,
    compare_given_name,
    compare_nhs_number,
    compare_postcode,
    compare_sex,
    compare_upn,
)
from jigsaw.matching.levels import (
    DateOfBirthLevel,
    FamilyNameLevel,
    GivenNameLevel,
    IdentifierLevel,
    PostcodeLevel,
    SexLevel,
)
from jigsaw.matching.records import PersonRecord

BASE = PersonRecord(given_names="Jacob", family_name="Smith")


def person(**changes: object) -> PersonRecord:
    return replace(BASE, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("Jacob Oliver", "jacob", GivenNameLevel.EXACT),
        ("Jake", "Jacob", GivenNameLevel.NICKNAME),
        ("Mo", "Muhammad", GivenNameLevel.NICKNAME),
        ("Katelyn", "Katelin", GivenNameLevel.JARO_WINKLER_92),
        ("Jayden", "Jaiden", GivenNameLevel.JARO_WINKLER_85),
        ("Siobhan", "Shivaun", GivenNameLevel.PHONETIC),
        ("Amy", "Tom", GivenNameLevel.DIFFERENT),
        ("", "Jacob", GivenNameLevel.MISSING),
        ("Jacob", "  ", GivenNameLevel.MISSING),
    ],
)
def test_given_name_levels(mine: str, theirs: str, level: GivenNameLevel) -> None:
    assert compare_given_name(person(given_names=mine), person(given_names=theirs)) is level


def test_given_name_swapped_with_family_name() -> None:
    query = PersonRecord(given_names="Ahmed", family_name="Karim")
    candidate = PersonRecord(given_names="Karim", family_name="Ahmed")
    assert compare_given_name(query, candidate) is GivenNameLevel.SWAPPED


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("Smith-Jones", "smith jones", FamilyNameLevel.EXACT),
        ("O'Brien", "OBrien", FamilyNameLevel.EXACT),
        ("Smith-Jones", "Jones", FamilyNameLevel.PART),
        ("Thompson", "Thomson", FamilyNameLevel.JARO_WINKLER_92),
        ("Smith", "Smyth", FamilyNameLevel.JARO_WINKLER_85),
        ("Brown", "Braun", FamilyNameLevel.PHONETIC),
        ("Smith", "Okafor", FamilyNameLevel.DIFFERENT),
        ("", "Smith", FamilyNameLevel.MISSING),
    ],
)
def test_family_name_levels(mine: str, theirs: str, level: FamilyNameLevel) -> None:
    assert compare_family_name(person(family_name=mine), person(family_name=theirs)) is level


def test_family_name_matches_a_previous_family_name_either_way() -> None:
    renamed = person(family_name="Okafor", previous_family_names=("Smith",))
    assert compare_family_name(person(), renamed) is FamilyNameLevel.PREVIOUS
    assert compare_family_name(renamed, person()) is FamilyNameLevel.PREVIOUS


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        (date(2014, 3, 9), date(2014, 3, 9), DateOfBirthLevel.EXACT),
        (date(2014, 3, 9), date(2014, 9, 3), DateOfBirthLevel.DAY_MONTH_TRANSPOSED),
        (date(2014, 3, 9), date(2014, 3, 10), DateOfBirthLevel.ONE_OFF),
        (date(2014, 3, 9), date(2014, 4, 9), DateOfBirthLevel.ONE_OFF),
        (date(2014, 3, 9), date(2015, 3, 9), DateOfBirthLevel.ONE_OFF),
        (date(2014, 3, 9), date(2014, 3, 19), DateOfBirthLevel.ONE_OFF),
        (date(2014, 3, 9), date(2017, 3, 9), DateOfBirthLevel.ONE_OFF),
        (date(2014, 3, 9), date(2014, 3, 27), DateOfBirthLevel.SAME_YEAR_MONTH),
        (date(2014, 3, 9), date(2012, 6, 1), DateOfBirthLevel.DIFFERENT),
        (None, date(2012, 6, 1), DateOfBirthLevel.MISSING),
    ],
)
def test_date_of_birth_levels(
    mine: date | None, theirs: date | None, level: DateOfBirthLevel
) -> None:
    query, candidate = person(date_of_birth=mine), person(date_of_birth=theirs)
    assert compare_date_of_birth(query, candidate) is level


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("EM4 2XY", "em42xy", PostcodeLevel.EXACT),
        ("EM4 2XY", "EM4 2AB", PostcodeLevel.SAME_SECTOR),
        ("EM4 2XY", "EM4 7AB", PostcodeLevel.SAME_DISTRICT),
        ("EM4 2XY", "EM14 2XY", PostcodeLevel.DIFFERENT),
        ("EM4", "EM4 2XY", PostcodeLevel.DIFFERENT),
        (None, "EM4 2XY", PostcodeLevel.MISSING),
        ("EM4 2XY", " ", PostcodeLevel.MISSING),
    ],
)
def test_postcode_levels(mine: str | None, theirs: str | None, level: PostcodeLevel) -> None:
    assert compare_postcode(person(postcode=mine), person(postcode=theirs)) is level


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("male", "M", SexLevel.SAME),
        ("female", "male", SexLevel.DIFFERENT),
        ("unknown", "male", SexLevel.MISSING),
        (None, "female", SexLevel.MISSING),
    ],
)
def test_sex_levels(mine: str | None, theirs: str | None, level: SexLevel) -> None:
    assert compare_sex(person(sex=mine), person(sex=theirs)) is level


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("999 000 0018", "9990000018", IdentifierLevel.SAME),
        ("9990000018", "9990000026", IdentifierLevel.CONFLICTING),
        ("9990000018", None, IdentifierLevel.MISSING),
        (None, "9990000018", IdentifierLevel.MISSING),
    ],
)
def test_nhs_number_levels(mine: str | None, theirs: str | None, level: IdentifierLevel) -> None:
    assert compare_nhs_number(person(nhs_number=mine), person(nhs_number=theirs)) is level


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("b801200005001", "B801200005001", IdentifierLevel.SAME),
        ("B801200005001", "A801200005001", IdentifierLevel.CONFLICTING),
        ("B801200005001", "", IdentifierLevel.MISSING),
    ],
)
def test_upn_levels(mine: str | None, theirs: str | None, level: IdentifierLevel) -> None:
    assert compare_upn(person(upn=mine), person(upn=theirs)) is level


def test_a_misspelt_nickname_still_counts_as_a_nickname() -> None:
    from jigsaw.matching import GivenNameLevel, PersonRecord  # noqa: PLC0415
    from jigsaw.matching.comparisons import compare_given_name  # noqa: PLC0415

    query = PersonRecord(given_names="Simmy", family_name="Malik")
    assert compare_given_name(query, PersonRecord(given_names="Simran", family_name="Malik")) is (
        GivenNameLevel.NICKNAME
    )
    unrelated = PersonRecord(given_names="Oliver", family_name="Malik")
    assert compare_given_name(query, unrelated) is not GivenNameLevel.NICKNAME


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("12 Oak Road", "12 oak road", "exact"),
        ("12 Oak Road", "12, Oak-Road", "exact"),
        ("12 Oak Road", "12 Oak Raod", "jaro_winkler_92"),
        ("12 Oak Road", "12 Oak Rd", "jaro_winkler_92"),
        ("12 Oak Road", "3 Mill Lane", "different"),
        (None, "12 Oak Road", "missing"),
        ("  ", "12 Oak Road", "missing"),
    ],
)
def test_address_levels(mine: str | None, theirs: str | None, level: str) -> None:
    from jigsaw.matching.comparisons import compare_address  # noqa: PLC0415

    assert compare_address(person(address_line=mine), person(address_line=theirs)) == level


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("police:1234567", "POLICE:1234567", "same"),
        ("police:1234567", "police:1234576", "one_edit"),
        ("police:1234567", "police:1234568", "one_edit"),
        ("police:1234567", "police:7654321", "different"),
        ("police:1234567", None, "missing"),
    ],
)
def test_other_identifier_levels(mine: str | None, theirs: str | None, level: str) -> None:
    from jigsaw.matching.comparisons import compare_other_identifier  # noqa: PLC0415

    query, candidate = person(other_identifier=mine), person(other_identifier=theirs)
    assert compare_other_identifier(query, candidate) == level
