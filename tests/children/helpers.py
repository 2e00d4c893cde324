"""Children written straight into the test transaction, as agencies' systems would record them."""

import uuid
from datetime import date

from sqlalchemy.orm import Session

from jigsaw.access import facts
from jigsaw.access.actor import Actor
from jigsaw.access.models import InvolvementRole
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.children import index
from jigsaw.children.models import (
    Address,
    Adult,
    Child,
    ChildAddress,
    ChildIdentifier,
    ChildName,
    ChildRelationship,
    IdentifierScheme,
    NameKind,
    RelationshipKind,
    Sex,
)
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching.identifiers import nhs_check_digit
from tests.demo_world import DemoWorld


def actor(uow: UnitOfWork, world: DemoWorld, persona: str) -> Actor:
    """The actor of a demo persona, as signing in would make it."""
    with uow:
        user = uow.session.get(User, world.id(f"persona:{persona}"))
        assert user is not None
        return accounts.user_actor(user)


def add_address(
    session: Session, *, line1: str = "1 Mill Lane", postcode: str = "EM1 1AA"
) -> uuid.UUID:
    address = Address(id=uuid.uuid4(), line1=line1, line2=None, town="Eastmoor", postcode=postcode)
    session.add(address)
    session.flush()
    return address.id


def add_child(
    session: Session,
    *,
    given: str,
    family: str,
    born: date | None,
    sex: Sex = Sex.FEMALE,
    nhs_number: str | None = None,
    upn: tuple[str, uuid.UUID] | None = None,
    local_ids: tuple[tuple[str, uuid.UUID], ...] = (),
    address_id: uuid.UUID | None = None,
    involved: tuple[tuple[uuid.UUID, uuid.UUID | None, InvolvementRole], ...] = (),
) -> uuid.UUID:
    """A child with a legal name, identifiers, a current address and involvements, indexed."""
    child = Child(id=uuid.uuid4(), date_of_birth=born, sex=sex, created_at=clock.now())
    session.add(child)
    session.flush()
    session.add(
        ChildName(
            id=uuid.uuid4(),
            child_id=child.id,
            kind=NameKind.LEGAL,
            given_names=given,
            family_name=family,
        )
    )
    identifiers: list[tuple[IdentifierScheme, str, uuid.UUID | None]] = []
    if nhs_number:
        identifiers.append((IdentifierScheme.NHS_NUMBER, nhs_number, None))
    if upn:
        identifiers.append((IdentifierScheme.UPN, upn[0], upn[1]))
    identifiers += [(IdentifierScheme.LOCAL, value, issuer) for value, issuer in local_ids]
    session.add_all(
        ChildIdentifier(
            id=uuid.uuid4(), child_id=child.id, scheme=scheme, value=value, issuer_id=issuer
        )
        for scheme, value, issuer in identifiers
    )
    if address_id is not None:
        session.add(
            ChildAddress(
                id=uuid.uuid4(),
                child_id=child.id,
                address_id=address_id,
                valid_from=born,
                valid_to=None,
            )
        )
    for organisation_id, user_id, role in involved:
        facts.add_involvement(
            session,
            child_id=child.id,
            organisation_id=organisation_id,
            user_id=user_id,
            role=role,
            today=clock.today(),
        )
    index.reindex(session, [child.id])
    return child.id


def add_parent(
    session: Session,
    child_ids: list[uuid.UUID],
    *,
    nhs_number: str | None = None,
    address_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """An adult recorded as the parent of these children."""
    adult = Adult(
        id=uuid.uuid4(),
        given_names="Kerry",
        family_name="Marsh",
        date_of_birth=date(1990, 5, 1),
        sex=Sex.FEMALE,
        nhs_number=nhs_number,
        address_id=address_id,
        created_at=clock.now(),
    )
    session.add(adult)
    session.flush()
    session.add_all(
        ChildRelationship(
            id=uuid.uuid4(), child_id=child_id, kind=RelationshipKind.PARENT, adult_id=adult.id
        )
        for child_id in child_ids
    )
    session.flush()
    return adult.id


def nhs_number(seed: int) -> str:
    """A valid NHS number (modulus 11) made from a small seed, distinct per seed."""
    for prefix in range(900_000_000 + seed * 10, 900_000_000 + seed * 10 + 10):
        check = nhs_check_digit(str(prefix))
        if check is not None:
            return f"{prefix}{check}"
    raise AssertionError("no valid NHS number near this seed")
