"""`jigsaw demo`: migrate, load the synthetic partnership once, write rosters, show personas."""

import pyotp
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.config import Environment, get_settings, read_or_create_secret
from jigsaw.core import clock, encryption
from jigsaw.core.db import make_session_factory, open_engine
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.concerns import load_concerns
from jigsaw.demo.consultations import load_consultations
from jigsaw.demo.events import load_events
from jigsaw.demo.generator import DemoPartnership, generate_partnership
from jigsaw.demo.loader import LOAD_STEPS, load_partnership, persona_authenticator_keys
from jigsaw.demo.mash import load_mash
from jigsaw.demo.rosters import write_rosters
from jigsaw.demo.stories import load_stories
from jigsaw.guidance.library import FlowLibrary
from jigsaw.web.server import default_port, run_server

# Wide enough that emails are never cut, even when output is not a terminal.
console = Console(width=max(Console().width, 132))
DEFAULT_SEED = 2026


def demo(
    seed: int = typer.Option(DEFAULT_SEED, help="Seed of the synthetic partnership."),
    children: int = typer.Option(2000, min=1, help="How many children to generate."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve after loading."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(None, help="Port to listen on (default: $PORT or 8000)."),
) -> None:
    """Set up a demo: migrate, load synthetic data (once), list the personas, serve."""
    settings = get_settings()
    if settings.environment is Environment.PRODUCTION:
        console.print("[red]Refusing to load demo data into a production deployment.[/red]")
        raise typer.Exit(code=2)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    encryption.install(encryption.keyring_from_settings(settings))
    partnership = generate_partnership(seed=seed, children=children, today=clock.today())
    password = read_or_create_secret(settings.data_dir / "demo_password", nbytes=12)
    with (
        open_engine(settings.sqlalchemy_url) as engine,
        Progress(console=console, transient=True) as progress,
    ):
        migrations.upgrade(engine)
        task = progress.add_task("Loading the demo partnership", total=len(LOAD_STEPS))
        result = load_partnership(
            UnitOfWork(make_session_factory(engine)),
            Actor.system("cli:demo"),
            partnership=partnership,
            password=password,
            secret_key=settings.secret("secret_key"),
            on_step=lambda _name: progress.advance(task),
        )
        if result.created:
            flows = FlowLibrary.load(settings.data_dir / "guidance")
            concerns = load_concerns(UnitOfWork(make_session_factory(engine)), partnership,
                                     flows, today=clock.today())  # fmt: skip
            console.print(f"Raised {concerns} demo concerns, each with its guided decision.")
            contacts = load_mash(UnitOfWork(make_session_factory(engine)), partnership, flows,
                                 now=clock.now())  # fmt: skip
            console.print(f"Shared {contacts} more with the MASH over the last five weeks and "
                          "worked them there: partner checks, decisions, feedback.")  # fmt: skip
            talks = load_consultations(UnitOfWork(make_session_factory(engine)), partnership,
                                       now=clock.now())  # fmt: skip
            console.print(f"Asked the consultation line {talks} times: waiting, advised, "
                          "logged from calls, one made into a referral.")  # fmt: skip
            events = load_events(UnitOfWork(make_session_factory(engine)), partnership,
                                 now=clock.now())  # fmt: skip
            console.print(f"Posted {events:,} events from the agencies' systems: three years "
                          "for a few children, and an alert from each rule.")  # fmt: skip
            stories = load_stories(UnitOfWork(make_session_factory(engine)), partnership,
                                   now=clock.now())  # fmt: skip
            console.print(f"Told {stories} stories of sharing: most published, one waiting for "
                          "the moderator, one the anonymisation check blocked.")  # fmt: skip
        keys = persona_authenticator_keys(
            UnitOfWork(make_session_factory(engine)),
            partnership=partnership,
            secret_key=settings.secret("secret_key"),
        )
    verb = "Loaded" if result.created else "Already loaded"
    console.print(
        f"{verb}: {result.organisations} organisations, {result.personas} personas, "
        f"{result.children:,} children and {result.duplicates} duplicate records (seed {seed})."
    )
    rosters = settings.data_dir / "demo" / "rosters"
    written = write_rosters(partnership, rosters)
    console.print(
        f"Each organisation's roster, to link to the index: {len(written)} files in {rosters}/"
    )
    _print_personas(partnership, password, keys)
    if serve:
        chosen = port or default_port()
        console.print(f"\nJigsaw is running at [bold]http://{host}:{chosen}[/bold] (Ctrl+C stops).")
        run_server(host=host, port=chosen)


def _print_personas(partnership: DemoPartnership, password: str, keys: dict[str, str]) -> None:
    table = Table(title="Demo personas: sign in with the email and the demo password")
    table.add_column("Email", no_wrap=True)
    table.add_column("Who")
    table.add_column("Roles")
    for organisation in partnership.organisations:
        staff = [p for p in partnership.personas if p.organisation_key == organisation.key]
        if not staff:
            continue
        table.add_section()
        table.add_row(f"[bold]{organisation.name}[/bold]", "", "")
        for persona in staff:
            table.add_row(
                persona.email,
                f"{persona.given_name} {persona.family_name}, {persona.job_title}",
                ", ".join(role.replace("_", " ") for role in persona.roles),
            )
    console.print(table)
    console.print(
        f"Demo password for every persona: [bold]{password}[/bold]\n"
        f"(kept in {get_settings().data_dir / 'demo_password'}; synthetic people only).\n"
        "Two-factor: add a persona's key below to an authenticator app, or get the current\n"
        "code with [bold].venv/bin/jigsaw demo-code EMAIL[/bold]."
    )
    for email, key in keys.items():
        console.print(f"  {email:<52} {key}")


def demo_code(email: str = typer.Argument(help="A demo persona's email address.")) -> None:
    """Print a demo persona's current two-factor code (demo data only, never production)."""
    settings = get_settings()
    if settings.environment is Environment.PRODUCTION:
        console.print("[red]Demo codes are not available in production.[/red]")
        raise typer.Exit(code=2)
    partnership = generate_partnership(seed=DEFAULT_SEED, children=0, today=clock.today())
    with open_engine(settings.sqlalchemy_url) as engine:
        keys = persona_authenticator_keys(
            UnitOfWork(make_session_factory(engine)),
            partnership=partnership,
            secret_key=settings.secret("secret_key"),
        )
    if email.strip().lower() not in keys:
        console.print("That is not a demo persona's email address. Run `make demo` to list them.")
        raise typer.Exit(code=1)
    console.print(pyotp.TOTP(keys[email.strip().lower()]).now())
