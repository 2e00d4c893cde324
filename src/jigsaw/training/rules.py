"""Training's pure rules: ages and times in a scenario's words, and where a timeline is.

A scenario is written relative to the day it is loaded: a child is "8 years 4 months" old,
and an event happened "2 days ago at 23:10". These turn such words into dates and moments.
"""

import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_AGE_PART = re.compile(r"\s*(\d{1,3})\s+(year|month|week|day)s?\s*,?", re.IGNORECASE)
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAME_MAX = 40
OLDEST = 110  # years: anyone older is a typing slip


@dataclass(frozen=True, slots=True)
class Age:
    """How old someone is, as a scenario says it."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0


def parse_age(text: str) -> Age:
    """Read an age such as "8 years 4 months", "5 weeks" or "29 years".

    Raises:
        ValueError: anything else (the message says what is expected).
    """
    parts: dict[str, int] = {}
    position = 0
    for match in _AGE_PART.finditer(text):
        if match.start() != position or match[2].lower() in parts:
            break
        parts[match[2].lower()] = int(match[1])
        position = match.end()
    else:
        if parts and position == len(text):
            age = Age(parts.get("year", 0), parts.get("month", 0), parts.get("week", 0),
                      parts.get("day", 0))  # fmt: skip
            if age.years <= OLDEST:
                return age
    raise ValueError(f'"{text}" is not an age; write it like "8 years 4 months" or "5 weeks"')


def born_on(age: Age, today: date) -> date:
    """The date of birth of someone that old today."""
    months = today.year * 12 + today.month - 1 - age.years * 12 - age.months
    year, month = divmod(months, 12)
    day = min(today.day, _days_in(year, month + 1))
    return date(year, month + 1, day) - timedelta(weeks=age.weeks, days=age.days)


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def parse_clock_time(text: str) -> time:
    """Read a time of day on the 24-hour clock, "23:10".

    Raises:
        ValueError: anything else.
    """
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        raise ValueError(f'"{text}" is not a time; write it on the 24-hour clock, like "23:10"')
    return time(int(match[1]), int(match[2]))


def happened_at(*, days_ago: int, at: str | None, anchor: datetime, now: datetime) -> datetime:
    """When an event "days_ago at HH:MM" (London) happened; never later than ``now``.

    A scenario's days count back from its ``anchor``, the moment it was loaded: its story
    ends that day, whenever the facilitator applies each step, so the chronology keeps the
    story's order. Without a time, the event is ``days_ago`` whole days before the anchor.
    """
    if at is None:
        moment = anchor - timedelta(days=days_ago)
    else:
        day = anchor.astimezone(LONDON).date() - timedelta(days=days_ago)
        moment = datetime.combine(day, parse_clock_time(at), tzinfo=LONDON)
    return min(moment, now)


def scenario_seed(key: str) -> int:
    """The seed a scenario's records are keyed by: stable, so loading twice finds them."""
    return zlib.crc32(f"training:{key}".encode())


def space_name_problem(name: str) -> str | None:
    """Why a training space cannot have this name, or None when it can."""
    if len(name) > NAME_MAX or NAME_PATTERN.fullmatch(name) is None:
        return (
            f"a training space's name is 1 to {NAME_MAX} lower-case letters, digits and "
            'hyphens, like "safeguarding-week"'
        )
    return None


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a scenario's timeline is: ``step`` steps applied of ``steps``."""

    step: int
    steps: int

    @property
    def started(self) -> bool:
        """Whether the first step has been applied."""
        return self.step > 0

    @property
    def finished(self) -> bool:
        """Whether every step has been applied: time for the whole picture."""
        return self.step >= self.steps

    @property
    def next_step(self) -> int | None:
        """The number (from 1) of the step to apply next, if any."""
        return None if self.finished else self.step + 1


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, or a bulleted list, of a scenario's words as a page shows them."""

    items: tuple[str, ...]
    bulleted: bool = False


def blocks(text: str) -> tuple[Block, ...]:
    """A scenario's words as paragraphs and lists.

    Lines run together into paragraphs; a blank line ends one; lines starting "- " are
    list items (a line after one, not starting "- ", continues it).
    """
    found: list[Block] = []
    lines: list[str] = []
    items: list[str] = []

    def close() -> None:
        if lines:
            found.append(Block((" ".join(lines),)))
        if items:
            found.append(Block(tuple(items), bulleted=True))
        lines.clear()
        items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("- "):
            if lines:
                found.append(Block((" ".join(lines),)))
                lines.clear()
            items.append(line[2:].strip())
        elif items:
            items[-1] = f"{items[-1]} {line}"
        else:
            lines.append(line)
    close()
    return tuple(found)
