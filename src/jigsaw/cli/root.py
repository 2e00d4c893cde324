"""The root Typer app; each area mounts its own sub-app."""

from typing import Annotated

import typer

from jigsaw import __version__
from jigsaw.audit import cli as audit_cli
from jigsaw.children import cli as children_cli
from jigsaw.cli import db
from jigsaw.cli import keys as keys_cli
from jigsaw.cli import matching as matching_cli
from jigsaw.demo import cli as demo_cli
from jigsaw.guidance import cli as guidance_cli
from jigsaw.jobs import cli as jobs_cli
from jigsaw.linking import cli as linking_cli
from jigsaw.training import cli as training_cli
from jigsaw.web.server import DEFAULT_HOST, default_port, run_server

app = typer.Typer(
    name="jigsaw",
    help="Jigsaw: safeguarding information sharing between agencies.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(matching_cli.app, name="matching")
app.add_typer(audit_cli.app, name="audit")
app.add_typer(jobs_cli.app, name="jobs")
app.add_typer(children_cli.app, name="children")
app.add_typer(guidance_cli.app, name="guidance")
app.add_typer(keys_cli.app, name="keys")
app.add_typer(training_cli.app, name="training")
app.command(name="link", help=linking_cli.HELP)(linking_cli.link)
app.command(name="demo")(demo_cli.demo)
app.command(name="demo-code")(demo_cli.demo_code)
app.command(name="worker")(jobs_cli.worker)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"jigsaw {__version__}")
        raise typer.Exit


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Jigsaw: safeguarding information sharing between agencies."""


@app.command()
def serve(
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on."),
    port: int = typer.Option(None, help="Port to listen on (default: $PORT or 8000)."),
) -> None:
    """Serve Jigsaw's pages and API."""
    run_server(host=host, port=port or default_port())


def main() -> None:
    """Entry point of the `jigsaw` console script."""
    app()
