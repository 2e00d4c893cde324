"""Runs each job when it is due; one failing job never stops the others."""

import threading
import time
from collections.abc import Collection, Sequence
from datetime import datetime

import structlog
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.jobs.registry import Job

log = structlog.get_logger("jigsaw.jobs")
TICK_SECONDS = 30
# How often a sleeping worker looks at its stop event while it waits for a job's wake-up.
STOP_CHECK_SECONDS = 1.0
# With several wake events, how often the others are glanced at: an event waiting for the
# alert rules should not wait a second for them (a few wake-ups a second cost nothing).
GLANCE_SECONDS = 0.02


class Worker:
    """Remembers when each job last ran and runs those that are due."""

    def __init__(
        self, jobs: Sequence[Job], session_factory: sessionmaker[Session], settings: Settings
    ) -> None:
        self.jobs = jobs
        self.session_factory = session_factory
        self.settings = settings
        self.last_run: dict[str, datetime] = {}

    def run_due(self, now: datetime | None = None, *, woken: Collection[str] = ()) -> list[str]:
        """Run every job whose interval has passed, and those ``woken``; returns those that ran."""
        now = now or clock.now()
        ran = []
        for job in self.jobs:
            last = self.last_run.get(job.name)
            if job.name not in woken and last is not None and now - last < job.every:
                continue
            self.last_run[job.name] = now
            try:
                job.run(UnitOfWork(self.session_factory), self.settings)
            except Exception:
                log.exception("job.failed", job=job.name)
                continue
            ran.append(job.name)
        return ran

    def run_until(self, stop: threading.Event, tick_seconds: float = TICK_SECONDS) -> None:
        """Run jobs as they fall due (looking at least every tick) until ``stop`` is set.

        A job's wake event, when set, runs that job at once instead of at its next turn.
        """
        while not stop.is_set():
            self.run_due(woken=self._take_woken())
            self._sleep(stop, self._seconds_to_next_due(tick_seconds))

    def _take_woken(self) -> set[str]:
        """The jobs whose wake event is set, clearing it first so a new wake-up is not lost."""
        woken = set()
        for job in self.jobs:
            if job.wake is not None and job.wake.is_set():
                job.wake.clear()
                woken.add(job.name)
        return woken

    def _seconds_to_next_due(self, tick_seconds: float) -> float:
        now = clock.now()
        waits = [
            (self.last_run[job.name] + job.every - now).total_seconds()
            for job in self.jobs
            if job.name in self.last_run
        ]
        return max(0.0, min([tick_seconds, *waits]))

    def _sleep(self, stop: threading.Event, seconds: float) -> None:
        """Wait until ``seconds`` pass, ``stop`` is set or a job's wake event is."""
        wakes = [job.wake for job in self.jobs if job.wake is not None]
        if not wakes:
            stop.wait(seconds)
            return
        deadline = time.monotonic() + seconds
        while not stop.is_set() and not any(wake.is_set() for wake in wakes):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            # threading has no wait-for-any: wait on the first, glance at the rest and stop.
            wakes[0].wait(min(left, STOP_CHECK_SECONDS if len(wakes) == 1 else GLANCE_SECONDS))

    def start_in_background(self) -> tuple[threading.Thread, threading.Event]:
        """Run in a daemon thread (for a single-process deployment); set the event to stop."""
        stop = threading.Event()
        thread = threading.Thread(
            target=self.run_until, args=(stop,), name="jigsaw-jobs", daemon=True
        )
        thread.start()
        return thread, stop
