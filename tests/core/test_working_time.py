"""Working time: due times in office hours on England's working days (issue 6)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jigsaw.config import Settings
from jigsaw.core.working_time import (
    LONDON,
    OfficeHours,
    Timescale,
    Unit,
    WorkingCalendar,
    parse_urgencies,
)

CALENDAR = WorkingCalendar()
RED, AMBER, GREEN = Timescale.parse("4h"), Timescale.parse("1d"), Timescale.parse("3d")


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def due(start: datetime, timescale: Timescale, calendar: WorkingCalendar = CALENDAR) -> datetime:
    return calendar.add(start, timescale).astimezone(LONDON)


def test_a_referral_on_friday_afternoon_before_a_bank_holiday_monday_is_due_on_tuesday() -> None:
    friday = london(2026, 8, 28, 15)  # Monday 31 August is the late summer bank holiday
    assert CALENDAR.bank_holiday(date(2026, 8, 31)) == "Late Summer Bank Holiday"

    assert due(friday, AMBER) == london(2026, 9, 1, 15)
    assert due(london(2026, 8, 28, 16), RED) == london(2026, 9, 1, 12)  # 1 hour Fri, 3 Tue


def test_weekends_and_nights_do_not_count() -> None:
    assert due(london(2026, 11, 18, 10), GREEN) == london(2026, 11, 23, 10)  # Wed to Mon
    assert due(london(2026, 11, 21, 10), AMBER) == london(2026, 11, 23, 17)  # Sat: Mon's close
    assert due(london(2026, 11, 19, 7, 30), RED) == london(2026, 11, 19, 13)  # from 09:00
    assert due(london(2026, 11, 19, 22), RED) == london(2026, 11, 20, 13)  # from tomorrow 09:00
    assert due(london(2026, 11, 19, 17), RED) == london(2026, 11, 20, 13)  # at closing time


def test_christmas_and_boxing_day_observed_are_skipped() -> None:
    christmas_eve = london(2026, 12, 24, 16)  # Fri 25, weekend, Mon 28 (Boxing Day observed)
    assert due(christmas_eve, AMBER) == london(2026, 12, 29, 16)


def test_office_hours_and_local_closures_are_configurable() -> None:
    long_day = WorkingCalendar(OfficeHours.parse("08:00-18:00"))
    assert due(london(2026, 11, 19, 16), RED, long_day) == london(2026, 11, 20, 10)
    assert due(london(2026, 11, 19, 9), AMBER, long_day) == london(2026, 11, 20, 9)
    closed = WorkingCalendar(closures=frozenset({date(2026, 11, 20)}))  # a training day
    assert due(london(2026, 11, 19, 16), RED, closed) == london(2026, 11, 23, 12)


def test_due_times_are_utc_across_the_clocks_changing() -> None:
    friday = london(2026, 10, 23, 16)  # BST; the clocks go back on Sunday 25 October
    answer = CALENDAR.add(friday, RED)
    assert answer.tzinfo is not None
    assert answer.utcoffset() == timedelta(0)
    assert answer == datetime(2026, 10, 26, 12, tzinfo=LONDON).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "timescale", "words"),
    [("4h", Timescale(4, Unit.WORKING_HOURS), "4 working hours"),
     (" 1d ", Timescale(1, Unit.WORKING_DAYS), "1 working day"),
     ("3d", Timescale(3, Unit.WORKING_DAYS), "3 working days")],
)  # fmt: skip
def test_timescales_are_written_short_and_read_long(
    text: str, timescale: Timescale, words: str
) -> None:
    assert Timescale.parse(text) == timescale
    assert str(timescale) == words


@pytest.mark.parametrize("text", ["4", "h", "4 hours", "-1d", "1w"])
def test_a_timescale_that_is_not_hours_or_days_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="whole number"):
        Timescale.parse(text)


@pytest.mark.parametrize("text", ["9-5", "17:00-09:00", "09:00-09:00"])
def test_office_hours_that_do_not_make_a_day_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="office"):
        OfficeHours.parse(text)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        CALENDAR.add(datetime(2026, 11, 19, 10), RED)  # noqa: DTZ001


def test_working_time_between_two_moments_skips_what_does_not_count() -> None:
    friday, tuesday = london(2026, 8, 28, 15), london(2026, 9, 1, 10)
    assert CALENDAR.working_time_between(friday, tuesday) == timedelta(hours=3)
    assert CALENDAR.working_time_between(tuesday, friday) == timedelta(0)


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 1),  # noqa: DTZ001
                       timezones=st.just(UTC)),
    minutes=st.integers(min_value=1, max_value=60 * 8 * 15),
)  # fmt: skip
def test_adding_working_time_and_measuring_it_agree(start: datetime, minutes: int) -> None:
    end = CALENDAR.add_working_time(start, timedelta(minutes=minutes))
    assert CALENDAR.working_time_between(start, end) == timedelta(minutes=minutes)
    local = end.astimezone(LONDON)
    assert CALENDAR.is_working_day(local.date())
    assert time(9) < local.time() <= time(17)


def test_urgencies_default_to_red_four_hours_amber_a_day_green_three_days() -> None:
    assert parse_urgencies("red=4h,amber=1d,green=3d") == {
        "red": RED,
        "amber": AMBER,
        "green": GREEN,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [("red=4h,amber=1d", "no timescale for green"),
     ("red=4h,red=2h,amber=1d,green=3d", "each once"),
     ("blue=1d,red=4h,amber=1d,green=3d", "each once"),
     ("red=4x,amber=1d,green=3d", "whole number")],
)  # fmt: skip
def test_urgencies_that_cannot_be_read_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_urgencies(text)


def test_settings_refuse_unreadable_office_hours_or_timescales() -> None:
    assert Settings(office_hours="08:30-18:00").working_calendar().hours.opens == time(8, 30)
    with pytest.raises(ValidationError, match="office hours"):
        Settings(office_hours="all day")
    with pytest.raises(ValidationError, match="no timescale for amber"):
        Settings(mash_timescales="red=4h,green=3d")
    with pytest.raises(ValidationError, match="written red=4h"):
        Settings(consultation_timescales="urgent=1h,amber=4h,green=1d")
