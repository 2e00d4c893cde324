from datetime import date

import pytest
from sqlalchemy import func, select

from jigsaw import accounts, audit, children
from jigsaw.access.actor import Actor
from jigsaw.access.models import Involvement
from jigsaw.accounts.passwords import password_matches
from jigsaw.children import index
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo import DemoPartnership, generate_partnership
from jigsaw.demo.keys import Ids
from jigsaw.demo.loader import demo_id, load_partnership

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def partnership() -> DemoPartnership:
    # Enough children for a duplicate (one in a hundred), an alias and an unborn child's plan.
    loaded = generate_partnership(seed=11, children=150, today=date(2026, 11, 1))
    assert loaded.duplicates
    assert loaded.casework.unborn_plans
    return loaded


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
    duplicates = partnership.duplicates
    assert count(uow, accounts.Organisation) == len(partnership.organisations)
    assert count(uow, accounts.User) == len(partnership.personas)
    assert count(uow, children.Child) == len(partnership.children) + len(duplicates)
    assert count(uow, children.Adult) == len(partnership.adults)
    assert count(uow, children.ChildRelationship) == len(partnership.relationships)
    with_upn = sum(1 for child in partnership.children if child.upn)
    with_nhs_number = len(partnership.children) + sum(1 for d in duplicates if d.nhs_number)
    local = len(partnership.local_identifiers) + len(duplicates)
    assert count(uow, children.ChildIdentifier) == with_nhs_number + with_upn + local
    aliases = sum(len(child.aliases) for child in partnership.children)
    assert aliases
    with uow:
        loaded_aliases = uow.session.scalar(
            select(func.count()).where(children.ChildName.kind == children.NameKind.ALIAS)
        )
    assert loaded_aliases == aliases


def test_every_child_written_is_audited_in_the_same_load(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    load(uow, partnership)
    with uow:
        rows = uow.session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == "child:recorded")
        ).all()
    keys = [child.key for child in partnership.children]
    keys += [duplicate.key for duplicate in partnership.duplicates]
    assert {row.subject_id for row in rows} == {demo_id(partnership.seed, key) for key in keys}
    assert {row.actor_purpose for row in rows} == {"test:demo"}


def test_a_second_load_changes_nothing(uow: UnitOfWork, partnership: DemoPartnership) -> None:
    assert load(uow, partnership)
    audit_rows = count(uow, audit.AuditEvent)
    identifiers = count(uow, children.ChildIdentifier)
    assert not load(uow, partnership)
    assert count(uow, children.Child) == len(partnership.children) + len(partnership.duplicates)
    assert count(uow, children.ChildIdentifier) == identifiers
    assert count(uow, children.ChildFlag) == (
        len(partnership.casework.flags) + len(partnership.casework.unborn_plans)
    )
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


def test_agencies_local_ids_are_held_against_the_issuing_organisation(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    load(uow, partnership)
    ids = Ids(partnership.seed)
    with uow:
        rows = uow.session.execute(
            select(
                children.ChildIdentifier.child_id,
                children.ChildIdentifier.issuer_id,
                children.ChildIdentifier.value,
            ).where(children.ChildIdentifier.scheme == children.IdentifierScheme.LOCAL)
        ).all()
    held = {(row.child_id, row.issuer_id): row.value for row in rows}
    for identifier in partnership.local_identifiers:
        key = (ids(identifier.child_key), ids(identifier.organisation_key))
        assert held[key] == identifier.value
    council = ids("org:la")
    assert any(value.startswith("LCS-") for (_, issuer), value in held.items() if issuer == council)


def test_a_duplicate_is_a_second_child_in_the_index_with_its_agencys_details(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    load(uow, partnership)
    ids = Ids(partnership.seed)
    duplicate = partnership.duplicates[0]
    with uow:
        records = index.indexed_records(
            uow.session, [ids(duplicate.key), ids(duplicate.original_key)]
        )
        involved = uow.session.scalars(
            select(Involvement.organisation_id).where(Involvement.child_id == ids(duplicate.key))
        ).all()
        local = uow.session.scalars(
            select(children.ChildIdentifier.value).where(
                children.ChildIdentifier.child_id == ids(duplicate.key),
                children.ChildIdentifier.issuer_id == ids(duplicate.organisation_key),
            )
        ).all()
    record, original = records[ids(duplicate.key)], records[ids(duplicate.original_key)]
    assert (record.given_names, record.family_name) == (
        duplicate.given_names,
        duplicate.family_name,
    )
    assert record != original
    assert involved == [ids(duplicate.organisation_key)]
    assert local == [duplicate.local_id]


def test_the_index_agrees_with_the_records_it_was_built_from(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    """Loading indexes each child as reindexing them from their record would."""
    load(uow, partnership)
    with uow:
        child_ids = list(uow.session.scalars(select(children.Child.id)))
        assert index.indexed_records(uow.session, child_ids) == index.records_from_child_tables(
            uow.session, child_ids
        )


def test_the_unborn_childs_plan_is_held_against_the_expectant_mother(
    uow: UnitOfWork, partnership: DemoPartnership
) -> None:
    load(uow, partnership)
    [plan] = partnership.casework.unborn_plans
    ids = Ids(partnership.seed)
    with uow:
        [flag] = uow.session.scalars(
            select(children.ChildFlag).where(
                children.ChildFlag.kind == children.FlagKind.UNBORN_CHILD_PROTECTION_PLAN
            )
        ).all()
        mother = uow.session.get(children.Adult, flag.expectant_parent_id)
        assert mother is not None
        assert flag.child_id is None
        assert flag.due_on == plan.due_on
        assert flag.recorded_by_id == ids("org:la")
        assert mother.id == ids(plan.expectant_parent_key)
        assert mother.nhs_number is not None
        assert children.nhs_number_is_valid(mother.nhs_number)
