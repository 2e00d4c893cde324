"""The measures' arithmetic: the period asked for, working hours, percentiles, a year back."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from jigsaw.core.errors import Invalid
from jigsaw.core.working_time import LONDON, OfficeHours, WorkingCalendar
from jigsaw.measures.rules import (
    NOTHING,
    Period,
    Share,
    WorkingClock,
    a_year_before,
    median,
    percentile_90,
    read_period,
)
from tests.measures.helpers import at

TODAY = date(2026, 11, 21)
WRONG_START = "Enter the start date as year, month and day, like 2026-10-25"


def moments(seed: int, count: int) -> list[datetime]:
    """Times around Christmas, Easter and both clock changes, in and out of office hours."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data
    starts = [date(2025, 12, 20), date(2026, 3, 26), date(2026, 10, 22), date(2026, 4, 1)]
    found = []
    for _ in range(count):
        day = rng.choice(starts) + timedelta(days=rng.randrange(14))
        minute = rng.choice([rng.randrange(24 * 60), 9 * 60, 17 * 60, rng.randrange(540, 1020)])
        local = datetime.combine(day, time(minute // 60, minute % 60), LONDON)
        found.append(local.astimezone(UTC) + timedelta(seconds=rng.randrange(60)))
    return found


@pytest.mark.parametrize("hours", [OfficeHours(), OfficeHours(time(8, 30), time(18, 0))])
def test_the_clock_agrees_with_the_working_calendar(hours: OfficeHours) -> None:
    calendar = WorkingCalendar(hours)
    clock = WorkingClock(calendar, date(2025, 12, 1))
    points = moments(6, 300)
    for start, end in zip(points, reversed(points), strict=True):
        expected = calendar.working_time_between(start, end).total_seconds() / 3600
        assert clock.hours(start, end) == pytest.approx(expected, abs=1e-9), (start, end)
        for working in (timedelta(minutes=1), hours.day_length, timedelta(hours=30)):
            due = calendar.add_working_time(start, working)
            assert clock.add(start, working) == due, (start, working)
            assert clock.within(start, end, working) is (end <= due), (start, end, working)


def test_one_working_day_from_friday_afternoon_before_a_bank_holiday() -> None:
    clock = WorkingClock(WorkingCalendar(), date(2025, 8, 1))
    friday = at("2025-08-22 16:00")
    assert clock.add(friday, timedelta(hours=8)) == at("2025-08-26 16:00")
    assert clock.hours(friday, at("2025-08-26 10:00")) == 2.0
    # Due at 17:00 on the Tuesday: decided then is on time, after the office shut is late.
    saturday = at("2025-08-23 10:00")
    assert clock.within(saturday, at("2025-08-26 17:00"), timedelta(hours=8))
    assert not clock.within(saturday, at("2025-08-26 17:30"), timedelta(hours=8))
    with pytest.raises(ValueError, match="before the clock's first day"):
        clock.hours(at("2025-07-31 12:00"), friday)
    with pytest.raises(ValueError, match="positive"):
        clock.add(friday, timedelta())


def test_the_clock_reaches_years_ahead() -> None:
    calendar = WorkingCalendar()
    clock = WorkingClock(calendar, date(2024, 1, 1))
    start, end = at("2024-01-02 10:00"), at("2026-06-01 12:00")
    expected = calendar.working_time_between(start, end) / timedelta(hours=1)
    assert clock.hours(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        ("", "", Period(date(2026, 10, 25), TODAY)),  # the last 28 days
        ("2026-11-01", "", Period(date(2026, 11, 1), TODAY)),
        ("", "2026-10-31", Period(date(2026, 10, 4), date(2026, 10, 31))),
        (" 2026-11-21 ", "2026-11-21", Period(TODAY, TODAY)),  # one day
        ("2025-11-21", "2026-11-21", Period(date(2025, 11, 21), TODAY)),  # 366 days
    ],
)
def test_a_period_is_read_with_defaults(start: str, end: str, period: Period) -> None:
    assert read_period(start, end, today=TODAY) == period


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        ("21/11/2026", "", {"from": WRONG_START}),
        ("2026-02-30", "soon", {
            "from": WRONG_START,
            "to": "Enter the end date as year, month and day, like 2026-10-25",
        }),
        ("2026-11-10", "2026-11-01", {"from": "The start date must be on or before the end date"}),
        ("", "2026-11-22", {"to": "The end date must be today or earlier"}),
        ("2025-11-20", "", {"from": "Choose a period of 366 days or fewer"}),
        ("0001-01-01", "", {"from": "Enter a start date in 2000 or later"}),
    ],
)  # fmt: skip
def test_a_wrong_period_says_what_to_fix(start: str, end: str, errors: dict[str, str]) -> None:
    with pytest.raises(Invalid) as refused:
        read_period(start, end, today=TODAY)
    assert refused.value.errors == errors


def test_a_period_runs_from_london_midnight_to_london_midnight() -> None:
    summer = Period(date(2025, 8, 18), date(2025, 8, 29))
    assert summer.starts_at == datetime(2025, 8, 17, 23, 0, tzinfo=UTC)
    assert summer.ends_before == datetime(2025, 8, 29, 23, 0, tzinfo=UTC)
    assert len(summer.days) == 12
    # The clocks go back on 26 October 2025: that day is 25 hours long.
    autumn = Period(date(2025, 10, 26), date(2025, 10, 26))
    assert autumn.ends_before - autumn.starts_at == timedelta(hours=25)


def test_median_and_90th_percentile_by_nearest_rank() -> None:
    assert median([]) is None
    assert percentile_90([]) is None
    assert median([3.0, 1.0, 2.0, 10.0]) == 2.5
    assert percentile_90([5.0]) == 5.0
    assert percentile_90([float(n) for n in range(1, 11)]) == 9.0  # 9th of 10
    assert percentile_90([float(n) for n in range(1, 12)]) == 10.0  # ceil(9.9) = 10th of 11
    assert percentile_90([float(n) for n in range(1, 10)]) == 9.0  # ceil(8.1): the largest


def test_a_share_of_nothing_is_not_a_number() -> None:
    assert Share(0, 0).ratio is None
    assert Share(0, 0).percent == NOTHING
    assert Share(6, 7).percent == "86%"


def test_a_year_before_is_the_same_london_date_and_time() -> None:
    assert a_year_before(at("2025-08-28 16:30")) == at("2024-08-28 16:30")
    assert a_year_before(at("2025-01-10 09:00")) == at("2024-01-10 09:00")  # GMT both
    assert a_year_before(at("2024-02-29 12:00")) == at("2023-02-28 12:00")
