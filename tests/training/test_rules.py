"""Ages and times in a scenario's words, names of spaces, and where a timeline is."""

from datetime import UTC, date, datetime

import pytest

from jigsaw.training.rules import (
    Age,
    Progress,
    born_on,
    happened_at,
    parse_age,
    parse_clock_time,
    space_name_problem,
)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("8 years 4 months", Age(years=8, months=4)),
        ("5 weeks", Age(weeks=5)),
        ("29 years", Age(years=29)),
        ("1 year, 2 months", Age(years=1, months=2)),
        ("10 days", Age(days=10)),
    ],
)
def test_ages_read_as_people_write_them(text: str, age: Age) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "eight", "8", "8 years 8 years", "years 8", "200 years"])
def test_anything_else_is_not_an_age(text: str) -> None:
    with pytest.raises(ValueError, match="is not an age"):
        parse_age(text)


def test_a_birthday_is_counted_back_from_today() -> None:
    assert born_on(Age(years=8, months=4), date(2026, 11, 21)) == date(2018, 7, 21)
    assert born_on(Age(weeks=5), date(2026, 11, 21)) == date(2026, 10, 17)
    # 31 March less a month is the end of February, not an error.
    assert born_on(Age(months=1), date(2026, 3, 31)) == date(2026, 2, 28)
    assert born_on(Age(years=1, months=2), date(2026, 1, 15)) == date(2024, 11, 15)


def test_an_event_happens_days_before_the_scenario_was_loaded_and_never_in_the_future() -> None:
    loaded = datetime(2026, 7, 6, 10, 0, tzinfo=UTC)  # 11:00 in London (summer time)
    later = datetime(2026, 7, 9, 9, 0, tzinfo=UTC)  # the session, three days on
    assert happened_at(days_ago=2, at="23:10", anchor=loaded, now=later) == datetime(
        2026, 7, 4, 22, 10, tzinfo=UTC
    )
    assert happened_at(days_ago=0, at="15:00", anchor=loaded, now=later) == datetime(
        2026, 7, 6, 14, 0, tzinfo=UTC
    )
    assert happened_at(days_ago=3, at=None, anchor=loaded, now=later) == datetime(
        2026, 7, 3, 10, 0, tzinfo=UTC
    )
    # Run on the day it was loaded, before the story's last hour: it happened just now.
    assert happened_at(days_ago=0, at="15:00", anchor=loaded, now=loaded) == loaded


def test_clock_times_are_on_the_24_hour_clock() -> None:
    assert parse_clock_time("00:40").hour == 0
    for wrong in ("24:00", "7pm", "7:5"):
        with pytest.raises(ValueError, match="24-hour clock"):
            parse_clock_time(wrong)


def test_space_names_are_simple() -> None:
    assert space_name_problem("safeguarding-week") is None
    for wrong in ("", "Safeguarding Week", "../live", "a" * 41, "-x"):
        assert space_name_problem(wrong) is not None


def test_progress_through_a_timeline() -> None:
    start = Progress(0, 3)
    assert (start.started, start.finished, start.next_step) == (False, False, 1)
    assert Progress(2, 3).next_step == 3
    end = Progress(3, 3)
    assert (end.started, end.finished, end.next_step) == (True, True, None)
