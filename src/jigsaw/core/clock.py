"""The one source of "now": always timezone-aware UTC.

``reading(moment)`` makes ``now()`` read a fixed moment inside a block, in this context only
(a context variable, so other threads and requests keep the real time): the demo uses it to
write weeks of history through the same services a person uses.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

_FIXED: ContextVar[datetime | None] = ContextVar("jigsaw_clock_fixed", default=None)


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    fixed = _FIXED.get()
    return fixed if fixed is not None else datetime.now(UTC)


def today() -> date:
    """Return today's date in UTC."""
    return now().date()


@contextmanager
def reading(moment: datetime) -> Iterator[None]:
    """Inside the block, ``now()`` is ``moment`` (in this context only).

    Raises:
        ValueError: ``moment`` has no timezone.
    """
    if moment.tzinfo is None:
        raise ValueError("the clock reads aware datetimes only")
    token = _FIXED.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _FIXED.reset(token)
