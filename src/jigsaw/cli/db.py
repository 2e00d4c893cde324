"""`jigsaw db`: upgrade the schema and check that models and migrations agree."""

from contextlib import AbstractContextManager

import typer
from rich.console import Console
from sqlalchemy import Engine

from jigsaw import migrations
from jigsaw.config import get_settings
from jigsaw.core.db import open_engine

app = typer.Typer(help="Database schema: upgrade and check.", no_args_is_help=True)
console = Console()


@app.command()
def upgrade() -> None:
    """Upgrade the configured database to the newest migration."""
    with _configured_engine() as engine:
        migrations.upgrade(engine)
    console.print(f"Database upgraded to [bold]{migrations.head_revision()}[/bold].")


@app.command()
def check() -> None:
    """Check that the migrations build exactly the schema the models declare.

    Migrates a scratch SQLite database to head and compares; then, if the configured
    database has been migrated, checks it is at head and matches the models too.
    """
    with open_engine("sqlite://") as scratch:
        migrations.upgrade(scratch)
        problems = [f"scratch database: {d}" for d in migrations.schema_differences(scratch)]
    with _configured_engine() as engine:
        problems += _check_configured(engine)
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/red] {problem}")
        raise typer.Exit(code=1)
    console.print(
        f"[green]✓[/green] Models and migrations agree (head {migrations.head_revision()})."
    )


def _check_configured(engine: Engine) -> list[str]:
    current = migrations.current_revision(engine)
    if current is None:
        console.print("The configured database has not been migrated yet (`jigsaw db upgrade`).")
        return []
    if current != migrations.head_revision():
        return [f"configured database is at {current}: run `jigsaw db upgrade`"]
    return [f"configured database: {d}" for d in migrations.schema_differences(engine)]


def _configured_engine() -> AbstractContextManager[Engine]:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_engine(settings.sqlalchemy_url)
