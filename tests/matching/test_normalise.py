import pytest

from jigsaw.matching.normalise import (
    clean_nhs_number,
    clean_postcode,
    clean_sex,
    clean_upn,
    compact_name,
    first_given_name,
    name_parts,
    normalise_name,
    postcode_district,
    postcode_sector,
)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Smith-Jones", ("smith", "jones")),
        ("  SMITH   jones ", ("smith", "jones")),
        ("O'Brien", ("obrien",)),
        ("Zoë", ("zoe",)),
        ("Łukasz", ("lukasz",)),
        ("Bonham\u2013Carter", ("bonham", "carter")),
        ("", ()),
        (None, ()),
    ],
)
def test_name_parts(text: str | None, parts: tuple[str, ...]) -> None:
    assert name_parts(text) == parts


def test_whole_and_compact_names() -> None:
    assert normalise_name("Smith-Jones") == "smith jones"
    assert compact_name("Smith-Jones") == "smithjones"


@pytest.mark.parametrize(
    ("given", "first"),
    [("Jacob Oliver", "jacob"), ("Jo-Anne Louise", "joanne"), ("  ", ""), (None, "")],
)
def test_first_given_name(given: str | None, first: str) -> None:
    assert first_given_name(given) == first


def test_postcode_parts() -> None:
    assert clean_postcode("em42xy") == "EM4 2XY"
    assert postcode_district("em42xy") == "EM4"
    assert postcode_sector("em4 2xy") == "EM4 2"
    assert postcode_sector("EC1A1BB") == "EC1A 1"


@pytest.mark.parametrize("text", [None, "", "  "])
def test_missing_postcode_has_no_parts(text: str | None) -> None:
    assert clean_postcode(text) == ""
    assert postcode_district(text) == ""
    assert postcode_sector(text) == ""


def test_postcode_too_short_for_a_sector() -> None:
    assert postcode_sector("EM") == ""
    assert postcode_district("EM") == ""


def test_identifiers() -> None:
    assert clean_nhs_number("999 000 0018") == "9990000018"
    assert clean_nhs_number(None) == ""
    assert clean_upn(" b801200005001 ") == "B801200005001"
    assert clean_upn(None) == ""


@pytest.mark.parametrize(
    ("text", "sex"),
    [("Male", "male"), ("F", "female"), ("unknown", ""), (None, ""), ("female", "female")],
)
def test_clean_sex(text: str | None, sex: str) -> None:
    assert clean_sex(text) == sex
