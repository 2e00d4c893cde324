"""Alembic environment: runs migrations on the engine handed over by jigsaw.migrations."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Engine

from jigsaw.core.db import ENUM_LENGTH, StrEnumValue, UtcDateTime
from jigsaw.migrations.metadata import metadata


def render_item(
    type_: str,
    obj: Any,
    autogen_context: AutogenContext,  # noqa: ARG001
) -> str | Literal[False]:
    """Write Jigsaw's column types into migrations as the plain types they store."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, StrEnumValue):
        return f"sa.String(length={ENUM_LENGTH})"
    return False


def run_migrations() -> None:
    """Run the migrations on the configured engine, in batch mode for SQLite."""
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations with `jigsaw db upgrade`, which supplies the engine")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
