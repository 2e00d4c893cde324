"""Alembic environment: runs migrations on the engine handed over by jigsaw.migrations."""

from alembic import context
from sqlalchemy import Engine

from jigsaw.migrations.metadata import metadata, render_item


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
