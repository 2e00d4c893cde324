from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from jigsaw.matching.blocking import blocking_keys
from jigsaw.matching.records import PersonRecord

GIVEN = ["Jacob", "Amelia", "Muhammad", "Aisha", "Oliver", "Zofia", "Chidi", "Harpreet"]
FAMILY = ["Smith", "Okafor", "Kowalski", "Khan", "Smith-Jones", "O'Brien", "Patel", "Nowak"]
POSTCODES = ["EM4 2XY", "EM1 5AB", "EC1A 1BB", "B33 8TH", "M1 1AE"]
LETTERS = "abcdefghijklmnopqrstuvwxyz"

records = st.builds(
    PersonRecord,
    given_names=st.sampled_from(GIVEN),
    family_name=st.sampled_from(FAMILY),
    date_of_birth=st.dates(min_value=date(2000, 1, 1), max_value=date(2025, 12, 31)),
    sex=st.sampled_from(["male", "female", None]),
    postcode=st.sampled_from(POSTCODES),
    nhs_number=st.just("9990000018"),
)


def test_keys_for_a_full_record() -> None:
    record = PersonRecord(
        "Jacob Oliver",
        "Smith-Jones",
        previous_family_names=("Brown",),
        date_of_birth=date(2014, 3, 9),
        postcode="em42xy",
        nhs_number="999 000 0018",
        upn="b801200005001",
    )
    keys = blocking_keys(record)
    assert {
        "nhs:9990000018",
        "upn:B801200005001",
        "dmy:2014-03-09+sdx:S530",
        "dmy:2014-03-09+sdx:B650",
        "dob:2014-03-09+gk:JKP",
        "dob:2014-03-09+gk:=jacob",
        "dobym:2014-03+sdx:S530+gi:j",
        "dobym:2014-03+sdx:B650+gi:j",
        "pc:EM4 2XY+gk:JKP",
        "pc:EM4 2XY+gk:=jacob",
        "gk:JKP+dmf:SM0+yob:2014",
        "gk:=jacob+dmf:JNS+yob:2014",
    } <= keys
    assert not any(key.startswith("dob:") and "+" not in key for key in keys)


def test_a_record_with_nothing_but_names_has_no_keys() -> None:
    assert blocking_keys(PersonRecord("Jacob", "Smith")) == set()
    assert blocking_keys(PersonRecord("", "", postcode="EM4 2XY")) == set()


def _typo(name: str, position: int, letter: str) -> str:
    index = position % len(name)
    return name[:index] + letter + name[index + 1 :]


@given(records, st.integers(min_value=0), st.sampled_from(LETTERS))
def test_given_name_typo_still_shares_a_key(record: PersonRecord, at: int, letter: str) -> None:
    typo = replace(record, given_names=_typo(record.given_names, at, letter), nhs_number=None)
    assert blocking_keys(record) & blocking_keys(typo)


@given(records)
def test_transposed_date_still_shares_a_key(record: PersonRecord) -> None:
    dob = record.date_of_birth
    assert dob is not None
    swapped = dob.replace(day=dob.month, month=dob.day) if dob.day <= 12 else dob
    moved = replace(record, date_of_birth=swapped, nhs_number=None)
    assert blocking_keys(record) & blocking_keys(moved)


@given(records, st.sampled_from(POSTCODES))
def test_moved_postcode_still_shares_a_key(record: PersonRecord, postcode: str) -> None:
    moved = replace(record, postcode=postcode, nhs_number=None)
    assert blocking_keys(record) & blocking_keys(moved)


@given(records)
def test_missing_nhs_number_still_shares_a_key(record: PersonRecord) -> None:
    assert blocking_keys(record) & blocking_keys(replace(record, nhs_number=None))


@given(records, st.integers(min_value=0), st.sampled_from(LETTERS))
def test_family_name_typo_still_shares_a_key(record: PersonRecord, at: int, letter: str) -> None:
    typo = replace(record, family_name=_typo(record.family_name, at, letter), nhs_number=None)
    assert blocking_keys(record) & blocking_keys(typo)


@given(records)
def test_a_nickname_still_shares_a_key(record: PersonRecord) -> None:
    # A school has "Jake" where the GP has "Jacob", and a new family name the index lacks.
    nickname = replace(record, given_names="Jake", family_name="Okonkwo", nhs_number=None)
    formal = replace(record, given_names="Jacob", nhs_number=None)
    assert blocking_keys(formal) & blocking_keys(nickname)


@given(records)
def test_a_misspelt_nickname_with_a_swapped_date_still_shares_a_key(record: PersonRecord) -> None:
    # "Simmy" (not in the nickname table) for "Simran", day and month swapped, no postcode.
    dob = record.date_of_birth
    assert dob is not None
    swapped = dob.replace(day=dob.month, month=dob.day) if dob.day <= 12 else dob
    formal = replace(record, given_names="Simran", nhs_number=None)
    typed = replace(formal, given_names="Simmy", date_of_birth=swapped, postcode=None)
    assert blocking_keys(formal) & blocking_keys(typed)


@given(records, st.sampled_from([1, -1]), st.integers(min_value=1), st.sampled_from(LETTERS))
def test_a_wrong_day_and_a_misspelt_given_name_still_share_a_key(
    record: PersonRecord, step: int, at: int, letter: str
) -> None:
    # The day one out and the given name misspelt after its first letter, and moved house.
    dob = record.date_of_birth
    assert dob is not None
    day = dob.day + step if 1 < dob.day < 28 else dob.day
    name = record.given_names
    misspelt = name[0] + _typo(name[1:], at, letter)
    typed = replace(record, given_names=misspelt, date_of_birth=dob.replace(day=day),
                    postcode=None, nhs_number=None)  # fmt: skip
    assert blocking_keys(record) & blocking_keys(typed)
