"""`jigsaw db`: upgrade the schema and check that models and migrations agree."""

import typer
from rich.console import Console
from sqlalchemy import Engine

from jigsaw import migrations
from jigsaw.config import get_settings
from jigsaw.core.db import make_engine

app = typer.Typer(help="Database schema: upgrade and check.", no_args_is_help=True)
console = Console()


@app.command()
def upgrade() -> None:
    """Upgrade the configured database to the newest migration."""
    migrations.upgrade(_configured_engine())
    console.print(f"Database upgraded to [bold]{migrations.head_revision()}[/bold].")


@app.command()
def check() -> None:
    """Check that the migrations build exactly the schema the models declare.

    Migrates a scratch SQLite database to head and compares; then, if the configured
    database has been migrated, checks it is at head and matches the models too.
    """
    scratch = make_engine("sqlite://")
    migrations.upgrade(scratch)
    problems = [f"scratch database: {diff}" for diff in migrations.schema_differences(scratch)]
    engine = _configured_engine()
    current = migrations.current_revision(engine)
    if current is None:
        console.print("The configured database has not been migrated yet (`jigsaw db upgrade`).")
    elif current != migrations.head_revision():
        problems.append(f"configured database is at {current}: run `jigsaw db upgrade`")
    else:
        problems += [f"configured database: {d}" for d in migrations.schema_differences(engine)]
    if problems:
        for problem in problems:
            console.print(f"[red]✗[/red] {problem}")
        raise typer.Exit(code=1)
    console.print(
        f"[green]✓[/green] Models and migrations agree (head {migrations.head_revision()})."
    )


def _configured_engine() -> Engine:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.sqlalchemy_url)
