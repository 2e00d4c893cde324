"""`jigsaw children`: look after the child index from the command line."""

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jigsaw.access.actor import Actor
from jigsaw.children.duplicates import find_duplicates as find
from jigsaw.config import get_settings
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.core.uow import UnitOfWork

app = typer.Typer(help="The child index: duplicates.", no_args_is_help=True)
console = Console()


@app.command("find-duplicates")
def find_duplicates() -> None:
    """Queue likely duplicate children for review by those who merge them (never merges)."""
    settings = get_settings()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        open_engine(settings.sqlalchemy_url) as engine,
        Progress(*columns, console=console, transient=True) as progress,
    ):
        task = progress.add_task("Comparing children", total=None)
        uow = UnitOfWork(make_session_factory(engine))
        result = find(
            uow,
            Actor.system("cli:find-duplicates"),
            progress=lambda done, total: progress.update(task, advance=done, total=total),
        )
    console.print(
        f"Compared {result.children:,} children ({result.pairs:,} pairs sharing a key): "
        f"{result.queued:,} likely duplicates queued for review."
    )
