"""A seeded generator of a synthetic safeguarding partnership in one fictional local authority.

Pure: no database and no I/O. Everything is drawn from one ``random.Random(seed)``, so the
same arguments always give the same partnership. Keys are short stable strings ("org:school-1",
"child:00017") that the loader turns into UUIDs. Later generators (concerns, referrals, events)
take a ``DemoPartnership`` and add to it rather than changing what is here.
"""

import random
from datetime import date

from jigsaw.demo.casework import generate_casework
from jigsaw.demo.households import Town
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
    return DemoPartnership(
        seed=seed,
        local_authority_name=LOCAL_AUTHORITY_NAME,
        organisations=tuple(
            DemoOrganisation(
                spec.key, spec.name, spec.kind, spec.identifier_scheme, spec.identifier
            )
            for spec in ORGANISATIONS
        ),
        personas=tuple(_persona(spec) for spec in PERSONAS),
        addresses=tuple(town.addresses),
        adults=tuple(town.adults),
        children=tuple(town.children),
        relationships=tuple(town.relationships),
        casework=generate_casework(tuple(town.children), seed=seed, today=today),
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
