"""Migrations upgrade an empty database to head on both engines, and match the models."""

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect, make_url, text

from jigsaw import migrations
from jigsaw.core.db import is_sqlite, make_engine

EXPECTED_TABLES = {
    "addresses",
    "adults",
    "alembic_version",
    "audit_events",
    "child_addresses",
    "child_identifiers",
    "child_names",
    "child_relationships",
    "children",
    "organisations",
    "role_grants",
    "users",
}


@pytest.fixture
def empty_database(database_url: str) -> Iterator[Engine]:
    """A brand-new, empty database on this run's engine."""
    if is_sqlite(database_url):
        engine = make_engine("sqlite://")
        yield engine
        engine.dispose()
        return
    name = f"jigsaw_test_empty_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(database_url).set(database=name).render_as_string(False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def test_an_empty_database_upgrades_to_head(empty_database: Engine) -> None:
    assert migrations.current_revision(empty_database) is None
    assert not migrations.is_at_head(empty_database)

    migrations.upgrade(empty_database)

    assert migrations.is_at_head(empty_database)
    assert set(inspect(empty_database).get_table_names()) == EXPECTED_TABLES


def test_the_migrated_schema_matches_the_models(empty_database: Engine) -> None:
    migrations.upgrade(empty_database)
    assert migrations.schema_differences(empty_database) == []


def test_upgrading_twice_changes_nothing(empty_database: Engine) -> None:
    migrations.upgrade(empty_database)
    migrations.upgrade(empty_database)
    assert migrations.is_at_head(empty_database)


def test_there_is_a_single_head() -> None:
    assert migrations.head_revision() is not None
