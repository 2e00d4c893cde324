"""Bulk work and Python's cyclic garbage collector.

A bulk job (linking a roster to a million-child index) keeps millions of objects alive and
allocates millions more. The collector runs whenever allocations pass its threshold and its
full passes walk every live object, so it spends seconds finding nothing: what a bulk job
drops is freed by reference counting anyway. ``collector_paused`` pauses it for such a job.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block.

    The pause is process-wide, so keep it to bounded work; the collector resumes however
    the block ends, unless it was already off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
