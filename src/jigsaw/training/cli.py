"""`jigsaw training`: make a training space, load a scenario into it, serve it.

A training space is a whole Jigsaw of its own (database, keys, data directory) marked as
training in its database. Scenarios load only into a marked database: synthetic people
never go into live data.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import pyotp
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError

from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.config import Settings, get_settings, normalise_database_url, read_or_create_secret
from jigsaw.core import clock, encryption
from jigsaw.core.db import is_sqlite, make_session_factory, open_engine
from jigsaw.core.errors import Invalid
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.loader import load_partnership, persona_authenticator_keys
from jigsaw.training import queries, services, spaces
from jigsaw.training.partnership import FACILITATOR, email_of, partnership_of
from jigsaw.training.reading import Scenario, find_scenario, packaged_scenarios, read_scenario
from jigsaw.training.rules import space_name_problem
from jigsaw.web.server import DEFAULT_HOST, default_port, run_server

app = typer.Typer(
    help="Training spaces: synthetic multi-agency scenarios, apart from live data.",
    no_args_is_help=True,
)
console = Console(width=max(Console().width, 132))
ACTOR = Actor.system("cli:training")
Name = Annotated[str, typer.Argument(help="The training space's name, like safeguarding-week.")]
NOT_MARKED = (
    "[red]✗[/red] This database is not marked as a training space. Jigsaw loads synthetic "
    "people only into a training space's own database, never into live data."
)


@app.command()
def create(
    name: Name,
    database_url: Annotated[
        str | None,
        typer.Option(help="An empty PostgreSQL database for the space (default: SQLite in "
                     "<data dir>/training/NAME/)."),
    ] = None,
) -> None:  # fmt: skip
    """Make a training space: its own directory, database and keys, marked as training."""
    base = get_settings()
    if (problem := space_name_problem(name)) is not None:
        _fail(problem)
    if spaces.read_space(base.data_dir, name) is not None:
        _fail(f"A training space called {name} already exists. Load a scenario into it, or "
              f"start again with `jigsaw training reset {name}`.")  # fmt: skip
    url = normalise_database_url(database_url) if database_url else None
    if url is not None and url == base.sqlalchemy_url:
        _fail("That is this deployment's own database. A training space needs a new one.")
    space = spaces.Space(name, spaces.directory_of(base.data_dir, name), url)
    space.directory.mkdir(parents=True, exist_ok=True)
    with _engine(space, base) as (engine, settings):
        if inspect(engine).get_table_names():
            _fail("That database is not empty. A training space needs a new, empty one, so "
                  "that nothing live is mixed with training or mistaken for it.")  # fmt: skip
        _mark(engine, settings, name)
    spaces.write_space(space)
    console.print(f"[green]✓[/green] Made the training space [bold]{name}[/bold] in "
                  f"{space.directory}/. Next: `jigsaw training scenarios`, then "
                  f"`jigsaw training load {name} SCENARIO`.")  # fmt: skip


def _mark(engine: Engine, settings: Settings, name: str) -> None:
    migrations.upgrade(engine)
    encryption.install(encryption.keyring_from_settings(settings))
    services.mark_training_space(UnitOfWork(make_session_factory(engine)), ACTOR, name=name)


@app.command()
def scenarios() -> None:
    """List the packaged scenarios, a line each."""
    table = Table(title="Training scenarios: `jigsaw training load NAME SCENARIO`")
    for column in ("Scenario", "Title", "Agencies", "Steps"):
        table.add_column(column, no_wrap=column == "Scenario")
    for key, scenario in packaged_scenarios().items():
        agencies = ", ".join(a.name for a in scenario.agencies.values())
        table.add_row(key, scenario.title, agencies, str(len(scenario.timeline)))
    console.print(table)


@app.command()
def check(path: Annotated[Path, typer.Argument(help="A scenario file (YAML).")]) -> None:
    """Check a scenario file, naming every problem by its place."""
    try:
        scenario = read_scenario(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        _fail("Cannot read that file as UTF-8 text.")
    except Invalid as error:
        _problems(error)
    console.print(f"[green]✓[/green] {scenario.title}: {len(scenario.participants)} "
                  f"participants, {len(scenario.timeline)} steps.")  # fmt: skip


@app.command()
def load(
    name: Name,
    scenario: Annotated[str, typer.Argument(help="A packaged scenario's name, or a file.")],
) -> None:
    """Load a scenario into a training space and print each participant's sign-in."""
    space, base = _space(name), get_settings()
    try:
        key, found = find_scenario(scenario)
    except Invalid as error:
        _problems(error)
    with _engine(space, base) as (engine, settings):
        migrations.upgrade(engine)
        factory = make_session_factory(engine)
        if queries.get_training_mark(UnitOfWork(factory)) is None:
            _fail(NOT_MARKED)
        running = queries.get_state(UnitOfWork(factory)).scenario
        if running is not None:
            _fail(f"The space already runs {running}. To start again: "
                  f"`jigsaw training reset {name}`.")  # fmt: skip
        encryption.install(encryption.keyring_from_settings(settings))
        password = read_or_create_secret(space.password_file, nbytes=12)
        partnership = partnership_of(key, found, today=clock.today())
        secret_key = settings.secret("secret_key")
        load_partnership(UnitOfWork(factory), ACTOR, partnership=partnership,
                         password=password, secret_key=secret_key)  # fmt: skip
        history = services.start_scenario(UnitOfWork(factory), ACTOR, key=key, scenario=found)
        keys = persona_authenticator_keys(UnitOfWork(factory), partnership=partnership,
                                          secret_key=secret_key)  # fmt: skip
    console.print(f"[green]✓[/green] Loaded {found.title} into {name}: "
                  f"{len(found.agencies)} agencies, {len(found.children)} child(ren), "
                  f"{history} records already held.")  # fmt: skip
    _sign_ins(found, partnership, keys, password, space)


def _sign_ins(
    scenario: Scenario,
    partnership: DemoPartnership,
    keys: dict[str, str],
    password: str,
    space: spaces.Space,
) -> None:
    table = Table(title="Who signs in: the email, the training password, and a code")
    for column in ("Email", "Part", "Agency", "Authenticator key"):
        table.add_column(column, no_wrap=column in {"Email", "Authenticator key"})
    for key, participant in scenario.participants.items():
        email = email_of(key)
        agency = scenario.agencies[participant.agency].name
        table.add_row(email, f"{participant.name}, {participant.job_title}", agency, keys[email])
    facilitator = email_of(FACILITATOR)
    table.add_row(facilitator, "Facilitator", partnership.local_authority_name, keys[facilitator])
    console.print(table)
    console.print(f"Training password for everyone: [bold]{password}[/bold] (kept in "
                  f"{space.password_file}; synthetic people only).\nTwo-factor: add the key "
                  "to an authenticator app, or get the current code with "
                  f"[bold]jigsaw training code {space.name} EMAIL[/bold].\nThen: "
                  f"[bold]jigsaw training serve {space.name}[/bold].")  # fmt: skip


@app.command()
def code(name: Name, email: Annotated[str, typer.Argument(help="A participant's email.")]) -> None:
    """Print a participant's (or the facilitator's) current two-factor code."""
    space, base = _space(name), get_settings()
    with _engine(space, base) as (engine, settings):
        factory = make_session_factory(engine)
        if queries.get_training_mark(UnitOfWork(factory)) is None:
            _fail(NOT_MARKED)
        loaded = queries.get_scenario(UnitOfWork(factory))
        if loaded is None:
            _fail(f"No scenario is loaded: `jigsaw training load {name} SCENARIO`.")
        partnership = partnership_of(*loaded, today=clock.today())
        keys = persona_authenticator_keys(UnitOfWork(factory), partnership=partnership,
                                          secret_key=settings.secret("secret_key"))  # fmt: skip
    secret = keys.get(email.strip().lower())
    if secret is None:
        _fail("That is not the email of anyone in this training space.")
    console.print(pyotp.TOTP(secret).now())


@app.command()
def serve(
    name: Name,
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on."),
    port: int = typer.Option(None, help="Port to listen on (default: $PORT or 8000)."),
) -> None:
    """Serve a training space: every page says it is training, not live data."""
    space, base = _space(name), get_settings()
    with _engine(space, base) as (engine, _settings):
        migrations.upgrade(engine)
        if queries.get_training_mark(UnitOfWork(make_session_factory(engine))) is None:
            _fail(NOT_MARKED)
    for variable, value in spaces.environment_for(space).items():
        if value is None:
            os.environ.pop(variable, None)
        else:
            os.environ[variable] = value
    get_settings.cache_clear()  # the server reads the space's settings, not the live ones
    chosen = port or default_port()
    console.print(f"Training space [bold]{name}[/bold] at http://{host}:{chosen} (Ctrl+C stops).")
    run_server(host=host, port=chosen)


@app.command()
def reset(
    name: Name,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False,
) -> None:
    """Empty a training space and mark it again, ready for a scenario (training data only)."""
    space, base = _space(name), get_settings()
    if not yes:
        typer.confirm(f"Delete everything in the training space {name}?", abort=True)
    with _engine(space, base) as (engine, settings):
        if queries.get_training_mark(UnitOfWork(make_session_factory(engine))) is None:
            _fail(NOT_MARKED)
        _empty(engine)
        _mark(engine, settings, name)
    console.print(f"[green]✓[/green] {name} is empty and marked as training again. "
                  f"Load a scenario: `jigsaw training load {name} SCENARIO`.")  # fmt: skip


def _empty(engine: Engine) -> None:
    """Drop every table of a (marked) training database."""
    if is_sqlite(str(engine.url)):
        path = Path(engine.url.database or "")
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def _space(name: str) -> spaces.Space:
    space = spaces.read_space(get_settings().data_dir, name)
    if space is None:
        _fail(f"There is no training space called {name}. Make one: "
              f"`jigsaw training create {name}`.")  # fmt: skip
    return space


@contextmanager
def _engine(space: spaces.Space, base: Settings) -> Iterator[tuple[Engine, Settings]]:
    settings = spaces.space_settings(space, base)
    try:
        with open_engine(settings.sqlalchemy_url) as engine:
            yield engine, settings
    except OperationalError:
        _fail("Cannot reach the training space's database.")


def _problems(error: Invalid) -> NoReturn:
    for where, message in error.errors.items():
        console.print(f"[red]✗[/red] {where}: {message}")
    raise typer.Exit(code=1)


def _fail(message: str) -> NoReturn:
    console.print(message if message.startswith("[") else f"[red]✗[/red] {message}")
    raise typer.Exit(code=1)
