"""What a benchmark is: a named piece of work, timed several times."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
