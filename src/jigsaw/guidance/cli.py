"""`jigsaw guidance`: check flow files before installing them, and list the flows in use."""

from pathlib import Path
from typing import Annotated

import typer

from jigsaw.config import get_settings
from jigsaw.guidance.flows import FlowError, load_flow
from jigsaw.guidance.library import FlowLibrary, Origin, flow_files

app = typer.Typer(
    help="Guidance flows: check flow files, list the flows in use.", no_args_is_help=True
)


@app.command()
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(exists=True, help="Flow files, or folders of them (*.yaml)."),
    ],
) -> None:
    """Check flow files and print every problem; exits 1 if any file has one."""
    files = [file for path in paths for file in (flow_files(path) if path.is_dir() else [path])]
    broken = 0
    for file in files:
        try:
            flow = load_flow(file, source=str(file))
        except FlowError as error:
            broken += 1
            for problem in error.problems:
                typer.echo(f"✗ {error.source}: {problem}")
            continue
        typer.echo(f"✓ {file}: {flow.id} version {flow.version} ({flow.purpose.value}) is valid")
    if not files:
        typer.echo("No flow files (*.yaml) found.")
        raise typer.Exit(code=1)
    if broken:
        typer.echo(f"{broken} of {len(files)} flow files have problems.")
        raise typer.Exit(code=1)


@app.command(name="list")
def list_flows() -> None:
    """List the flows in use (packaged, or this deployment's own), and any refused files."""
    local_dir = get_settings().data_dir / "guidance"
    library = FlowLibrary.load(local_dir)
    for flow in library.flows():
        entry = library.loaded(flow.id)
        where = "packaged" if entry.origin is Origin.PACKAGED else f"local: {entry.path}"
        if entry.replaces_packaged:
            where += " (replaces the packaged flow)"
        typer.echo(
            f"{flow.id}  version {flow.version}  {flow.purpose.value}  {flow.title}  [{where}]"
        )
    for error in library.problems:
        for problem in error.problems:
            typer.echo(f"✗ {error.source}: {problem} (not in use)")
    typer.echo(f"Local flows are read from {local_dir}.")
