import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jigsaw import __version__
from jigsaw.cli import app
from jigsaw.config import get_settings
from jigsaw.core.db import is_sqlite

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data dir with the default (SQLite) database."""
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIGSAW_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"jigsaw {__version__}"


def test_db_upgrade_then_check(data_dir: Path) -> None:
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert (data_dir / "jigsaw.db").exists()
    checked = runner.invoke(app, ["db", "check"])
    assert checked.exit_code == 0, checked.output
    assert "Models and migrations agree" in checked.output


def test_db_check_on_an_unmigrated_database_still_checks_the_migrations(data_dir: Path) -> None:
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 0, result.output
    assert "has not been migrated yet" in result.output
    assert data_dir.exists()


@pytest.mark.usefixtures("data_dir")
def test_db_check_against_the_test_database(
    database_url: str, engine: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the PostgreSQL run this checks the real production engine's schema."""
    del engine  # migrated to head by the fixture
    if is_sqlite(database_url):
        pytest.skip("covered on SQLite by test_db_upgrade_then_check")
    monkeypatch.setenv("JIGSAW_DATABASE_URL", database_url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 0, result.output
    assert "configured database" not in result.output


def test_demo_loads_once_and_lists_the_personas(data_dir: Path) -> None:
    first = runner.invoke(app, ["demo", "--no-serve", "--children", "30"])
    assert first.exit_code == 0, first.output
    assert "Loaded: " in first.output
    loaded = re.search(r"([\d,]+) children", first.output)
    assert loaded is not None
    assert int(loaded.group(1).replace(",", "")) >= 30  # whole households, so a few more
    assert "dsl@" in first.output
    password = (data_dir / "demo_password").read_text().strip()
    assert password in first.output

    second = runner.invoke(app, ["demo", "--no-serve", "--children", "30"])
    assert second.exit_code == 0, second.output
    assert "Already loaded" in second.output
    assert password in second.output


@pytest.mark.parametrize("children", [1, 2])
def test_a_demo_of_a_child_or_two_loads(data_dir: Path, children: int) -> None:
    """Too few children for every persona's story: what needs one the persona may reach is
    left out, and the rest loads."""
    del data_dir
    result = runner.invoke(app, ["demo", "--no-serve", "--children", str(children)])
    assert result.exit_code == 0, result.output
    assert "Loaded: " in result.output


def test_demo_refuses_production(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIGSAW_ENVIRONMENT", "production")
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 2
    assert "Refusing" in result.output
    assert not (data_dir / "jigsaw.db").exists()


class ServerCalls:
    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def __call__(self, *, host: str, port: int) -> None:
        self.calls.append({"host": host, "port": port})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> ServerCalls:
    """Stands in for uvicorn: these tests check what would be served, not serving."""
    calls = ServerCalls()
    monkeypatch.setattr("jigsaw.cli.root.run_server", calls)
    monkeypatch.setattr("jigsaw.demo.cli.run_server", calls)
    return calls


def test_serve_listens_on_localhost_and_port_from_the_environment(
    server: ServerCalls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "8123")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert server.calls == [{"host": "127.0.0.1", "port": 8123}]


def test_serve_port_option_wins(server: ServerCalls, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert runner.invoke(app, ["serve", "--port", "9000"]).exit_code == 0
    assert [call["port"] for call in server.calls] == [8000, 9000]


@pytest.mark.usefixtures("data_dir")
def test_demo_serves_after_loading(server: ServerCalls, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8124")
    result = runner.invoke(app, ["demo", "--children", "20"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8124" in result.output
    assert server.calls == [{"host": "127.0.0.1", "port": 8124}]


@pytest.mark.usefixtures("data_dir")
def test_db_check_fails_when_models_and_migrations_disagree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        "jigsaw.migrations.schema_differences", lambda _engine: [("add_table", "referrals")]
    )
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 1
    assert "referrals" in result.output


@pytest.mark.usefixtures("data_dir")
def test_jobs_run_once_signs_a_checkpoint_after_the_demo_loads() -> None:
    assert runner.invoke(app, ["demo", "--no-serve", "--children", "10"]).exit_code == 0
    result = runner.invoke(app, ["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "audit checkpoint" in result.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert re.search(r"\d+ entries verified, 1 checkpoints?\.", verified.output)


@pytest.mark.usefixtures("data_dir")
def test_demo_code_prints_a_personas_current_code() -> None:
    assert runner.invoke(app, ["demo", "--no-serve", "--children", "10"]).exit_code == 0
    result = runner.invoke(app, ["demo-code", "dsl@oakfield-primary.example.org"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\d{6}", result.output.strip())
    unknown = runner.invoke(app, ["demo-code", "someone@example.org"])
    assert unknown.exit_code == 1
