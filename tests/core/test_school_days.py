"""School days and "before the start of the next school day" (issue 7, Operation Encompass).

Every expected answer is worked out by hand in the comment beside it, from a calendar:
England's 2026 bank holidays are 1 Jan, 3 Apr (Good Friday), 6 Apr, 4 May, 25 May, 31 Aug,
25 Dec and 28 Dec (Boxing Day observed). The clocks go forward at 01:00 UTC on Sunday
29 March 2026 and back at 01:00 UTC on Sunday 25 October 2026: 08:30 in London is 07:30
UTC in between (BST) and 08:30 UTC outside (GMT).
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.core.school_days import (
    SchoolCalendar,
    TermDates,
    parse_inset_days,
    parse_school_day_starts,
    parse_term_dates,
)
from jigsaw.core.working_time import LONDON

# A local authority's 2025/26 year and the autumn of 2026, one range per half term.
TERMS = TermDates.parse(
    "2025-09-03..2025-10-24, 2025-11-03..2025-12-19, 2026-01-05..2026-02-13, "
    "2026-02-23..2026-03-27, 2026-04-13..2026-05-22, 2026-06-01..2026-07-22, "
    "2026-09-03..2026-10-23, 2026-11-02..2026-12-18"
)
IN_TERM = SchoolCalendar(TERMS)
EVERY_WEEKDAY = SchoolCalendar()


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_friday_night_before_a_bank_holiday_monday_is_due_before_school_on_tuesday() -> None:
    # Fri 1 May 2026 22:00 (summer term); Sat, Sun; Mon 4 May is May Day; Tue 5 May 08:30
    # BST = 07:30 UTC.
    assert IN_TERM.next_school_day_start(london(2026, 5, 1, 22)) == utc(2026, 5, 5, 7, 30)
    # Issue 7's example with no term dates: Fri 28 Aug 2026 22:00; Mon 31 Aug is the late
    # summer bank holiday; Tue 1 Sep 08:30 BST = 07:30 UTC.
    assert EVERY_WEEKDAY.next_school_day_start(london(2026, 8, 28, 22)) == utc(2026, 9, 1, 7, 30)


@pytest.mark.parametrize(
    ("incident", "due"),
    [
        # Wed 14 Jan 2026 is a school day (spring term, GMT).
        (london(2026, 1, 14, 2), utc(2026, 1, 14, 8, 30)),  # 02:00: before that day's start
        (london(2026, 1, 14, 8, 29), utc(2026, 1, 14, 8, 30)),  # a minute before: the same
        (london(2026, 1, 14, 8, 30), utc(2026, 1, 15, 8, 30)),  # at the start: school began
        (london(2026, 1, 14, 10), utc(2026, 1, 15, 8, 30)),  # 10:00: Thursday's start
    ],
)
def test_before_the_start_of_the_next_school_day(incident: datetime, due: datetime) -> None:
    assert IN_TERM.next_school_day_start(incident) == due


def test_weekends_are_not_school_days() -> None:
    # Fri 16 Jan 2026 10:00 (school has started) and Sat 17 Jan 14:00 are both due on
    # Mon 19 Jan 08:30 GMT = 08:30 UTC.
    assert IN_TERM.next_school_day_start(london(2026, 1, 16, 10)) == utc(2026, 1, 19, 8, 30)
    assert IN_TERM.next_school_day_start(london(2026, 1, 17, 14)) == utc(2026, 1, 19, 8, 30)
    assert not IN_TERM.is_school_day(date(2026, 1, 17))


def test_half_term_and_holidays_are_not_school_days() -> None:
    # Fri 13 Feb 2026 18:00 ends spring half term 1; 16-20 Feb is half term; the next
    # range starts Mon 23 Feb: 08:30 GMT = 08:30 UTC.
    assert IN_TERM.next_school_day_start(london(2026, 2, 13, 18)) == utc(2026, 2, 23, 8, 30)
    # Mon 10 Aug 2026 is in the summer holidays: the autumn term starts Thu 3 Sep, 08:30
    # BST = 07:30 UTC.
    assert IN_TERM.next_school_day_start(london(2026, 8, 10, 11)) == utc(2026, 9, 3, 7, 30)
    # Without term dates, every weekday is a school day: Tue 11 Aug 08:30 BST.
    assert EVERY_WEEKDAY.next_school_day_start(london(2026, 8, 10, 11)) == utc(2026, 8, 11, 7, 30)


def test_an_inset_day_is_not_a_school_day() -> None:
    # Tue 23 Dec 2025 is in the Christmas holidays; term starts Mon 5 Jan 2026, 08:30 GMT.
    christmas = london(2025, 12, 23, 20)
    assert IN_TERM.next_school_day_start(christmas) == utc(2026, 1, 5, 8, 30)
    # With Mon 5 Jan an inset (training) day, the first school day is Tue 6 Jan.
    inset = SchoolCalendar(TERMS, inset_days=frozenset({date(2026, 1, 5)}))
    assert inset.next_school_day_start(christmas) == utc(2026, 1, 6, 8, 30)


def test_a_bank_holiday_in_term_is_not_a_school_day() -> None:
    assert IN_TERM.is_school_day(date(2026, 5, 5))  # Tuesday, summer term
    assert not IN_TERM.is_school_day(date(2026, 5, 4))  # May Day, inside the same range


@pytest.mark.parametrize(
    ("calendar", "incident", "due"),
    [
        # Clocks go back on Sun 25 Oct 2026. Fri 23 Oct 22:00 BST (21:00 UTC): with no terms,
        # Mon 26 Oct 08:30 is now GMT, so 08:30 UTC (not 07:30, Friday's offset).
        (EVERY_WEEKDAY, london(2026, 10, 23, 22), utc(2026, 10, 26, 8, 30)),
        # 01:30 on the Sunday happens twice; the first (BST, 00:30 UTC) is due Monday too.
        (EVERY_WEEKDAY, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 8, 30)),
        # With terms, 26-30 Oct is half term: Mon 2 Nov 08:30 GMT = 08:30 UTC.
        (IN_TERM, london(2026, 10, 23, 22), utc(2026, 11, 2, 8, 30)),
        # Clocks go forward on Sun 29 Mar 2026. Sat 28 Mar 21:00 GMT: Mon 30 Mar 08:30 BST
        # = 07:30 UTC.
        (EVERY_WEEKDAY, london(2026, 3, 28, 21), utc(2026, 3, 30, 7, 30)),
        # Sun 29 Mar 00:30 GMT, half an hour before the change: the same Monday start.
        (EVERY_WEEKDAY, utc(2026, 3, 29, 0, 30), utc(2026, 3, 30, 7, 30)),
        # With terms, the Easter holidays run to Fri 10 Apr: Mon 13 Apr 08:30 BST = 07:30 UTC.
        (IN_TERM, london(2026, 3, 28, 21), utc(2026, 4, 13, 7, 30)),
    ],
)
def test_the_clocks_changing(calendar: SchoolCalendar, incident: datetime, due: datetime) -> None:
    assert calendar.next_school_day_start(incident) == due


def test_beyond_the_configured_terms_every_weekday_counts() -> None:
    # The last range ends Fri 18 Dec 2026. Mon 21 Dec 10:00 is after it, so (rather than
    # never being due) the next weekday counts: Tue 22 Dec 08:30 GMT.
    assert not TERMS.covers(date(2026, 12, 21))
    assert IN_TERM.next_school_day_start(london(2026, 12, 21, 10)) == utc(2026, 12, 22, 8, 30)
    # Before the first range (Wed 3 Sep 2025) likewise: Wed 27 Aug 2025 10:00 -> Thu 28 Aug
    # 08:30 BST = 07:30 UTC.
    assert IN_TERM.next_school_day_start(london(2025, 8, 27, 10)) == utc(2025, 8, 28, 7, 30)


def test_the_start_of_the_school_day_is_configurable() -> None:
    later = SchoolCalendar(TERMS, starts=time(8, 50))
    # Wed 14 Jan 2026 08:40 GMT is before an 08:50 start: the same day, 08:50 UTC.
    assert later.next_school_day_start(london(2026, 1, 14, 8, 40)) == utc(2026, 1, 14, 8, 50)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        IN_TERM.next_school_day_start(datetime(2026, 1, 14, 10))  # noqa: DTZ001


# Hypothesis takes naive bounds and attaches the zone itself.
MOMENTS = st.datetimes(datetime(2025, 7, 1), datetime(2027, 2, 1), timezones=st.just(UTC))  # noqa: DTZ001


@given(MOMENTS)
def test_the_answer_is_the_first_school_day_start_after_the_moment(moment: datetime) -> None:
    due = IN_TERM.next_school_day_start(moment)
    assert due > moment
    assert due.utcoffset() == timedelta(0)
    local = due.astimezone(LONDON)
    assert local.time() == time(8, 30)
    assert IN_TERM.is_school_day(local.date())
    day = moment.astimezone(LONDON).date()
    while day < local.date():  # no school day starts in between
        assert not IN_TERM.is_school_day(day) or IN_TERM.day_starts(day) <= moment
        day += timedelta(days=1)


def test_term_dates_are_read_and_written_back() -> None:
    text = "2025-09-03..2025-10-24, 2025-11-03..2025-12-19"
    terms = TermDates.parse(text)
    assert terms.terms == (
        (date(2025, 9, 3), date(2025, 10, 24)),
        (date(2025, 11, 3), date(2025, 12, 19)),
    )
    assert str(terms) == text
    assert terms.in_term(date(2025, 10, 24))  # the last day is included
    assert not terms.in_term(date(2025, 10, 27))  # half term
    assert terms.covers(date(2025, 10, 27))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-09-03", "term 1 is not a range"),
        ("2025-09-03..2025-12-19, 2026-01-05", "term 2 is not a range"),
        ("2025-09-03..2025-13-19", "term 1 has a date that is not one; write YYYY-MM-DD"),
        ("2025-12-19..2025-09-03", "term 1 ends before it starts"),
        ("2025-09-03..2025-12-19, 2025-12-01..2026-03-27", "term 2 starts before term 1 ends"),
        ("2026-01-05..2026-03-27, 2025-09-03..2025-12-19", "term 2 starts before term 1 ends"),
    ],
)
def test_term_dates_that_cannot_be_read_say_which_term(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TermDates.parse(text)


def test_the_settings_read_blank_as_the_defaults() -> None:
    assert parse_term_dates("  ") is None
    assert parse_term_dates("2025-09-03..2025-12-19") == TermDates(
        ((date(2025, 9, 3), date(2025, 12, 19)),)
    )
    assert parse_school_day_starts("08:30") == time(8, 30)
    assert parse_school_day_starts(" 8:45 ") == time(8, 45)
    assert parse_inset_days("") == frozenset()
    assert parse_inset_days("2026-01-05, 2026-06-01") == {date(2026, 1, 5), date(2026, 6, 1)}


@pytest.mark.parametrize("text", ["0830", "24:00", "08:60", "half eight", ""])
def test_a_start_that_is_not_a_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="written like 08:30"):
        parse_school_day_starts(text)


def test_an_inset_day_that_is_not_a_date_is_named_by_position() -> None:
    with pytest.raises(ValueError, match="inset day 2 is not a date"):
        parse_inset_days("2026-01-05, 2026-02-30")
