"""Entries written before the chain existed are numbered and hashed into it by migration 0002."""

import uuid
from datetime import UTC, datetime

from alembic import command
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, bindparam, text
from sqlalchemy.types import Uuid

from jigsaw import audit, migrations
from jigsaw.core.db import UtcDateTime, make_session_factory
from jigsaw.core.uow import UnitOfWork
from tests.audit.conftest import write_entries

OLD_ENTRY = text(
    "INSERT INTO audit_events (id, occurred_at, actor_kind, actor_purpose, action, "
    "subject_type, subject_id) VALUES (:id, :at, 'system', 'cli:demo', :action, :type, :subject)"
).bindparams(
    bindparam("id", type_=Uuid()),
    bindparam("at", type_=UtcDateTime()),
    bindparam("subject", type_=Uuid()),
)


def test_entries_from_before_the_chain_verify_after_it(empty_database: Engine) -> None:
    migrations.upgrade(empty_database, "0001")
    child_id = uuid.uuid4()
    old = [
        ("organisation:registered", "organisation", uuid.uuid4()),
        ("child:recorded", "child", child_id),
        ("user:created", "user", None),
    ]
    with empty_database.begin() as connection:
        for second, (action, kind, subject) in enumerate(old):
            at = datetime(2026, 11, 1, 9, 0, second, tzinfo=UTC)
            values = {"id": uuid.uuid4(), "at": at, "action": action, "type": kind}
            connection.execute(OLD_ENTRY, {**values, "subject": subject})
    migrations.upgrade(empty_database)

    uow = UnitOfWork(make_session_factory(empty_database))
    write_entries(uow, 2)  # the chain carries on from the old entries
    with uow:
        entries = audit.list_accesses_to_child(uow, child_id)
        result = audit.verify_log(uow, Ed25519PrivateKey.generate().public_key())
    assert [(e.seq, e.action) for e in entries] == [(2, "child:recorded")]
    assert (result.ok, result.entries) == (True, 5)


def test_downgrading_keeps_the_entries(empty_database: Engine) -> None:
    migrations.upgrade(empty_database)
    write_entries(UnitOfWork(make_session_factory(empty_database)), 2)
    command.downgrade(migrations.alembic_config(empty_database), "0001")
    with empty_database.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
    assert count == 2
