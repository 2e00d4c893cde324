"""The root Typer app; each area mounts its own sub-app."""

import os
from typing import Annotated

import typer
import uvicorn

from jigsaw import __version__
from jigsaw.cli import db
from jigsaw.demo import cli as demo_cli

app = typer.Typer(
    name="jigsaw",
    help="Jigsaw: safeguarding information sharing between agencies.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.command(name="demo")(demo_cli.demo)

DEFAULT_HOST = "127.0.0.1"


def default_port() -> int:
    """The port to serve on: ``PORT`` if set, else 8000."""
    return int(os.environ.get("PORT", "8000"))


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


def run_server(*, host: str, port: int) -> None:
    """Run the web server until interrupted."""
    uvicorn.run(
        "jigsaw.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )


def main() -> None:
    """Entry point of the `jigsaw` console script."""
    app()
