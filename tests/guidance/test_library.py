"""A deployment's own flow files replace or add to the packaged flows, without code."""

from pathlib import Path
from typing import Any

import pytest

from jigsaw.core.errors import NotFound
from jigsaw.guidance import FlowLibrary, NextQuestion, Origin, Purpose, UnknownFlow, advance
from jigsaw.guidance.library import PACKAGED_DIR
from jigsaw.guidance.reading import load_yaml
from tests.guidance.flowdata import dump, tiny


def packaged(name: str) -> dict[str, Any]:
    """A packaged flow as data, read as flows are (yes and no stay words)."""
    data = load_yaml((PACKAGED_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_without_local_files_the_packaged_flows_are_in_use(tmp_path: Path) -> None:
    library = FlowLibrary.load(tmp_path / "guidance")  # a deployment that has none
    assert [flow.id for flow in library.flows()] == ["should-i-share", "level-of-need"]
    assert library.loaded("should-i-share").origin is Origin.PACKAGED
    assert library.problems == []


def test_a_local_flow_with_the_same_id_replaces_the_packaged_one(tmp_path: Path) -> None:
    local = packaged("level-of-need.yaml")
    local["version"] = 7
    local["questions"]["level-4"]["hint"] = "Level 4 in our area's threshold document."
    (tmp_path / "our-levels.yaml").write_text(dump(local), encoding="utf-8")

    library = FlowLibrary.load(tmp_path)

    flow = library.get("level-of-need")
    assert flow.version == 7
    entry = library.loaded("level-of-need")
    assert entry.origin is Origin.LOCAL
    assert entry.path == tmp_path / "our-levels.yaml"
    assert entry.replaces_packaged
    # It keeps its place: the pages find it as the level-of-need flow.
    assert library.for_purpose(Purpose.LEVEL_OF_NEED) == [flow]
    step = advance(flow, [])
    assert isinstance(step, NextQuestion)
    assert step.question.hint == "Level 4 in our area's threshold document."


def test_a_local_flow_with_a_new_id_is_added(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(dump(tiny()), encoding="utf-8")
    library = FlowLibrary.load(tmp_path)
    assert library.get("tiny").title == "Tiny"
    assert not library.loaded("tiny").replaces_packaged
    assert [flow.id for flow in library.for_purpose(Purpose.SHARE)] == ["should-i-share", "tiny"]


def test_a_broken_local_file_keeps_the_packaged_flow_and_is_reported(tmp_path: Path) -> None:
    broken = packaged("should-i-share.yaml")
    broken["version"] = 2
    broken["questions"]["purpose"]["answers"][0]["next"] = "identifable"
    (tmp_path / "should-i-share.yaml").write_text(dump(broken), encoding="utf-8")

    library = FlowLibrary.load(tmp_path)

    assert library.get("should-i-share").version == 1
    assert library.loaded("should-i-share").origin is Origin.PACKAGED
    [error] = library.problems
    assert error.source == "should-i-share.yaml"
    assert error.problems[0] == (
        'questions.purpose.answers[0]: "next" names "identifable", which is not a question in '
        "this flow"
    )


def test_two_local_files_with_one_id_keep_the_first(tmp_path: Path) -> None:
    first, second = tiny(), tiny() | {"title": "Tiny again"}
    (tmp_path / "a.yaml").write_text(dump(first), encoding="utf-8")
    (tmp_path / "b.yml").write_text(dump(second), encoding="utf-8")
    library = FlowLibrary.load(tmp_path)
    assert library.get("tiny").title == "Tiny"
    [error] = library.problems
    assert str(error) == 'b.yml: id: "tiny" is also the id of a.yaml; file ignored'


def test_a_local_path_that_is_not_a_folder_is_reported(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "guidance"
    not_a_folder.write_text("", encoding="utf-8")
    library = FlowLibrary.load(not_a_folder)
    assert len(library.flows()) == 2
    assert [error.problems for error in library.problems] == [["is not a folder of flow files"]]


def test_an_unknown_flow_is_not_found() -> None:
    library = FlowLibrary.load(None)
    with pytest.raises(UnknownFlow) as caught:
        library.get("Jane Doe")
    assert isinstance(caught.value, NotFound)
    assert isinstance(caught.value, KeyError)
    assert "Jane" not in str(caught.value)
