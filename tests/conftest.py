"""Shared fixtures: a migrated test database, a rolled-back transaction per test, the app.

SQLite is the default. ``JIGSAW_TEST_DATABASE_URL`` runs the same suite on PostgreSQL.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from jigsaw import migrations
from jigsaw.config import Settings, normalise_database_url
from jigsaw.core import encryption, keyring
from jigsaw.core.db import is_sqlite, make_engine
from jigsaw.core.uow import UnitOfWork
from jigsaw.web.app import create_app

pytest_plugins = ["tests.browser"]  # browser fixtures and assert_accessible
TEST_DATABASE_URL = os.environ.get("JIGSAW_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    """Say which engine this run uses, so CI output shows both runs."""
    if TEST_DATABASE_URL:
        return f"jigsaw database: PostgreSQL ({make_url(TEST_DATABASE_URL).database})"
    return "jigsaw database: SQLite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` skip, with a reason, when no PostgreSQL is configured."""
    del config
    if TEST_DATABASE_URL:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set JIGSAW_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def encryption_keyring() -> Iterator[encryption.Keyring]:
    """One keyring for the whole run, installed and also set as ``JIGSAW_ENCRYPTION_KEYS``.

    Every ``Settings`` a test builds (and so every app) then uses the same keys, whichever
    of the app or the test's data comes first. Tests of the key file unset the variable.
    """
    ring = encryption.Keyring.generate()
    encryption.install(ring)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(keyring.ENV_NAME, keyring.format_configured_keys(ring))
        yield ring


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of this run's test database."""
    if TEST_DATABASE_URL:
        url = normalise_database_url(TEST_DATABASE_URL)
        if "test" not in (make_url(url).database or ""):
            pytest.exit("JIGSAW_TEST_DATABASE_URL must name a database with 'test' in it")
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'jigsaw-test.db'}"


def reset_database(engine: Engine) -> None:
    """Empty a test database so migrations start from nothing."""
    if is_sqlite(str(engine.url)):
        return
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """A database migrated to head by the real migrations."""
    engine = make_engine(database_url)
    reset_database(engine)
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A brand-new, empty database of its own on this run's engine (committed, not rolled back)."""
    if is_sqlite(database_url):
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
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
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions inside an outer transaction that is rolled back after the test.

    ``commit()`` inside a unit of work releases a savepoint, so services behave as in
    production while the test leaves nothing behind.
    """
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield factory
    outer.rollback()
    connection.close()


@pytest.fixture
def uow(session_factory: sessionmaker[Session]) -> UnitOfWork:
    """A unit of work on the rolled-back test transaction."""
    return UnitOfWork(session_factory)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for a test app: a private data dir, the test database."""
    return Settings(data_dir=tmp_path / "var", database_url=database_url, jobs_in_process=False)


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    """The app, on the rolled-back test transaction."""
    return create_app(settings, engine=engine, session_factory=session_factory)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A test client; server errors come back as 500 responses, as users would see them."""
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client
