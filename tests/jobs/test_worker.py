from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.config import Settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.jobs import JOBS, Job, Worker

NOW = datetime(2026, 11, 21, 9, tzinfo=UTC)


def test_jobs_run_when_due_and_a_failure_stops_no_other(
    session_factory: sessionmaker[Session], settings: Settings
) -> None:
    calls: list[str] = []

    def broken(_uow: UnitOfWork, _settings: Settings) -> None:
        calls.append("broken")
        raise RuntimeError("boom")

    def fine(_uow: UnitOfWork, _settings: Settings) -> None:
        calls.append("fine")

    worker = Worker(
        [Job("broken", timedelta(minutes=1), broken), Job("fine", timedelta(minutes=5), fine)],
        session_factory,
        settings,
    )
    assert worker.run_due(NOW) == ["fine"]
    assert worker.run_due(NOW + timedelta(seconds=30)) == []
    assert worker.run_due(NOW + timedelta(minutes=2)) == []
    assert worker.run_due(NOW + timedelta(minutes=6)) == ["fine"]
    assert calls == ["broken", "fine", "broken", "broken", "fine"]


def test_the_audit_checkpoint_job_signs_the_chain(
    session_factory: sessionmaker[Session], settings: Settings, uow: UnitOfWork
) -> None:
    with uow:
        audit.record(
            uow, Actor.system("test"), "test:happened", subject_type="test", subject_id=None
        )
        uow.commit()
    worker = Worker(JOBS, session_factory, settings)
    assert "audit checkpoint" in worker.run_due()
    with uow:
        checkpoint = audit.get_latest_checkpoint(uow)
    assert checkpoint is not None
    assert (settings.data_dir / "audit_signing_key.pem").exists()
