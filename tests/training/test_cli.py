"""`jigsaw training`: spaces of their own, scenarios only into a marked database."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from jigsaw import migrations
from jigsaw.cli import app
from jigsaw.config import get_settings
from jigsaw.core import encryption
from jigsaw.core.db import open_engine
from jigsaw.training import spaces

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data dir; the process keyring is put back after (spaces have their own)."""
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIGSAW_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    ring = encryption.active()
    yield tmp_path / "var"
    encryption.install(ring)
    get_settings.cache_clear()


def jigsaw(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["training", *args])
    return result.exit_code, result.output


def test_create_then_load_prints_everyones_sign_in(data_dir: Path) -> None:
    assert jigsaw("create", "safeguarding-week")[0] == 0
    directory = data_dir / "training" / "safeguarding-week"
    assert (directory / "jigsaw.db").exists()
    assert (directory / "encryption_keys.json").exists()  # its own keys, not the live ones
    code, output = jigsaw("load", "safeguarding-week", "weekend-call-out")
    assert code == 0, output
    assert "Loaded A weekend call-out into safeguarding-week" in output
    for email in ("school-dsl@", "police-officer@", "gp-lead@", "facilitator@"):
        assert email in output
    password = (directory / "training_password").read_text().strip()
    assert password in output
    code, output = jigsaw("code", "safeguarding-week", "police-officer@training.example.org")
    assert code == 0
    assert re.fullmatch(r"\d{6}\s*", output)
    assert jigsaw("code", "safeguarding-week", "someone@example.org")[0] == 1


def test_a_space_runs_one_scenario_until_it_is_reset(data_dir: Path) -> None:
    del data_dir
    assert jigsaw("create", "week")[0] == 0
    assert jigsaw("load", "week", "weekend-call-out")[0] == 0
    code, output = jigsaw("load", "week", "missing-and-excluded")
    assert code == 1
    assert "already runs weekend-call-out" in output
    code, output = jigsaw("reset", "week", "--yes")
    assert code == 0, output
    code, output = jigsaw("load", "week", "missing-and-excluded")
    assert code == 0, output
    assert "Missing and excluded" in output


def test_scenarios_load_only_into_a_marked_database(data_dir: Path) -> None:
    """A space whose database is not marked (say, pointed at live data) gets nothing."""
    directory = data_dir / "training" / "not-marked"
    directory.mkdir(parents=True)
    url = f"sqlite:///{data_dir / 'live.db'}"
    with open_engine(url) as live:
        migrations.upgrade(live)
    spaces.write_space(spaces.Space("not-marked", directory, url))
    commands = [("load", "not-marked", "weekend-call-out"), ("serve", "not-marked"),
                ("reset", "not-marked", "--yes"), ("code", "not-marked", "x@y.org")]  # fmt: skip
    for command in commands:
        code, output = jigsaw(*command)
        assert code == 1, command
        assert "not marked as a training space" in output, command
    with open_engine(url) as live, live.connect() as connection:
        assert connection.execute(text("select count(*) from users")).scalar() == 0
        assert connection.execute(text("select count(*) from children")).scalar() == 0


def test_create_refuses_a_database_that_is_not_empty(data_dir: Path) -> None:
    url = f"sqlite:///{data_dir.parent / 'busy.db'}"
    with open_engine(url) as busy, busy.begin() as connection:
        connection.execute(text("create table something (id integer)"))
    code, output = jigsaw("create", "busy", "--database-url", url)
    assert code == 1
    assert "not empty" in output
    assert spaces.read_space(data_dir, "busy") is None
    own = f"sqlite:///{(data_dir / 'jigsaw.db').resolve()}"
    code, output = jigsaw("create", "own", "--database-url", own)
    assert code == 1
    assert "this deployment's own database" in output


def test_create_refuses_bad_names_and_twice(data_dir: Path) -> None:
    del data_dir
    code, output = jigsaw("create", "Safeguarding Week")
    assert code == 1
    assert "lower-case letters" in output
    assert jigsaw("create", "week")[0] == 0
    code, output = jigsaw("create", "week")
    assert code == 1
    assert "already exists" in output
    code, output = jigsaw("load", "nowhere", "weekend-call-out")
    assert code == 1
    assert "no training space called nowhere" in output


def test_a_space_on_a_database_of_its_own(data_dir: Path, empty_database: Engine) -> None:
    """On the PostgreSQL run, a PostgreSQL database given to `create`."""
    url = empty_database.url.render_as_string(hide_password=False)
    code, output = jigsaw("create", "pg-week", "--database-url", url)
    assert code == 0, output
    assert spaces.read_space(data_dir, "pg-week") == spaces.Space(
        "pg-week", data_dir / "training" / "pg-week", url
    )
    assert oct((data_dir / "training" / "pg-week" / "space.json").stat().st_mode)[-3:] == "600"
    code, output = jigsaw("load", "pg-week", "before-and-after-the-birth")
    assert code == 0, output
    code, output = jigsaw("reset", "pg-week", "--yes")
    assert code == 0, output
    assert jigsaw("load", "pg-week", "weekend-call-out")[0] == 0


def test_scenarios_are_listed_and_files_checked(data_dir: Path, tmp_path: Path) -> None:
    del data_dir
    code, output = jigsaw("scenarios")
    assert code == 0
    for key in ("weekend-call-out", "missing-and-excluded", "before-and-after-the-birth"):
        assert key in output
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: Broken\nsummary: x\nfacilitator: {briefing: x}\n", encoding="utf-8")
    code, output = jigsaw("check", str(broken))
    assert code == 1
    assert "agencies: is missing" in output
    assert "timeline: is missing" in output
    code, output = jigsaw("load", "week", str(broken))
    assert code == 1  # no such space: said before the file is read
    packaged = Path(__file__).parents[2] / "src/jigsaw/training/scenarios/weekend-call-out.yaml"
    code, output = jigsaw("check", str(packaged))
    assert code == 0
    assert "A weekend call-out: 3 participants, 3 steps" in output


class Served:
    def __init__(self) -> None:
        self.environment: dict[str, str | None] = {}

    def __call__(self, *, host: str, port: int) -> None:
        del host, port
        names = ("JIGSAW_DATA_DIR", "JIGSAW_TRAINING_SPACE", "JIGSAW_JOBS_IN_PROCESS",
                 "JIGSAW_ENCRYPTION_KEYS", "JIGSAW_DATABASE_URL")  # fmt: skip
        self.environment = {name: os.environ.get(name) for name in names}


def test_serve_runs_the_space_on_its_own_settings_and_keys(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served = Served()
    monkeypatch.setattr("jigsaw.training.cli.run_server", served)
    for name in ("JIGSAW_DATA_DIR", "JIGSAW_TRAINING_SPACE", "JIGSAW_JOBS_IN_PROCESS",
                 "JIGSAW_ENCRYPTION_KEYS", "JIGSAW_DATABASE_URL"):  # fmt: skip
        # serve changes the environment: recorded here, so it is put back after the test
        monkeypatch.setenv(name, os.environ.get(name, ""))
        if not os.environ[name]:
            monkeypatch.delenv(name)
    assert jigsaw("create", "week")[0] == 0
    code, output = jigsaw("serve", "week", "--port", "8123")
    assert code == 0, output
    assert served.environment == {
        "JIGSAW_DATA_DIR": str(data_dir / "training" / "week"),
        "JIGSAW_TRAINING_SPACE": "week",
        "JIGSAW_JOBS_IN_PROCESS": "false",
        "JIGSAW_ENCRYPTION_KEYS": None,  # never the live deployment's keys
        "JIGSAW_DATABASE_URL": None,  # SQLite in the space's directory
    }
    settings = get_settings()
    assert settings.training_space == "week"
    assert settings.sqlalchemy_url.endswith("/training/week/jigsaw.db")
