"""Audit fixtures: actors, signing keys, a committed scratch database, and tampering."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from jigsaw import audit, migrations
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.core.db import is_sqlite
from jigsaw.core.uow import UnitOfWork

SOCIAL_WORKER = Actor(
    kind=ActorKind.USER,
    id=uuid.uuid4(),
    organisation_id=uuid.uuid4(),
    agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
    roles=frozenset({Role.SOCIAL_WORKER}),
)
SYSTEM = Actor.system("test:audit")

Tamper = Callable[..., None]


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    """This deployment's checkpoint key."""
    return Ed25519PrivateKey.generate()


def head_seq(uow: UnitOfWork) -> int:
    """Where the chain stands: tests never assume it starts at 0."""
    with uow:
        return int(uow.session.scalars(text("SELECT seq FROM audit_chain_head")).one())


def write_entries(uow: UnitOfWork, count: int, *, actor: Actor = SOCIAL_WORKER) -> list[int]:
    """Commit ``count`` entries, one transaction each; return their seqs."""
    first = head_seq(uow) + 1
    for _ in range(count):
        with uow:
            audit.record(uow, actor, "child:viewed", subject_type="child", subject_id=uuid.uuid4())
            uow.commit()
    return list(range(first, first + count))


@pytest.fixture
def tamper(uow: UnitOfWork, database_url: str) -> Tamper:
    """Run SQL on the audit tables as someone with direct database access would.

    On PostgreSQL that needs the table owner to switch the append-only triggers off;
    the test's outer transaction rolls that back with everything else.
    """

    def run(sql: str, params: dict[str, Any] | None = None) -> None:
        with uow:
            if not is_sqlite(database_url):
                for table in ("audit_events", "audit_checkpoints", "audit_chain_head"):
                    uow.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            uow.session.execute(text(sql), params or {})
            uow.commit()

    return run


@pytest.fixture
def scratch_engine(empty_database: Engine) -> Engine:
    """A committed database of its own, migrated to head."""
    migrations.upgrade(empty_database)
    return empty_database
