"""The clock: real UTC time, or a fixed moment inside ``clock.reading`` (the demo's history)."""

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from jigsaw.core import clock

A_FRIDAY = datetime(2026, 5, 22, 16, 30, tzinfo=timezone(timedelta(hours=1)))


def test_reading_fixes_now_inside_the_block_only_and_in_utc() -> None:
    with clock.reading(A_FRIDAY):
        assert clock.now() == A_FRIDAY
        assert clock.now().tzinfo is UTC
        assert clock.today().isoformat() == "2026-05-22"
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_reading_is_given_back_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), clock.reading(A_FRIDAY):
        raise RuntimeError
    assert clock.now().year >= 2026
    assert clock.now() != A_FRIDAY


def test_another_thread_keeps_the_real_time() -> None:
    seen: list[datetime] = []
    with clock.reading(A_FRIDAY):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
    assert seen[0] != A_FRIDAY


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"), clock.reading(datetime(2026, 5, 22)):  # noqa: DTZ001
        pass
