"""Schema migrations (Alembic), runnable from code: the CLI, the app and tests use these."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from jigsaw.migrations.metadata import metadata

HERE = Path(__file__).parent


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs against ``engine`` using the packaged scripts."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str | None:
    """The newest migration shipped with this version of Jigsaw."""
    return ScriptDirectory(str(HERE)).get_current_head()


def current_revision(bind: Engine | Connection) -> str | None:
    """The migration the database is at (None when it has never been migrated)."""
    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_at_head(bind: Engine | Connection) -> bool:
    """Whether the database schema is at the newest migration."""
    return current_revision(bind) == head_revision()


def schema_differences(engine: Engine) -> list[Any]:
    """What the models declare that the migrated database lacks (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, metadata))
