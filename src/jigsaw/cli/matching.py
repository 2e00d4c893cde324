"""`jigsaw matching train`: learn the matcher's parameters from the child index with Splink.

Reads the match index (``child_match_records``, one row of identity facts per child) in one
query, trains the mirror Splink model on it with no labels (``matching.training``) and writes
the parameter file the online scorer and the batch linker load (``JIGSAW_MATCHING_MODEL``).
The read is audited as one entry by a system actor; the file holds parameters and the
frequencies of common names only (names held by fewer than ``training.MIN_NAME_COUNT``
children are never listed), no child's record.
"""

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from sqlalchemy import select

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.children.models import ChildMatchRecord
from jigsaw.config import get_settings, normalise_database_url
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching.batch import INDEX_COLUMNS
from jigsaw.matching.training import DEFAULT_SEED, DEFAULT_U_PAIRS, TrainingOptions
from jigsaw.matching.training import train as train_model

app = typer.Typer(
    help="Identity matching: train the model on the child index.", no_args_is_help=True
)
console = Console()

# Fewer children than this give EM too few pairs to learn from.
MINIMUM_RECORDS = 500


@app.command()
def train(
    output: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the model (default: $JIGSAW_MATCHING_MODEL, or "
            "matching_model.json in the data directory)."
        ),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Read this database instead of the configured one.")
    ] = None,
    u_pairs: Annotated[
        float, typer.Option(help="Random pairs sampled to estimate u.")
    ] = DEFAULT_U_PAIRS,
    seed: Annotated[int, typer.Option(help="Seed of the random sampling.")] = DEFAULT_SEED,
) -> None:
    """Train the matching model on the child index and write its parameter file."""
    settings = get_settings()
    url = normalise_database_url(database_url) if database_url else settings.sqlalchemy_url
    target = output or settings.matching_model_path or settings.data_dir / "matching_model.json"
    with console.status("Reading the child index") as status:
        index = _read_index(url)
        if len(index) < MINIMUM_RECORDS:
            console.print(
                f"[red]✗[/red] The index holds {len(index):,} children; training needs at "
                f"least {MINIMUM_RECORDS:,}. The packaged default model stays in use."
            )
            raise typer.Exit(code=1)
        model = train_model(
            [index],
            options=TrainingOptions(u_pairs=u_pairs, seed=seed),
            status=lambda message: status.update(f"{message} ({len(index):,} children)"),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(
        f"[green]✓[/green] Trained on {len(index):,} children; model written to {target}."
    )


def _read_index(url: str) -> pd.DataFrame:
    """Read the match index as a person frame, auditing the read in the same transaction."""
    with open_engine(url) as engine:
        uow = UnitOfWork(make_session_factory(engine))
        with uow:
            rows = uow.session.execute(select(ChildMatchRecord))
            records = [
                {column: getattr(row, column) for column in INDEX_COLUMNS[1:]}
                | {"record_id": str(row.child_id)}
                for row in rows.scalars()
            ]
            audit.record(
                uow,
                Actor.system("cli:matching-train"),
                "matching_model:trained",
                subject_type="matching_model",
                subject_id=None,
            )
            uow.commit()
    return pd.DataFrame(records, columns=list(INDEX_COLUMNS))
