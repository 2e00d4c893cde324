"""Rosters built from the demo partnership's children, and counting what a link wrote."""

import csv
import io
import uuid
from datetime import date

from sqlalchemy import func, or_, select

from jigsaw.access.actor import Actor
from jigsaw.access.models import Involvement
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.audit.models import AuditEvent
from jigsaw.children import Child, ChildIdentifier, ChildName, NameKind, Sex, index
from jigsaw.children.models import ChildMatchRecord
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoChild
from jigsaw.linking import LinkReview, LinkRun
from jigsaw.matching import PersonRecord
from tests.demo_world import DemoWorld

COLUMNS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "local_id",
    "sex",
    "postcode",
    "nhs_number",
    "upn",
)
COUNTED = {
    "children": Child,
    "names": ChildName,
    "identifiers": ChildIdentifier,
    "index": ChildMatchRecord,
    "involvements": Involvement,
    "runs": LinkRun,
    "reviews": LinkReview,
    "audit": AuditEvent,
}


def row_for(world: DemoWorld, child: DemoChild, local_id: str | None = None) -> dict[str, str]:
    """A roster row as an agency would hold the child: every field, as the index has it."""
    postcode = next(a.postcode for a in world.partnership.addresses if a.key == child.address_key)
    return {
        "given_names": child.given_names,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "local_id": local_id or "",
        "sex": child.sex,
        "postcode": postcode,
        "nhs_number": child.nhs_number,
        "upn": child.upn or "",
    }


# Not a nickname or spelling of any name the demo gives: a first name that says nothing.
ANOTHER_NAME = "Zephyrine"


def known_by_another_name(
    world: DemoWorld, child: DemoChild, local_id: str = "NEW"
) -> dict[str, str]:
    """The child under another first name, with the same birthday, family and home.

    Always a possible match, never a clear one, whatever the model's weights: it could be a
    twin (the matcher's hard rule), so a person must check.
    """
    return {
        **row_for(world, child, local_id),
        "given_names": ANOTHER_NAME,
        "nhs_number": "",
        "upn": "",
    }


def roster(*rows: dict[str, str]) -> bytes:
    """A roster CSV with the usual columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def counts(uow: UnitOfWork) -> dict[str, int]:
    """How many rows each table a link writes to holds."""
    with uow:
        return {
            name: uow.session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in COUNTED.items()
        }


def actions(uow: UnitOfWork, action: str) -> list[AuditEvent]:
    """The audit entries of one kind, in order, leaving out the demo loader's."""
    with uow:
        query = (
            select(AuditEvent)
            .where(AuditEvent.action == action)
            .where(
                or_(AuditEvent.actor_purpose.is_(None), AuditEvent.actor_purpose != "test:world")
            )
            .order_by(AuditEvent.seq)
        )
        return list(uow.session.scalars(query))


def persona(uow: UnitOfWork, world: DemoWorld, key: str) -> Actor:
    """A demo persona as the actor services see."""
    with uow:
        user = uow.session.get(User, world.id(f"persona:{key}"))
        assert user is not None
        return accounts.user_actor(user)


def pupils(world: DemoWorld, school: str = "org:school-1") -> list[DemoChild]:
    """A school's pupils who are not restricted, in a stable order."""
    restricted = {r.child_key for r in world.partnership.casework.restrictions}
    return [
        c for c in world.partnership.children if c.school_key == school and c.key not in restricted
    ]


def add_indexed_child(uow: UnitOfWork, record: PersonRecord) -> uuid.UUID:
    """A child added straight to the record and the index (a twin, a sibling)."""
    child_id = uuid.uuid4()
    with uow:
        uow.session.add(
            Child(
                id=child_id,
                date_of_birth=record.date_of_birth,
                sex=Sex(record.sex or "unknown"),
                created_at=clock.now(),
            )
        )
        uow.session.add(
            ChildName(
                child_id=child_id,
                kind=NameKind.LEGAL,
                given_names=record.given_names,
                family_name=record.family_name,
            )
        )
        uow.session.flush()
        index.add_to_index(uow.session, [(child_id, record)])
        uow.commit()
    return child_id


def born(text: str) -> date:
    return date.fromisoformat(text)
