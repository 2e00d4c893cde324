"""`jigsaw audit`: verify the log, sign a checkpoint now, show the checkpoint public key."""

from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from jigsaw.access.actor import Actor
from jigsaw.audit import keys, services
from jigsaw.audit.parallel import verify_database
from jigsaw.config import Settings, get_settings
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.core.uow import UnitOfWork

app = typer.Typer(help="The audit log: verify it, sign checkpoints.", no_args_is_help=True)
console = Console()

PublicKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--public-key",
        exists=True,
        dir_okay=False,
        help="PEM public key to check signatures with (default: the configured signing key's).",
    ),
]


@app.command()
def verify(
    public_key: PublicKeyOption = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes to check with (default: one per core).")
    ] = None,
) -> None:
    """Check every entry's hash and link, the chain head and every signed checkpoint.

    Exits 1, naming the first bad entry, if any entry was altered, deleted, inserted or
    reordered, or a checkpoint forged.
    """
    settings = get_settings()
    key = _public_key(settings, public_key)
    columns = (TextColumn("Verifying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # A bar on a terminal only: logs and pipes get the outcome alone.
    bar = Progress(*columns, console=console, transient=True, disable=not console.is_terminal)
    with bar as progress:
        task = progress.add_task("verify", total=None)
        result = verify_database(
            settings.sqlalchemy_url,
            key,
            workers=workers,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if result.problem is not None:
        console.print(
            f"[red]✗[/red] Audit log verification failed at {result.problem}.", soft_wrap=True
        )
        console.print(f"{result.entries:,} entries verified before it.")
        raise typer.Exit(code=1)
    console.print(
        f"[green]✓[/green] {result.entries:,} entries verified, {result.checkpoints:,} checkpoints."
    )


@app.command()
def checkpoint() -> None:
    """Sign the chain as it stands now (jobs also do this periodically)."""
    settings = get_settings()
    signing_key = keys.signing_key(settings)
    with open_engine(settings.sqlalchemy_url) as engine:
        written = services.write_checkpoint(
            UnitOfWork(make_session_factory(engine)),
            Actor.system("cli:audit-checkpoint"),
            key=signing_key,
        )
    console.print(
        f"[green]✓[/green] Checkpoint at entry {written.seq:,} signed with key {written.key_id}.",
        soft_wrap=True,
    )


@app.command(name="public-key")
def show_public_key() -> None:
    """Print the public key that checks checkpoints: keep a copy away from this server."""
    key = keys.signing_key(get_settings()).public_key()
    typer.echo(keys.public_key_pem(key), nl=False)


def _public_key(settings: Settings, path: Path | None) -> Ed25519PublicKey:
    if path is not None:
        return keys.load_public_key(path.read_text(encoding="ascii"))
    return keys.signing_key(settings).public_key()
