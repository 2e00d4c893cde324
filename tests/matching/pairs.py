"""Seeded pairs of person records that exercise every comparison level, for the SQL tests."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from jigsaw.matching.nicknames import nickname_groups
from jigsaw.matching.records import PersonRecord

FAMILIES = [
    "Smith", "Smyth", "Smith-Jones", "Jones", "O'Brien", "OBrien", "Okafor", "Okonkwo", "Brown",
    "Braun", "Thompson", "Thomson", "Nowak", "Wójcik", "Khan", "Karim", "Ahmed", "Schmidt",
]  # fmt: skip
POSTCODES = ["EM4 2XY", "em42xz", "EM4 3AB", "EM14 2XY", "EM4", "4223", "EM4 2XZ", None]
ADDRESSES = ["12 Oak Road", "12 oak rd", "14 Oak Road", "12 Oakroad", "3 Mill Lane", None]
IDENTIFIERS = [
    "police:1234567", "police:1234576", "police:1234568", "police:7654321", "Straße:12 34",
    "STRASSE:1234", None,
]  # fmt: skip


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return name
    at = rng.randrange(len(name))
    return name[:at] + rng.choice("aeiouyk") + name[at + 1 :]


# Given names outside the nickname table, where a typo is a spelling level, not a nickname.
OTHER_GIVEN = ["katelyn", "jayden", "chidi", "harpreet", "siobhan", "oluwaseun", "zayn"]


def _given(rng: random.Random, groups: list[list[str]]) -> str:
    name = rng.choice(rng.choice(groups)) if rng.random() < 0.7 else rng.choice(OTHER_GIVEN)
    return (_typo(rng, name) if rng.random() < 0.3 else name).title()


def person(rng: random.Random, groups: list[list[str]]) -> PersonRecord:
    """A random record, with any field possibly missing."""
    born = date(2005, 1, 1) + timedelta(days=rng.randrange(7000))
    given = rng.choice(
        [_given(rng, groups), f"{_given(rng, groups)} {_given(rng, groups)}", "", "  "]
    )
    return PersonRecord(
        given_names=given,
        family_name=rng.choice([*FAMILIES, ""]),
        previous_family_names=tuple(rng.sample(FAMILIES, rng.choice([0, 0, 1, 2]))),
        date_of_birth=rng.choice([born, born, None]),
        sex=rng.choice(["male", "F", "unknown", None]),
        postcode=rng.choice(POSTCODES),
        nhs_number=rng.choice([None, "9990000018", "999 000 0018", "9990000026"]),
        upn=rng.choice([None, "B801200005001", "A801200005001"]),
        address_line=rng.choice(ADDRESSES),
        other_identifier=rng.choice(IDENTIFIERS),
    )


def _slip_date(rng: random.Random, born: date | None) -> date | None:
    if born is None or rng.random() < 0.3:
        return born
    try:
        return rng.choice(
            [
                born.replace(day=born.month, month=born.day),
                born.replace(year=born.year + rng.choice([-1, 1, 10])),
                born.replace(month=max(1, min(12, born.month + rng.choice([-1, 1])))),
                born.replace(day=max(1, min(28, born.day + rng.choice([-1, 1, 10])))),
                born + timedelta(days=rng.randrange(1, 60)),
            ]
        )
    except ValueError:
        return born


def variant(rng: random.Random, record: PersonRecord, other: PersonRecord) -> PersonRecord:
    """Another record of the same child: some fields slipped, some taken from someone else."""
    return replace(
        record,
        given_names=rng.choice([record.given_names, other.given_names, record.family_name]),
        family_name=rng.choice([record.family_name, other.family_name, record.given_names]),
        previous_family_names=other.previous_family_names,
        date_of_birth=_slip_date(rng, record.date_of_birth),
        sex=other.sex,
        postcode=rng.choice([record.postcode, other.postcode]),
        nhs_number=other.nhs_number,
        upn=other.upn,
        address_line=rng.choice([record.address_line, other.address_line]),
        other_identifier=rng.choice([record.other_identifier, other.other_identifier]),
    )


def generated_pairs(count: int, seed: int) -> list[tuple[PersonRecord, PersonRecord]]:
    """``count`` pairs: most are two records of one child, the rest unrelated."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data
    groups = [sorted(group) for group in nickname_groups()]
    pairs = []
    for _ in range(count):
        first, other = person(rng, groups), person(rng, groups)
        second = variant(rng, first, other) if rng.random() < 0.7 else other
        pairs.append((first, second))
    return pairs


def frame(records: list[PersonRecord], prefix: str = "") -> pd.DataFrame:
    """A person frame of records, with record ids ``<prefix><position>``."""
    return pd.DataFrame(
        [
            {
                "record_id": f"{prefix}{position}",
                "given_names": record.given_names,
                "family_name": record.family_name,
                "previous_family_names": "|".join(record.previous_family_names),
                "date_of_birth": record.date_of_birth,
                "sex": record.sex,
                "postcode": record.postcode,
                "nhs_number": record.nhs_number,
                "upn": record.upn,
                "household_key": record.household_key,
                "address_line": record.address_line,
                "other_identifier": record.other_identifier,
            }
            for position, record in enumerate(records)
        ]
    )
