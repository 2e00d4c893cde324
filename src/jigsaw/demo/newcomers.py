"""Children the agencies know who are not in the child index yet: new babies and new arrivals.

A family that has just moved to Eastmoor registers with a GP and starts at a school before
anyone adds its children to the index; a baby is on the health visitors' list within days.
These children appear on the agencies' rosters only, so linking a roster has some rows that
match no one. A school-age newcomer's UPN was issued in the local authority they came from.
"""

import random
from datetime import date, timedelta

from jigsaw.children import upn_check_letter
from jigsaw.demo.households import allocate_nhs_number
from jigsaw.demo.names import (
    choose_given_names,
    choose_pool,
    choose_preferred_name,
    choose_surname,
)
from jigsaw.demo.places import GP_PRACTICES, SCHOOLS
from jigsaw.demo.records import DemoChild, DemoPartnership

NEWCOMER_SHARE = 0.03  # as many newcomers as this share of the index's children
_BABIES = 0.25  # newcomers born in the last year
_HAS_A_UPN = 0.9  # school-age newcomers whose last school gave them one
_PREVIOUS_LA_CODE = "798"  # not a DfE local authority number
_PREVIOUS_SCHOOL = "2999"
_FIRST_SCHOOL_AGE, _LAST_SCHOOL_AGE, _LAST_PRIMARY_AGE = 5, 15, 10
_OLDEST = 17


def newcomers(partnership: DemoPartnership) -> tuple[DemoChild, ...]:
    """The children new to the area, keyed "newcomer:0001", ..., living at the town's addresses."""
    if not partnership.children:
        return ()
    rng = random.Random(f"newcomers:{partnership.seed}")
    count = max(1, round(len(partnership.children) * NEWCOMER_SHARE))
    taken = {child.nhs_number for child in partnership.children}
    taken |= {adult.nhs_number for adult in partnership.adults if adult.nhs_number}
    upns: set[str] = set()
    return tuple(
        _newcomer(rng, f"newcomer:{number:04d}", partnership, taken, upns)
        for number in range(1, count + 1)
    )


def _newcomer(
    rng: random.Random, key: str, partnership: DemoPartnership, taken: set[str], upns: set[str]
) -> DemoChild:
    today = partnership.generated_on
    age = 0 if rng.random() < _BABIES else rng.randint(1, _OLDEST)
    born = today - timedelta(days=365 * age + rng.randint(0, 364))
    sex = rng.choice(("female", "male"))
    pool = choose_pool(rng)
    given = choose_given_names(rng, pool, sex, "child")
    school, upn = _schooling(rng, age, today, upns)
    home = rng.choice(partnership.addresses)
    return DemoChild(
        key=key,
        given_names=given,
        family_name=choose_surname(rng, pool),
        preferred_name=choose_preferred_name(rng, given),
        previous_family_name=None,
        date_of_birth=born,
        sex=sex,
        nhs_number=allocate_nhs_number(rng, taken),
        upn=upn,
        school_key=school,
        gp_key=rng.choice(GP_PRACTICES),
        address_key=home.key,
        moved_in_on=max(born, today - timedelta(days=rng.randint(1, 90))),
        previous_address_key=None,
    )


def _schooling(
    rng: random.Random, age: int, today: date, upns: set[str]
) -> tuple[str | None, str | None]:
    """The school a school-age newcomer has started at, and the UPN they came with."""
    if not _FIRST_SCHOOL_AGE <= age <= _LAST_SCHOOL_AGE:
        return None, None
    primary = age <= _LAST_PRIMARY_AGE
    schools = [s for s in SCHOOLS if (s.teaches_primary if primary else s.teaches_secondary)]
    school = rng.choice(schools).organisation_key
    if rng.random() >= _HAS_A_UPN:
        return school, None
    started = (today.year - age + _FIRST_SCHOOL_AGE - 1) % 100  # the year they started school
    while True:
        body = f"{_PREVIOUS_LA_CODE}{_PREVIOUS_SCHOOL}{started:02d}{rng.randrange(1000):03d}"
        upn = upn_check_letter(body) + body
        if upn not in upns:
            upns.add(upn)
            return school, upn
