"""`jigsaw guidance check` and `jigsaw guidance list`."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jigsaw.cli import app
from jigsaw.config import get_settings
from jigsaw.guidance.library import PACKAGED_DIR
from tests.guidance.flowdata import dump, tiny

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("JIGSAW_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def test_check_passes_the_packaged_flows() -> None:
    result = runner.invoke(app, ["guidance", "check", str(PACKAGED_DIR)])
    assert result.exit_code == 0, result.output
    assert "should-i-share version 1 (share) is valid" in result.output
    assert "level-of-need version 1 (level_of_need) is valid" in result.output


def test_check_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    data = tiny()
    data["start"] = "begin"
    data["questions"]["purpose"]["answers"][0]["nxt"] = "harm"
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(dump(tiny()), encoding="utf-8")
    bad.write_text(dump(data), encoding="utf-8")

    result = runner.invoke(app, ["guidance", "check", str(good), str(bad)])

    assert result.exit_code == 1
    assert f"✓ {good}: tiny version 1 (share) is valid" in result.output
    assert (
        f'✗ {bad}: questions.purpose.answers[0]: "nxt" is not a field that can go here'
        in result.output
    )
    assert "1 of 2 flow files have problems." in result.output


def test_check_of_a_folder_with_no_flows_fails(tmp_path: Path) -> None:
    result = runner.invoke(app, ["guidance", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "No flow files" in result.output


def test_list_shows_local_flows_and_refused_files(data_dir: Path) -> None:
    local = data_dir / "guidance"
    local.mkdir(parents=True)
    (local / "tiny.yaml").write_text(dump(tiny()), encoding="utf-8")
    (local / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    shutil.copy(PACKAGED_DIR / "level-of-need.yaml", local / "levels.yaml")

    result = runner.invoke(app, ["guidance", "list"])

    assert result.exit_code == 0, result.output
    assert "should-i-share  version 1  share  Should I share this information?  [packaged]" in (
        result.output
    )
    assert f"tiny  version 1  share  Tiny  [local: {local / 'tiny.yaml'}]" in result.output
    assert f"[local: {local / 'levels.yaml'} (replaces the packaged flow)]" in result.output
    assert "✗ broken.yaml: line 2" in result.output
