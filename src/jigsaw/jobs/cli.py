"""`jigsaw jobs`: run the periodic jobs, once or until stopped."""

import threading

import typer
from rich.console import Console

from jigsaw.config import get_settings
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.jobs.registry import JOBS
from jigsaw.jobs.worker import Worker

app = typer.Typer(
    help="Background jobs (sending emails, audit checkpoints, finding duplicate children).",
    no_args_is_help=True,
)
console = Console()


@app.command()
def run(once: bool = typer.Option(False, "--once", help="Run what is due, then stop.")) -> None:
    """Run the periodic jobs as they fall due, until Ctrl+C (or once, with --once)."""
    settings = get_settings()
    with open_engine(settings.sqlalchemy_url) as engine:
        worker = Worker(JOBS, make_session_factory(engine), settings)
        if once:
            ran = worker.run_due()
            console.print(f"Ran: {', '.join(ran) or 'nothing was due'}.")
            return
        console.print("Running jobs as they fall due (Ctrl+C stops).")
        try:
            worker.run_until(threading.Event())
        except KeyboardInterrupt:
            console.print("Stopped.")


def worker() -> None:
    """Run the background worker until Ctrl+C: send emails, sign audit checkpoints, and more.

    The same loop the web server runs in-process; run it on its own when
    JIGSAW_JOBS_IN_PROCESS is false, or to send email from a separate process.
    """
    run(once=False)
