"""`jigsaw link ROSTER.csv --org ORG`: the operator's bulk link, on the test database."""

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jigsaw.cli import app as cli
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import cli as link_cli
from tests.demo_world import DemoWorld, load_world
from tests.linking.helpers import actions, counts, pupils, roster, row_for

runner = CliRunner()


@pytest.fixture
def world(
    uow: UnitOfWork,
    app: FastAPI,
    session_factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
) -> DemoWorld:
    """The demo partnership, with the command using the test transaction."""

    @contextmanager
    def test_sessions() -> Iterator[sessionmaker[Session]]:
        yield session_factory

    monkeypatch.setattr(link_cli, "open_sessions", test_sessions)
    return load_world(uow, app, children=120)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_a_roster_is_linked_and_every_decision_written_beside_it(
    uow: UnitOfWork, world: DemoWorld, tmp_path: Path
) -> None:
    children = pupils(world)[:3]
    path = tmp_path / "oakfield-roll.csv"
    nobody = {
        "given_names": "Zebedee",
        "family_name": "Quillfeather",
        "date_of_birth": "2016-02-29",
    }
    path.write_bytes(roster(*(row_for(world, c, f"S-{i}") for i, c in enumerate(children)), nobody))
    result = runner.invoke(cli, ["link", str(path), "--org", "Oakfield Primary School"])
    assert result.exit_code == 0, result.output
    assert "Linked 4 rows for Oakfield Primary School: 3 matched" in " ".join(result.output.split())
    written = tmp_path / "oakfield-roll.decisions.csv"
    assert str(written.name) in result.output
    lines = read(written)
    assert [(line["row"], line["local_id"], line["decision"]) for line in lines] == [
        ("2", "S-0", "matched"),
        ("3", "S-1", "matched"),
        ("4", "S-2", "matched"),
        ("5", "", "no_match"),
    ]
    assert lines[0]["child_id"] == str(world.id(children[0].key))
    assert float(lines[0]["probability"]) >= 0.95
    [linked] = actions(uow, "roster:linked")
    assert (linked.actor_kind, linked.actor_purpose) == ("system", "cli:link")


def test_a_roster_with_bad_rows_links_nothing_and_lists_every_problem(
    uow: UnitOfWork, world: DemoWorld, tmp_path: Path
) -> None:
    first, second = pupils(world)[:2]
    path = tmp_path / "roll.csv"
    bad = {
        **row_for(world, second, "S-2"),
        "nhs_number": "1234567890",
        "date_of_birth": "30/02/2015",
    }
    path.write_bytes(roster(row_for(world, first, "S-1"), bad))
    out = tmp_path / "out" / "problems.csv"
    out.parent.mkdir()
    before = counts(uow)
    result = runner.invoke(
        cli, ["link", str(path), "--org", "990101", "--create", "--decisions", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "Nothing was linked: 2 problems to fix" in result.output
    assert "1234567890" not in result.output
    assert [(line["row"], line["local_id"], line["decision"]) for line in read(out)] == [
        ("3", "S-2", "error"),
        ("3", "S-2", "error"),
    ]
    assert counts(uow) == before


def test_an_unknown_organisation_or_role_is_refused(world: DemoWorld, tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_bytes(roster(row_for(world, pupils(world)[0])))
    unknown = runner.invoke(cli, ["link", str(path), "--org", "No Such School"])
    assert unknown.exit_code == 2
    assert "No organisation" in unknown.output
    role = runner.invoke(cli, ["link", str(path), "--org", "990101", "--role", "class_teacher"])
    assert role.exit_code == 2
    assert "Choose how your organisation works with these children" in role.output
    assert not (tmp_path / "roll.decisions.csv").exists()


def test_the_help_documents_the_roster_format() -> None:
    result = runner.invoke(cli, ["link", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "Required columns: given_names, family_name, date_of_birth" in text
    assert "previous_family_names" in text
