"""What a benchmark is: a named piece of work, timed several times."""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jigsaw.web.server import settle


@dataclass(frozen=True)
class Benchmark:
    """``run(state)`` is timed; ``setup()`` builds its state once, untimed."""

    name: str
    run: Callable[[Any], object]
    setup: Callable[[], Any] | None = None
    repeat: int = 5
    target: str = ""
    # How many operations one run performs, for a per-second rate (0: no rate shown).
    ops: int = 0


@dataclass(frozen=True)
class Figure:
    """One reported figure of a measurement: a latency percentile, an F1 score, a ratio."""

    name: str
    value: str
    target: str = ""
    # Whether the figure meets its target (None: no target to meet).
    met: bool | None = None


@dataclass(frozen=True)
class Measurement:
    """A piece of work that reports its own figures (percentiles, quality), not one timing.

    ``measure()`` does the work and returns the figures; BENCHMARKS.md lists them in a table
    of their own, with a note of how each was measured.
    """

    name: str
    measure: Callable[[], list[Figure]]
    how: str = ""


@contextmanager
def as_served() -> Iterator[None]:
    """The process as `jigsaw serve` runs it once the app is built (``web.server.settle``:
    start-up's objects frozen, collections less often), as it was again afterwards."""
    threshold = gc.get_threshold()
    settle()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
