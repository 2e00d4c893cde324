from datetime import date

import pytest
from sqlalchemy import func, select

from jigsaw import accounts, audit, children
from jigsaw.access.actor import Actor
from jigsaw.accounts.passwords import password_matches
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoPartnership, generate_partnership
from jigsaw.demo.loader import demo_id, load_partnership

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def partnership() -> DemoPartnership:
    return generate_partnership(seed=11, children=60, today=date(2026, 11, 1))


def count(uow: UnitOfWork, model: object) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0  # type: ignore[arg-type]


def load(uow: UnitOfWork, partnership: DemoPartnership) -> bool:
    result = load_partnership(
        uow,
        Actor.system("test:demo"),
        partnership=partnership,
        password=PASSWORD,
        secret_key="test secret key",
    )
    return result.created


def test_loads_every_generated_record(uow: UnitOfWork, partnership: DemoPartnership) -> None:
    assert load(uow, partnership)
    assert count(uow, accounts.Organisation) == len(partnership.organisations)
    assert count(uow, accounts.User) == len(partnership.personas)
    assert count(uow, children.Child) == len(partnership.children)
    assert count(uow, children.Adult) == len(partnership.adults)
    assert count(uow, children.ChildRelationship) == len(partnership.relationships)
    with_upn = sum(1 for child in partnership.children if child.upn)
    assert count(uow, children.ChildIdentifier) == len(partnership.children) + with_upn


def test_every_child_written_is_audited_in_the_same_load(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    load(uow, partnership)
    with uow:
        rows = uow.session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == "child:recorded")
        ).all()
    assert {row.subject_id for row in rows} == {
        demo_id(partnership.seed, child.key) for child in partnership.children
    }
    assert {row.actor_purpose for row in rows} == {"test:demo"}


def test_a_second_load_changes_nothing(uow: UnitOfWork, partnership: DemoPartnership) -> None:
    assert load(uow, partnership)
    audit_rows = count(uow, audit.AuditEvent)
    assert not load(uow, partnership)
    assert count(uow, children.Child) == len(partnership.children)
    assert count(uow, audit.AuditEvent) == audit_rows


def test_personas_can_sign_in_with_the_demo_password_and_hold_their_roles(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    load(uow, partnership)
    persona = partnership.personas[0]
    with uow:
        user = uow.session.get(accounts.User, demo_id(partnership.seed, persona.key))
        assert user is not None
        assert user.email == persona.email
        assert user.password_hash is not None
        assert password_matches(user.password_hash, PASSWORD)
        assert not password_matches(user.password_hash, "wrong password")
        assert user.roles == frozenset(persona.roles)
        assert PASSWORD not in user.password_hash
