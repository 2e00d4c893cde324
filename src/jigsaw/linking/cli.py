"""`jigsaw link ROSTER.csv --org ORG`: link an agency's roster to the child index."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.access.actor import Actor
from jigsaw.config import get_settings
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import rules, services
from jigsaw.linking.roster import FORMAT_HELP

console = Console()
ROLES = ", ".join(role.value for role in rules.ROSTER_ROLES)
HELP = "\n\n".join(
    (
        "Link an agency's roster (a school roll, a GP list, a nominal list) to the child index.",
        "Matches record the organisation's involvement with the child (and its local id); "
        "possible matches wait in the organisation's review queue; children no one matches "
        "are reported, or added with --create. A decisions CSV lists every row with its "
        "score and why.",
        FORMAT_HELP,
    )
)


@contextmanager
def open_sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured database for the length of the command."""
    with open_engine(get_settings().sqlalchemy_url) as engine:
        yield make_session_factory(engine)


def link(
    roster: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="The roster, a UTF-8 CSV file.")
    ],
    org: Annotated[
        str, typer.Option("--org", help="The organisation: its name, id, or URN or ODS code.")
    ],
    role: Annotated[
        str | None,
        typer.Option(help=f"How it works with the children ({ROLES}); default by agency kind."),
    ] = None,
    create: Annotated[
        bool, typer.Option("--create", help="Add children no one matches to the index.")
    ] = False,
    decisions: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Where to write the decisions CSV (default: beside it)."),
    ] = None,
) -> None:
    """Link an agency's roster to the child index (see HELP for the file's format)."""
    data = roster.read_bytes()
    out = decisions or roster.with_name(f"{roster.stem}.decisions.csv")
    actor = Actor.system("cli:link")
    columns = (TextColumn("Matching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with open_sessions() as sessions:
        uow = UnitOfWork(sessions)
        try:
            organisation = services.find_organisation(uow, actor, reference=org)
            bar = Progress(*columns, console=console, transient=True,
                           disable=not console.is_terminal)  # fmt: skip
            with bar as progress:
                task = progress.add_task("link", total=max(len(data.splitlines()) - 1, 0))
                outcome = services.link_roster(
                    uow, actor, organisation_id=organisation.id, roster=data, role=role,
                    create=create, progress=lambda done: progress.advance(task, done),
                )  # fmt: skip
        except services.RosterRejected as rejected:
            _refuse(rejected, out)
        except NotFound:
            console.print("[red]No organisation (or more than one) answers to --org.[/red]")
            raise typer.Exit(code=2) from None
        except Invalid as error:
            console.print(f"[red]{'; '.join(error.errors.values())}.[/red] Roles: {ROLES}.")
            raise typer.Exit(code=2) from None
    out.write_text(rules.decisions_csv(outcome.decisions), encoding="utf-8")
    run = outcome.run
    console.print(
        f"[green]✓[/green] Linked {run.rows:,} rows for {organisation.name}: {run.matched:,} "
        f"matched, {run.possible:,} possible matches to check, {run.unmatched:,} not found, "
        f"{run.created:,} added as new children."
    )
    # soft_wrap: the path is printed whole, to be copied.
    console.print(
        f"Decisions written to {out} (personal data: keep it as you keep the roster).",
        soft_wrap=True,
    )


def _refuse(rejected: services.RosterRejected, out: Path) -> NoReturn:
    """List every problem, write them as the decisions file, and stop: nothing was linked."""
    table = Table(title=f"Nothing was linked: {len(rejected.problems):,} problems to fix")
    for column in ("Row", "Column", "Problem"):
        table.add_column(column)
    for problem in rejected.problems:
        row = "file" if problem.row is None else str(problem.row)
        table.add_row(row, problem.column or "", problem.message)
    console.print(table)
    lines = rules.rejected_rows(rejected.problems, rejected.local_ids)
    out.write_text(rules.decisions_csv(lines), encoding="utf-8")
    console.print(f"The problems are also in {out}.", soft_wrap=True)
    raise typer.Exit(code=1)
