"""The server's process settings: start-up's objects frozen, collections less often."""

import gc
from collections.abc import Iterator

import pytest

from jigsaw.web.server import YOUNG_OBJECTS, settle


@pytest.fixture
def restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored")
def test_settling_freezes_what_start_up_built_and_collects_less_often() -> None:
    kept = [[n] for n in range(100)]  # alive once the app is built
    settle()
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold()[0] == YOUNG_OBJECTS
