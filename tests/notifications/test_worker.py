"""`jigsaw worker`: the jobs loop sends email soon after a commit, without waiting its turn."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from jigsaw.cli import app as cli
from jigsaw.config import Settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.jobs import JOBS, Job, Worker
from jigsaw.notifications import SENDER_WAKE, NotificationKind, notify
from tests.notifications.conftest import People
from tests.smtp import SmtpServer


def eventually(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_job_with_a_wake_event_runs_as_soon_as_it_is_set_and_stop_is_prompt(
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    wake, runs = threading.Event(), []
    job = Job("hourly", timedelta(hours=1), lambda _uow, _s: runs.append(1), wake=wake)
    thread, stop = Worker([job], session_factory, settings).start_in_background()
    try:
        assert eventually(lambda: len(runs) == 1)  # runs at start
        time.sleep(0.1)
        assert len(runs) == 1  # then waits for its hour...
        wake.set()
        assert eventually(lambda: len(runs) == 2)  # ...unless woken
    finally:
        stop.set()
        thread.join(timeout=3)
    assert not thread.is_alive()


def test_the_worker_sends_an_email_as_soon_as_the_notifying_transaction_commits(
    session_factory: sessionmaker[Session], smtp_settings: Settings, smtp_server: SmtpServer,
    uow: UnitOfWork, people: People,
) -> None:  # fmt: skip
    [send] = [job for job in JOBS if job.name == "send emails"]
    assert send.every == timedelta(seconds=10)
    sweeps = []

    def send_and_count(job_uow: UnitOfWork, settings: Settings) -> None:
        send.run(job_uow, settings)
        sweeps.append(1)

    SENDER_WAKE.clear()
    job = Job(send.name, send.every, send_and_count, wake=send.wake)
    thread, stop = Worker([job], session_factory, smtp_settings).start_in_background()
    try:
        # The first sweep finds nothing; the worker then sleeps for ten seconds.
        assert eventually(lambda: len(sweeps) == 1)
        with uow:
            notify(uow, user_ids=[people.dsl.id], kind=NotificationKind.CONCERN_RECEIVED,
                   reference="C-7K3Q9", link="/concerns/5d1c2a")  # fmt: skip
            uow.commit()
        # Well within the ten seconds: the commit woke it.
        assert eventually(lambda: len(smtp_server.messages) == 1, seconds=5)
    finally:
        stop.set()
        thread.join(timeout=3)
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Your concern has been received (C-7K3Q9)"
    ]


def test_jigsaw_worker_has_help() -> None:
    result = CliRunner().invoke(cli, ["worker", "--help"])
    assert result.exit_code == 0, result.output
    assert "send emails" in result.output
    assert "Ctrl+C" in result.output
