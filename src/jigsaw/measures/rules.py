"""The measures' arithmetic, pure: the period asked for, working hours, medians and shares.

Durations are working time on the deployment's calendar (``core.working_time``): office
hours on England's working days, so a contact received on Friday at 16:00 and decided on
Tuesday at 10:00 after a bank holiday Monday took 2 working hours, not 90 hours.
"""

import math
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from jigsaw.core.errors import Invalid
from jigsaw.core.working_time import LONDON, WorkingCalendar

DEFAULT_DAYS = 28
LONGEST_DAYS = 366
EARLIEST = date(2000, 1, 1)
_MICROSECONDS = timedelta(microseconds=1)
_HOUR = 3_600_000_000  # microseconds
_TABLE_DAYS = 32  # days added to a clock's table at a time
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOTHING = "\u2013"  # an en dash: shown where there is nothing to count
Instants = npt.NDArray[np.int64]  # instants (or working microseconds), many at once
MISSING = np.iinfo(np.int64).min  # no such time, in a column of instants (numpy's NaT)
Moments = Sequence[int] | Instants  # instants as a list or an array


@dataclass(frozen=True, slots=True)
class Period:
    """London dates from ``start`` to ``end``, both included."""

    start: date
    end: date

    @classmethod
    def last_days(cls, today: date, days: int = DEFAULT_DAYS) -> "Period":
        """The ``days`` days up to and including ``today``."""
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> list[date]:
        """Every date of the period, in order."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def starts_at(self) -> datetime:
        """The first moment of the period (midnight in London), in UTC."""
        return _midnight(self.start)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period (midnight after its last day), in UTC."""
        return _midnight(self.end + timedelta(days=1))


def read_period(start: str, end: str, *, today: date) -> Period:
    """The period a person asked for: ISO dates, both optional.

    No end means today; no start means the 28 days up to the end.

    Raises:
        Invalid: a date that is not one, a start after the end, an end after today, or a
            period longer than 366 days (each message says which field and what to do).
    """
    errors: dict[str, str] = {}
    last = _read_date(end, "to", "end", errors) if end.strip() else today
    first = _read_date(start, "from", "start", errors) if start.strip() else None
    if errors:
        raise Invalid(errors)
    assert last is not None  # noqa: S101 - no errors, so it was read
    if first is None:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if last > today:
        errors["to"] = "The end date must be today or earlier"
    elif first > last:
        errors["from"] = "The start date must be on or before the end date"
    elif (last - first).days + 1 > LONGEST_DAYS:
        errors["from"] = f"Choose a period of {LONGEST_DAYS} days or fewer"
    if errors:
        raise Invalid(errors)
    return Period(first, last)


def _read_date(text: str, field: str, which: str, errors: dict[str, str]) -> date | None:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = f"Enter the {which} date as year, month and day, like 2026-10-25"
        return None
    if value < EARLIEST:
        errors[field] = f"Enter a {which} date in {EARLIEST.year} or later"
        return None
    return value


def a_year_before(moment: datetime) -> datetime:
    """The same London date and time twelve months earlier (29 February: the 28th), in UTC."""
    local = moment.astimezone(LONDON)
    day = local.day if (local.month, local.day) != (2, 29) else 28
    earlier = datetime.combine(
        local.date().replace(year=local.year - 1, day=day), local.time(), LONDON
    )
    return earlier.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Share:
    """How many of how many: ``None`` as a ratio when there is nothing to count."""

    count: int
    of: int

    @property
    def ratio(self) -> float | None:
        """``count / of``, or None when ``of`` is 0."""
        return self.count / self.of if self.of else None

    @property
    def percent(self) -> str:
        """The ratio as a whole percentage ("86%"), or an en dash when there is nothing to count."""
        ratio = self.ratio
        return NOTHING if ratio is None else f"{round(ratio * 100)}%"


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle values for an even count); None if empty."""
    return statistics.median(values) if values else None


def percentile_90(values: Sequence[float]) -> float | None:
    """The 90th percentile by nearest rank: the smallest value with 90% of values at or below.

    For 10 values that is the 9th smallest; for 1 to 9 values, the largest. None if empty.
    """
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


class WorkingClock:
    """Working time read from a table of days, for measuring thousands of intervals quickly.

    Gives the same answers as ``WorkingCalendar.working_time_between`` and
    ``WorkingCalendar.add_working_time`` (tests check them against each other), but a
    measurement is a few look-ups instead of a walk over the days between. The ``*_at``
    methods take instants (``instant()``: microseconds since 1970, UTC), as the measures
    read them from the database. Office hours must not span the hour the clocks change
    (they are 09:00 to 17:00 by default).
    """

    def __init__(self, calendar: WorkingCalendar, first: date) -> None:
        """A clock for moments on or after London date ``first``; it extends as needed."""
        self._calendar = calendar
        self._next = first  # the first day not yet in the table
        self._day = calendar.hours.day_length // _MICROSECONDS
        self._starts: list[int] = []  # each day's first instant (midnight in London)
        self._opens: list[int] = []  # when the office opens (-1: it does not that day)
        self._before: list[int] = []  # working time from the first day to each day's start
        self._total = 0  # working time from the first day to the end of the table
        self._ends = 0  # the first instant after the table
        self._arrays: tuple[Instants, Instants, Instants] | None = None  # the table as arrays
        self._extend()

    def hours(self, start: datetime, end: datetime) -> float:
        """Working hours from ``start`` to ``end`` (0 if ``end`` is earlier)."""
        return self.hours_at(instant(start), instant(end))

    def within(self, start: datetime, end: datetime, working: timedelta) -> bool:
        """Whether ``end`` is no later than ``working`` of working time after ``start``."""
        return self.timed_at(instant(start), instant(end), working // _MICROSECONDS)[1]

    def add(self, start: datetime, working: timedelta) -> datetime:
        """When ``working`` (more than none) of working time after ``start`` ends, in UTC."""
        return moment_at(self.add_at(instant(start), working // _MICROSECONDS))

    def hours_many(self, starts: Moments, ends: Moments) -> list[float]:
        """``hours_at`` for many intervals at once (thousands of rows: arrays, not a loop)."""
        begun, reached = self.elapsed_many(starts), self.elapsed_many(ends)
        hours: list[float] = (np.maximum(reached - begun, 0) / _HOUR).tolist()
        return hours

    def timed_many(
        self, starts: Moments, ends: Moments, working: int
    ) -> tuple[list[float], list[bool]]:
        """``timed_at`` for many intervals at once: the hours and whether each was on time."""
        begun, reached = self.elapsed_many(starts), self.elapsed_many(ends)
        target = begun + working
        hours: list[float] = (np.maximum(reached - begun, 0) / _HOUR).tolist()
        on_time: list[bool] = (reached < target).tolist()
        # Reached exactly: on time at that moment, late if the office had closed by then.
        for row in np.flatnonzero(reached == target).tolist():
            on_time[row] = int(ends[row]) <= self.add_at(int(starts[row]), working)
        return hours, on_time

    def elapsed_many(self, instants: Moments) -> "Instants":
        """``elapsed_at`` of each instant, as an array."""
        at = np.asarray(instants, dtype=np.int64)
        if at.size == 0:
            return at
        while int(at.max()) >= self._ends:
            self._extend()
        starts, opens, before = self._table()
        day = np.searchsorted(starts, at, side="right") - 1
        if int(day.min()) < 0:
            raise ValueError("a moment before the clock's first day")
        opened = opens[day]
        worked = np.clip(at - opened, 0, self._day)
        return np.where(opened < 0, before[day], before[day] + worked)

    def _table(self) -> "tuple[Instants, Instants, Instants]":
        if self._arrays is None:
            self._arrays = (np.asarray(self._starts, dtype=np.int64),
                            np.asarray(self._opens, dtype=np.int64),
                            np.asarray(self._before, dtype=np.int64))  # fmt: skip
        return self._arrays

    def hours_at(self, start: int, end: int) -> float:
        """Working hours between two instants (0 if ``end`` is earlier)."""
        return max(0, self.elapsed_at(end) - self.elapsed_at(start)) / _HOUR

    def timed_at(self, start: int, end: int, working: int) -> tuple[float, bool]:
        """``hours_at(start, end)`` and whether ``end`` is on time, at the cost of one.

        On time: no later than ``working`` microseconds of working time after ``start``.
        """
        begun, reached = self.elapsed_at(start), self.elapsed_at(end)
        target = begun + working
        hours = max(0, reached - begun) / _HOUR
        if reached != target:
            return hours, reached < target
        # Reached exactly: on time at that moment, late if the office had closed by then.
        return hours, end <= self.add_at(start, working)

    def add_at(self, start: int, working: int) -> int:
        """The instant ``working`` (more than 0) microseconds of working time after ``start``."""
        if working <= 0:
            raise ValueError("add a positive amount of working time")
        target = self.elapsed_at(start) + working
        while self._total < target:
            self._extend()
        day = bisect_left(self._before, target) - 1  # the working day in which it is reached
        return self._opens[day] + target - self._before[day]

    def elapsed_at(self, at: int) -> int:
        """Working microseconds from the start of the clock's first day to the instant."""
        while at >= self._ends:
            self._extend()
        day = bisect_right(self._starts, at) - 1  # the London day the instant falls on
        if day < 0:
            raise ValueError("a moment before the clock's first day")
        opens = self._opens[day]
        if opens < 0:
            return self._before[day]
        return self._before[day] + min(max(at - opens, 0), self._day)

    def _extend(self) -> None:
        """Add the next month of days to the table.

        A month, not more: the page's usual period is the last 28 days, and each day costs
        two London-time conversions.
        """
        opens = self._calendar.hours.opens
        for _ in range(_TABLE_DAYS):
            day, self._next = self._next, self._next + timedelta(days=1)
            working = _is_working_day(self._calendar, day)
            self._starts.append(instant(datetime.combine(day, time(), LONDON)))
            self._opens.append(instant(datetime.combine(day, opens, LONDON)) if working else -1)
            self._before.append(self._total)
            self._total += self._day if working else 0
        self._ends = instant(datetime.combine(self._next, time(), LONDON))
        self._arrays = None


def instant(moment: datetime) -> int:
    """An aware moment as whole microseconds since 1970-01-01 UTC (how the measures count)."""
    return (moment - _EPOCH) // _MICROSECONDS


def moment_at(at: int) -> datetime:
    """The aware UTC moment of an instant."""
    return _EPOCH + timedelta(microseconds=at)


def _is_working_day(calendar: WorkingCalendar, day: date) -> bool:
    return day in _working_days(calendar, day.year)


@lru_cache(maxsize=64)
def _working_days(calendar: WorkingCalendar, year: int) -> frozenset[date]:
    """A year's working days; cached because loading England's bank holidays takes a while."""
    first = date(year, 1, 1)
    days = (first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days))
    return frozenset(day for day in days if calendar.is_working_day(day))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), LONDON).astimezone(UTC)
