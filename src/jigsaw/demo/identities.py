"""Agencies' own ids for the children they work with, and the other names children go by.

Every agency numbers the children it works with in its own system: the council's case number
("LCS-104233"), a police person id, a hospital number, the GP practice's patient number, a
school's admission number. The child index records them against the issuing organisation, so
an agency can find a child by its own number and a roster's rows can be recognised by theirs.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.demo.records import (
    DemoAdult,
    DemoCasework,
    DemoChild,
    DemoLocalIdentifier,
    DemoOrganisation,
    DemoRelationship,
)
from jigsaw.demo.variation import nickname, part_of_surname

# How each kind of agency numbers children: a template and the range of numbers it fills.
LOCAL_ID_FORMATS: dict[AgencyKind, tuple[str, int, int]] = {
    AgencyKind.CHILDRENS_SOCIAL_CARE: ("LCS-{:06d}", 100_000, 999_999),  # case number
    AgencyKind.MASH: ("MASH-{:06d}", 1, 999_999),  # the hub's person id
    AgencyKind.SCHOOL: ("{:06d}", 1, 99_999),  # admission number
    AgencyKind.GP: ("{:d}", 10_000, 999_999),  # the practice system's patient number
    AgencyKind.ACUTE_HEALTH: ("H{:07d}", 1_000_000, 9_999_999),  # hospital number
    AgencyKind.COMMUNITY_HEALTH: ("CH{:07d}", 1, 9_999_999),  # community health record
    AgencyKind.POLICE: ("MP{:08d}", 1, 99_999_999),  # the force's person id
}
ALIAS_SHARE = 0.02  # children another agency knows under a different name


class LocalIdBook:
    """Hands out each organisation's own ids for children, never one of its ids twice."""

    def __init__(
        self,
        rng: random.Random,
        organisations: Iterable[DemoOrganisation],
        taken: Iterable[DemoLocalIdentifier] = (),
    ) -> None:
        self._rng = rng
        self._formats = {org.key: LOCAL_ID_FORMATS[org.kind] for org in organisations}
        self._taken: dict[str, set[str]] = defaultdict(set)
        for identifier in taken:
            self._taken[identifier.organisation_key].add(identifier.value)

    def issue(self, organisation_key: str) -> str:
        """A new id of the organisation's.

        Raises:
            ValueError: the organisation has used every id of its format.
        """
        template, lowest, highest = self._formats[organisation_key]
        used = self._taken[organisation_key]
        if len(used) > (highest - lowest) // 2:  # past half full, random picks get slow
            raise ValueError("a demo organisation has run out of local ids")
        while True:
            value = template.format(self._rng.randint(lowest, highest))
            if value not in used:
                used.add(value)
                return value


def local_identifiers(casework: DemoCasework, book: LocalIdBook) -> tuple[DemoLocalIdentifier, ...]:
    """One local id for each child from each organisation known to work with them."""
    pairs = dict.fromkeys(
        [(i.child_key, i.organisation_key) for i in casework.involvements]
        + [(case.child_key, case.organisation_key) for case in casework.mash_cases]
    )
    return tuple(DemoLocalIdentifier(child, org, book.issue(org)) for child, org in pairs)


def add_aliases(
    children: tuple[DemoChild, ...],
    adults: tuple[DemoAdult, ...],
    relationships: tuple[DemoRelationship, ...],
    *,
    seed: int,
) -> tuple[DemoChild, ...]:
    """Give a few children an alias, a name another agency knows them by.

    A step-parent's surname they go by, one half of a hyphenated surname, or their short
    name with their surname.
    """
    rng = random.Random(f"aliases:{seed}")
    surnames = {adult.key: adult.family_name for adult in adults}
    step_surnames: dict[str, list[str]] = defaultdict(list)
    for relationship in relationships:
        if relationship.kind == "carer" and relationship.adult_key is not None:
            step_surnames[relationship.child_key].append(surnames[relationship.adult_key])
    return tuple(
        _with_alias(rng, child, step_surnames[child.key]) if rng.random() < ALIAS_SHARE else child
        for child in children
    )


def _with_alias(rng: random.Random, child: DemoChild, step_surnames: list[str]) -> DemoChild:
    first = child.given_names.partition(" ")[0]
    others = [surname for surname in step_surnames if surname != child.family_name]
    part = part_of_surname(rng, child.family_name)
    short = nickname(rng, child.given_names, child.preferred_name)
    if others:
        alias = (child.given_names, others[0])
    elif part is not None:
        alias = (child.given_names, part)
    elif short is not None and short != first:
        alias = (short, child.family_name)
    else:
        return child
    return replace(child, aliases=(alias,))
