"""Working time: when something is due, counted in office hours on England's working days.

Working Together asks for a decision on a referral "within one working day"; MASHs triage in
working hours (red 4, amber one working day, green three). A clock that ignores weekends and
bank holidays makes a Friday-afternoon referral look overdue on Monday morning, and one that
ignores office hours makes a 4-hour red due at 2am.

The rule, in one place: time counts only inside office hours on working days (weekdays that
are not England's bank holidays, from the ``holidays`` package). A working day is one
office day's length of working time, so "one working day" from Friday 15:00 (office hours
09:00 to 17:00, Monday a bank holiday) is Tuesday 15:00, and from Saturday it is the end of
the next working day. Work arriving out of hours starts when the office next opens.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
_TIMESCALE = re.compile(r"\s*(\d{1,3})\s*(h|d)\s*")
_HOURS = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


class Unit(StrEnum):
    """What a timescale counts."""

    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True, slots=True)
class Timescale:
    """An amount of working time: "4 working hours", "1 working day"."""

    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> "Timescale":
        """Read "4h" or "1d" (working hours or working days).

        Raises:
            ValueError: not a whole number followed by h or d.
        """
        match = _TIMESCALE.fullmatch(text)
        if match is None:
            raise ValueError("a timescale is a whole number and h (working hours) or d (days)")
        unit = Unit.WORKING_HOURS if match[2] == "h" else Unit.WORKING_DAYS
        return cls(int(match[1]), unit)

    def __str__(self) -> str:
        if self.unit is Unit.WORKING_HOURS:
            return f"{self.amount} working hour{'s' if self.amount != 1 else ''}"
        return f"{self.amount} working day{'s' if self.amount != 1 else ''}"


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """When the office works, in local (London) time, on working days."""

    opens: time = time(9, 0)
    closes: time = time(17, 0)

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("the office must close after it opens")

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        """Read "09:00-17:00".

        Raises:
            ValueError: not two times, or closing before opening.
        """
        match = _HOURS.fullmatch(text)
        if match is None:
            raise ValueError("office hours are written like 09:00-17:00")
        opens, closes = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
        return cls(opens, closes)

    @property
    def day_length(self) -> timedelta:
        """How much working time one working day holds."""
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)


@dataclass(frozen=True)
class WorkingCalendar:
    """England's working days and an office's hours; every answer is an aware UTC datetime."""

    hours: OfficeHours = field(default_factory=OfficeHours)
    # Extra days the office is shut (a local closure), beyond weekends and bank holidays.
    closures: frozenset[date] = frozenset()

    @cached_property
    def _bank_holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("GB", subdiv="ENG")

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a bank holiday in England or a local closure."""
        return day.weekday() < 5 and day not in self._bank_holidays and day not in self.closures  # noqa: PLR2004

    def bank_holiday(self, day: date) -> str | None:
        """The bank holiday's name, if ``day`` is one."""
        name: str | None = self._bank_holidays.get(day)
        return name

    def add(self, start: datetime, timescale: Timescale) -> datetime:
        """When ``timescale`` of working time after ``start`` ends: a due time."""
        if timescale.unit is Unit.WORKING_HOURS:
            remaining = timedelta(hours=timescale.amount)
        else:
            remaining = self.hours.day_length * timescale.amount
        return self.add_working_time(start, remaining)

    def add_working_time(self, start: datetime, remaining: timedelta) -> datetime:
        """``start`` plus ``remaining`` working time, skipping nights, weekends and holidays."""
        moment = self._next_working_moment(_local(start))
        while True:
            closes = datetime.combine(moment.date(), self.hours.closes, LONDON)
            left_today = closes - moment
            if remaining <= left_today:
                return (moment + remaining).astimezone(_UTC)
            remaining -= left_today
            moment = self._next_opening(moment.date() + timedelta(days=1))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much working time passed from ``start`` to ``end`` (zero if end is earlier)."""
        moment, finish = self._next_working_moment(_local(start)), _local(end)
        total = timedelta()
        while moment < finish:
            closes = datetime.combine(moment.date(), self.hours.closes, LONDON)
            total += min(closes, finish) - moment
            moment = self._next_opening(moment.date() + timedelta(days=1))
        return total

    def _next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` if the office is open then, else when it next opens."""
        day = moment.date()
        opens = datetime.combine(day, self.hours.opens, LONDON)
        closes = datetime.combine(day, self.hours.closes, LONDON)
        if self.is_working_day(day) and opens <= moment < closes:
            return moment
        if self.is_working_day(day) and moment < opens:
            return opens
        return self._next_opening(day + timedelta(days=1))

    def _next_opening(self, day: date) -> datetime:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self.hours.opens, LONDON)


_UTC = ZoneInfo("UTC")
URGENCIES = ("red", "amber", "green")


def parse_urgencies(text: str) -> dict[str, Timescale]:
    """Read each urgency's timescale: "red=4h,amber=1d,green=3d".

    Raises:
        ValueError: an urgency missing, unknown or repeated, or a timescale unreadable.
    """
    found: dict[str, Timescale] = {}
    for part in text.split(","):
        name, equals, value = part.partition("=")
        name = name.strip().lower()
        if not equals or name not in URGENCIES or name in found:
            raise ValueError("urgencies are written red=4h,amber=1d,green=3d (each once)")
        found[name] = Timescale.parse(value)
    missing = [name for name in URGENCIES if name not in found]
    if missing:
        raise ValueError(f"no timescale for {', '.join(missing)}")
    return found


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("working time needs an aware datetime")
    return moment.astimezone(LONDON)
