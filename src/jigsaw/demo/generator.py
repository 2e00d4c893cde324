"""A seeded generator of a synthetic safeguarding partnership in one fictional local authority.

Pure: no database and no I/O. Everything is drawn from ``random.Random`` sources seeded from
``seed`` (one per concern: households, casework, local ids, duplicates, ...), so the same
arguments always give the same partnership, and adding to one concern leaves the others as
they were. Keys are short stable strings ("org:school-1", "child:00017") that the loader turns
into UUIDs. Later generators take a ``DemoPartnership`` and add to it rather than changing
what is here; agencies' rosters are made from it by ``jigsaw.demo.rosters``.
"""

import random
from dataclasses import replace
from datetime import date

from jigsaw.demo.casework import generate_casework, plan_for_an_unborn_child
from jigsaw.demo.duplicates import plant_duplicates
from jigsaw.demo.households import Town, allocate_nhs_number
from jigsaw.demo.identities import LocalIdBook, add_aliases, local_identifiers
from jigsaw.demo.places import (
    EMAIL_DOMAIN,
    LOCAL_AUTHORITY_NAME,
    ORGANISATIONS,
    PERSONAS,
    PersonaSpec,
)
from jigsaw.demo.records import (
    DemoAddress,
    DemoAdult,
    DemoChild,
    DemoOrganisation,
    DemoPartnership,
    DemoPersona,
    DemoRelationship,
)

__all__ = [
    "MAX_CHILDREN",
    "DemoAddress",
    "DemoAdult",
    "DemoChild",
    "DemoOrganisation",
    "DemoPartnership",
    "DemoPersona",
    "DemoRelationship",
    "generate_partnership",
]

MAX_CHILDREN = 20_000  # keeps every school's yearly UPN serials (000-999) from running out


def generate_partnership(*, seed: int = 2026, children: int = 2000, today: date) -> DemoPartnership:
    """Generate a partnership whose households hold at least ``children`` children.

    Raises:
        ValueError: ``children`` is negative or above ``MAX_CHILDREN``.
    """
    if not 0 <= children <= MAX_CHILDREN:
        raise ValueError(f"children must be between 0 and {MAX_CHILDREN}")
    town = Town(random.Random(seed), today)
    while len(town.children) < children:
        town.add_household()
    organisations = tuple(
        DemoOrganisation(spec.key, spec.name, spec.kind, spec.identifier_scheme, spec.identifier)
        for spec in ORGANISATIONS
    )
    relationships = tuple(town.relationships)
    casework = generate_casework(tuple(town.children), seed=seed, today=today)
    casework, mother = plan_for_an_unborn_child(
        casework, tuple(town.adults), relationships, seed=seed, today=today
    )
    adults = _with_nhs_number(town, mother, seed)
    kids = add_aliases(tuple(town.children), adults, relationships, seed=seed)
    book = LocalIdBook(random.Random(f"local-ids:{seed}"), organisations)
    local_ids = local_identifiers(casework, book)
    duplicates, recorded = plant_duplicates(kids, casework, book=book, seed=seed, today=today)
    return DemoPartnership(
        seed=seed,
        local_authority_name=LOCAL_AUTHORITY_NAME,
        organisations=organisations,
        personas=tuple(_persona(spec) for spec in PERSONAS),
        addresses=tuple(town.addresses),
        adults=adults,
        children=kids,
        relationships=relationships,
        casework=replace(casework, involvements=casework.involvements + recorded),
        local_identifiers=local_ids,
        duplicates=duplicates,
        generated_on=today,
    )


def _with_nhs_number(town: Town, mother: str | None, seed: int) -> tuple[DemoAdult, ...]:
    """The adults, the expectant mother (if any) with her NHS number recorded."""
    taken = {child.nhs_number for child in town.children}
    rng = random.Random(f"adult-nhs-numbers:{seed}")
    return tuple(
        replace(adult, nhs_number=allocate_nhs_number(rng, taken)) if adult.key == mother else adult
        for adult in town.adults
    )


def _persona(spec: PersonaSpec) -> DemoPersona:
    """Build a persona, giving them a mailbox under their organisation's reserved domain."""
    host = next(org.mail_host for org in ORGANISATIONS if org.key == spec.organisation_key)
    return DemoPersona(
        key=spec.key,
        given_name=spec.given_name,
        family_name=spec.family_name,
        email=f"{spec.mailbox}@{host}.{EMAIL_DOMAIN}",
        job_title=spec.job_title,
        organisation_key=spec.organisation_key,
        roles=spec.roles,
    )
