import json
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select
from typer.testing import CliRunner

from jigsaw import migrations
from jigsaw.audit.models import AuditEvent
from jigsaw.children.models import Child, ChildMatchRecord
from jigsaw.cli import app
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.db import make_engine
from jigsaw.matching import load_model

runner = CliRunner()
GIVEN = ["Jacob", "Amelia", "Oliver", "Aisha", "Zofia", "Chidi", "Harpreet", "Isla", "Noah"]
FAMILY = ["Smith", "Okafor", "Kowalski", "Khan", "Patel", "Nowak", "Brown", "Jones", "Ali"]


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite database that the CLI is configured to use."""
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("JIGSAW_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIGSAW_MATCHING_MODEL", raising=False)
    get_settings.cache_clear()
    (tmp_path / "var").mkdir()
    made = make_engine(get_settings().sqlalchemy_url)
    migrations.upgrade(made)
    yield made
    made.dispose()
    get_settings.cache_clear()


def _index(engine: Engine, children: int) -> None:
    """Children in the match index, some recorded twice with a slip (duplicates to learn from)."""
    rng = random.Random(4)  # noqa: S311 - synthetic test data
    rows, records = [], []
    for number in range(children):
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(6000))
        child_id = uuid.UUID(int=number + 1)
        given = rng.choice(GIVEN) if number % 3 else rng.choice(GIVEN)[:-1] + "e"
        rows.append({"id": child_id, "date_of_birth": born, "date_of_birth_estimated": False,
                     "sex": "female", "created_at": clock.now()})  # fmt: skip
        records.append({"child_id": child_id, "given_names": given,
                        "family_name": rng.choice(FAMILY), "previous_family_names": "",
                        "date_of_birth": born, "sex": "female",
                        "postcode": f"EM{rng.randrange(1, 9)} {rng.randrange(10)}AB",
                        "nhs_number": None, "upn": None, "household_key": None})  # fmt: skip
        if number % 2:
            twin = dict(records[-1], child_id=uuid.UUID(int=10**6 + number))
            rows.append(dict(rows[-1], id=twin["child_id"]))
            records.append(twin)
    with engine.begin() as connection:
        connection.execute(insert(Child), rows)
        connection.execute(insert(ChildMatchRecord), records)


def test_train_writes_a_model_the_scorer_loads_and_audits_the_read(
    engine: Engine, tmp_path: Path
) -> None:
    _index(engine, 600)
    output = tmp_path / "model.json"
    result = runner.invoke(
        app, ["matching", "train", "--output", str(output), "--u-pairs", "100000"]
    )
    assert result.exit_code == 0, result.output
    assert "model written" in result.output
    model = load_model(output)
    assert "Splink" in model.description
    assert "900 records" in json.loads(output.read_text())["description"]
    with engine.connect() as connection:
        actions = connection.scalars(select(AuditEvent.action)).all()
    assert actions.count("matching_model:trained") == 1


def test_train_writes_to_the_configured_model_path(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _index(engine, 600)
    configured = tmp_path / "configured" / "model.json"
    monkeypatch.setenv("JIGSAW_MATCHING_MODEL", str(configured))
    get_settings.cache_clear()
    result = runner.invoke(app, ["matching", "train", "--u-pairs", "100000"])
    assert result.exit_code == 0, result.output
    assert load_model(configured).prior > 0


def test_train_refuses_an_index_too_small_to_learn_from(engine: Engine, tmp_path: Path) -> None:
    _index(engine, 100)
    output = tmp_path / "model.json"
    result = runner.invoke(app, ["matching", "train", "--output", str(output)])
    assert result.exit_code == 1
    assert "training needs at least 500" in result.output
    assert not output.exists()


def test_train_reads_the_database_named_on_the_command_line(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _index(engine, 600)
    url = str(engine.url)
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "elsewhere"))
    get_settings.cache_clear()
    output = tmp_path / "model.json"
    result = runner.invoke(
        app,
        ["matching", "train", "--database-url", url, "--output", str(output), "--u-pairs", "1e5"],
    )
    assert result.exit_code == 0, result.output
    assert "Trained on 900 children" in result.output
