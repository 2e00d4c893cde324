"""School days, and "before the start of the next school day" (Operation Encompass, issue 7).

When police attend a domestic abuse incident with a child in the household, the child's
school must hear before the start of the next school day (Victims and Prisoners Act 2024).
A school day is a weekday, inside a term when term dates are configured, that is not one of
England's bank holidays or an inset (training) day. Term dates are written one range per half
term, so half-term weeks fall between ranges and are not school days.

Outside the configured terms' span (before the first term starts or after the last one ends)
every weekday that is not a bank holiday or inset day counts as a school day: an out-of-date
list makes an alert due sooner, never never.

Every answer is an aware UTC datetime; the school day starts at a London wall-clock time, so
08:30 is 07:30 UTC in summer and 08:30 UTC in winter.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from jigsaw.core.working_time import LONDON, WorkingCalendar

DEFAULT_STARTS = time(8, 30)
_SATURDAY = 5
_TIME = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")
_TERMS_FORMAT = "term dates are written like 2025-09-03..2025-10-24, 2025-11-03..2025-12-19"
# England's bank holidays, looked up as the working-time clock does (``core.working_time``).
_ENGLAND = WorkingCalendar()


@dataclass(frozen=True, slots=True)
class TermDates:
    """Terms as (first day, last day) pairs, both days included, in order and not overlapping."""

    terms: tuple[tuple[date, date], ...]

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError("give at least one term")
        for number, (first, last) in enumerate(self.terms, start=1):
            if last < first:
                raise ValueError(f"term {number} ends before it starts")
        for number, (previous, current) in enumerate(
            zip(self.terms, self.terms[1:], strict=False), start=2
        ):
            if current[0] <= previous[1]:
                raise ValueError(
                    f"term {number} starts before term {number - 1} ends; "
                    "list terms in date order without overlaps"
                )

    @classmethod
    def parse(cls, text: str) -> "TermDates":
        """Read "2025-09-03..2025-12-19, 2026-01-05..2026-03-27" (first and last day of each).

        Raises:
            ValueError: a term not written first..last, a date that is not one, a term
                ending before it starts, or terms out of order or overlapping; the message
                names the term by its number.
        """
        terms: list[tuple[date, date]] = []
        for number, part in enumerate(text.split(","), start=1):
            first, dots, last = part.partition("..")
            if not dots:
                raise ValueError(f"term {number} is not a range; {_TERMS_FORMAT}")
            terms.append((_read_date(first, number), _read_date(last, number)))
        return cls(tuple(terms))

    def __str__(self) -> str:
        return ", ".join(f"{first.isoformat()}..{last.isoformat()}" for first, last in self.terms)

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls within the span the terms were configured for."""
        return self.terms[0][0] <= day <= self.terms[-1][1]

    def in_term(self, day: date) -> bool:
        """Whether ``day`` falls inside one of the terms."""
        return any(first <= day <= last for first, last in self.terms)


@dataclass(frozen=True, slots=True)
class SchoolCalendar:
    """Which days are school days and when they start (London time)."""

    terms: TermDates | None = None
    starts: time = DEFAULT_STARTS
    inset_days: frozenset[date] = frozenset()

    def is_school_day(self, day: date) -> bool:
        """A weekday, in term (see the module's note), not a bank holiday or an inset day."""
        if day.weekday() >= _SATURDAY or day in self.inset_days:
            return False
        if _ENGLAND.bank_holiday(day) is not None:
            return False
        return self.terms is None or not self.terms.covers(day) or self.terms.in_term(day)

    def day_starts(self, day: date) -> datetime:
        """When school starts on ``day``, in UTC (the London wall-clock start)."""
        return datetime.combine(day, self.starts, LONDON).astimezone(UTC)

    def next_school_day_start(self, moment: datetime) -> datetime:
        """The start of the first school day that has not started by ``moment``.

        "Before the start of the next school day": an incident at 02:00 on a school day is
        due at that day's start; one at or after the start (10:00) is due at the next school
        day's start. Friday 22:00 before a bank holiday Monday is due on Tuesday.

        Raises:
            ValueError: ``moment`` is naive.
        """
        if moment.tzinfo is None:
            raise ValueError("the next school day needs an aware datetime")
        day = moment.astimezone(LONDON).date()
        if not (self.is_school_day(day) and moment < self.day_starts(day)):
            day += timedelta(days=1)
            while not self.is_school_day(day):
                day += timedelta(days=1)
        return self.day_starts(day)


def parse_term_dates(text: str) -> TermDates | None:
    """The ``JIGSAW_SCHOOL_TERMS`` setting: term ranges, or blank for every weekday.

    Raises:
        ValueError: as ``TermDates.parse``.
    """
    return TermDates.parse(text) if text.strip() else None


def parse_school_day_starts(text: str) -> time:
    """The ``JIGSAW_SCHOOL_DAY_STARTS`` setting: a London time like "08:30".

    Raises:
        ValueError: not a time of day written hh:mm.
    """
    match = _TIME.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:  # noqa: PLR2004
        raise ValueError("the school day's start is written like 08:30")
    return time(int(match[1]), int(match[2]))


def parse_inset_days(text: str) -> frozenset[date]:
    """Inset (training) days: "2026-01-05, 2026-06-01", or blank for none.

    Raises:
        ValueError: a date that is not one, named by its position.
    """
    if not text.strip():
        return frozenset()
    days: set[date] = set()
    for number, part in enumerate(text.split(","), start=1):
        try:
            days.add(date.fromisoformat(part.strip()))
        except ValueError:
            raise ValueError(f"inset day {number} is not a date; write YYYY-MM-DD") from None
    return frozenset(days)


def _read_date(text: str, number: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"term {number} has a date that is not one; write YYYY-MM-DD") from None
