"""Runs each job when it is due; one failing job never stops the others."""

import threading
from collections.abc import Sequence
from datetime import datetime

import structlog
from sqlalchemy.orm import Session, sessionmaker

from jigsaw.config import Settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.jobs.registry import Job

log = structlog.get_logger("jigsaw.jobs")
TICK_SECONDS = 30


class Worker:
    """Remembers when each job last ran and runs those that are due."""

    def __init__(
        self, jobs: Sequence[Job], session_factory: sessionmaker[Session], settings: Settings
    ) -> None:
        self.jobs = jobs
        self.session_factory = session_factory
        self.settings = settings
        self.last_run: dict[str, datetime] = {}

    def run_due(self, now: datetime | None = None) -> list[str]:
        """Run every job whose interval has passed; returns the names of those that ran."""
        now = now or clock.now()
        ran = []
        for job in self.jobs:
            last = self.last_run.get(job.name)
            if last is not None and now - last < job.every:
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
        """Run due jobs every tick until ``stop`` is set."""
        while not stop.is_set():
            self.run_due()
            stop.wait(tick_seconds)

    def start_in_background(self) -> tuple[threading.Thread, threading.Event]:
        """Run in a daemon thread (for a single-process deployment); set the event to stop."""
        stop = threading.Event()
        thread = threading.Thread(
            target=self.run_until, args=(stop,), name="jigsaw-jobs", daemon=True
        )
        thread.start()
        return thread, stop
