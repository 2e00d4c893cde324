"""The one source of "now": always timezone-aware UTC."""

from datetime import UTC, date, datetime


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def today() -> date:
    """Return today's date in UTC."""
    return now().date()
