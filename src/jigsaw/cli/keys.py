"""`jigsaw keys`: rotate the keys that encrypt narratives at rest, and show which are in use."""

from collections.abc import Callable
from dataclasses import dataclass

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.config import Settings, get_settings
from jigsaw.core import keyring as keyfile
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.core.encryption import Keyring, KeyringError, install, keyring_from_settings
from jigsaw.core.rotation import (
    ColumnUsage,
    RotationReport,
    RotationStopped,
    key_usage,
    rotate,
)
from jigsaw.core.uow import UnitOfWork

# Imported for its side effect: every models module registers its encrypted columns.
from jigsaw.migrations.metadata import MODEL_MODULES  # noqa: F401

app = typer.Typer(help="Encryption keys at rest: rotate, status, generate.", no_args_is_help=True)
console = Console()
ACTOR_PURPOSE = "cli:keys-rotate"


@dataclass(frozen=True, slots=True)
class RotationOutcome:
    """A finished rotation, and what became of the keys it left unused."""

    report: RotationReport
    from_configuration: bool
    dropped: tuple[str, ...]


def rotate_keys(
    settings: Settings,
    uow: UnitOfWork,
    *,
    batch_size: int,
    progress: Callable[[int, int], None] | None = None,
) -> RotationOutcome:
    """Re-encrypt every value under a new primary key (or the configured one), audited.

    With keys in the data dir, a new key is added first and the keys no value uses are
    removed only after every batch committed. With keys in configuration, the operator
    removes them: they are reported, not dropped.

    Raises:
        KeyringError: the configured keys or the key file are malformed.
        RotationStopped: a value could not be decrypted; the run stopped (audited).
    """
    from_configuration = settings.encryption_keys is not None
    path = keyfile.key_file_path(settings)
    keyring = (
        keyring_from_settings(settings) if from_configuration else keyfile.add_primary_key(path)
    )
    install(keyring)
    actor = Actor.system(ACTOR_PURPOSE)
    try:
        report = rotate(uow, keyring, batch_size=batch_size, progress=progress)
    except RotationStopped:
        _audit(uow, actor, "keys:rotation_stopped")
        raise
    _audit(uow, actor, "keys:rotated")
    dropped: tuple[str, ...] = ()
    if not from_configuration and report.unused_key_ids:
        install(keyfile.drop_keys(path, report.unused_key_ids))
        dropped = report.unused_key_ids
    return RotationOutcome(report, from_configuration, dropped)


def _audit(uow: UnitOfWork, actor: Actor, action: str) -> None:
    # Identifiers only: the counts are printed, and no value is ever part of the entry.
    with uow:
        audit.record(uow, actor, action, subject_type="encryption_keys", subject_id=None)
        uow.commit()


@app.command(name="rotate")
def rotate_command(
    batch_size: int = typer.Option(500, min=1, help="Rows re-encrypted per transaction."),
) -> None:
    """Re-encrypt every encrypted value under a new key, then retire the keys left unused.

    Stop the server and jobs first, and start them after: a running process keeps the keys it started with.

    Backups taken before this need the keys they were made with: keep a copy of the key file with them.

    With JIGSAW_ENCRYPTION_KEYS, put the new key first there, then run this; it lists the keys no value uses any more, for you to remove.
    """  # noqa: E501 - one line per paragraph, so that --help wraps it to the terminal
    settings = get_settings()
    columns = (TextColumn("Re-encrypting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    bar = Progress(*columns, console=console, transient=True, disable=not console.is_terminal)
    try:
        with open_engine(settings.sqlalchemy_url) as engine, bar as progress:
            task = progress.add_task("rotate", total=None)
            outcome = rotate_keys(
                settings,
                UnitOfWork(make_session_factory(engine)),
                batch_size=batch_size,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except (KeyringError, RotationStopped) as error:
        console.print(f"[red]✗[/red] Key rotation stopped: {error}", soft_wrap=True)
        raise typer.Exit(code=1) from error
    _print_outcome(outcome)


def _print_outcome(outcome: RotationOutcome) -> None:
    report = outcome.report
    console.print(
        f"[green]✓[/green] {report.reencrypted_total:,} of {report.examined:,} values "
        f"re-encrypted under key {report.primary_id}.",
        soft_wrap=True,
    )
    if outcome.dropped:
        console.print(f"Removed keys no value uses any more: {', '.join(outcome.dropped)}.")
    elif outcome.from_configuration and report.unused_key_ids:
        console.print(
            "No value uses these keys any more; remove them from JIGSAW_ENCRYPTION_KEYS: "
            f"{', '.join(report.unused_key_ids)}.",
            soft_wrap=True,
        )


@app.command()
def status() -> None:
    """List the keys (the primary encrypts new values) and how many values each encrypts."""
    settings = get_settings()
    try:
        keyring = keyring_from_settings(settings)
    except KeyringError as error:
        console.print(f"[red]✗[/red] {error}", soft_wrap=True)
        raise typer.Exit(code=1) from error
    with open_engine(settings.sqlalchemy_url) as engine:
        usage = key_usage(UnitOfWork(make_session_factory(engine)), keyring)
    source = (
        "JIGSAW_ENCRYPTION_KEYS"
        if settings.encryption_keys is not None
        else str(keyfile.key_file_path(settings))
    )
    console.print(f"Keys from {source}; primary: {keyring.primary_id}.", soft_wrap=True)
    console.print(_usage_table(keyring, usage))


def _usage_table(keyring: Keyring, usage: tuple[ColumnUsage, ...]) -> Table:
    table = Table(title="Values encrypted under each key")
    table.add_column("Column", no_wrap=True)
    for key_id in keyring.ids:
        heading = f"{key_id} (primary)" if key_id == keyring.primary_id else key_id
        table.add_column(heading, justify="right")
    table.add_column("Under a key not listed", justify="right")
    for column_usage in usage:
        counts = [column_usage.by_key[key_id] for key_id in keyring.ids] + [column_usage.other]
        table.add_row(column_usage.label, *(f"{count:,}" for count in counts))
    return table


@app.command()
def generate() -> None:
    """Print a new key as a JIGSAW_ENCRYPTION_KEYS entry ("id:base64key"), for configuration.

    Put it first in JIGSAW_ENCRYPTION_KEYS, keep the old keys after it, restart, then run
    `jigsaw keys rotate`.
    """
    typer.echo(keyfile.format_configured_keys(Keyring.generate()))
