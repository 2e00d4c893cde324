from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import Organisation
from jigsaw.core.uow import UnitOfWork, UnitOfWorkActive


def add_organisation(uow: UnitOfWork, identifier: str = "1") -> None:
    uow.session.add(
        Organisation(
            name="Eastmoor Primary School",
            kind=AgencyKind.SCHOOL,
            identifier_scheme="urn",
            identifier=identifier,
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )


def count(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(Organisation)) or 0


def test_commit_keeps_the_change(uow: UnitOfWork) -> None:
    with uow:
        add_organisation(uow)
        uow.commit()
    assert count(uow) == 1


def test_leaving_without_commit_rolls_back(uow: UnitOfWork) -> None:
    with uow:
        add_organisation(uow)
        uow.flush()
    assert count(uow) == 0


def test_an_error_rolls_back(uow: UnitOfWork) -> None:
    def fail_midway() -> None:
        with uow:
            add_organisation(uow)
            uow.flush()
            raise LookupError

    with pytest.raises(LookupError):
        fail_midway()
    assert count(uow) == 0


def test_one_service_cannot_open_a_transaction_inside_another(uow: UnitOfWork) -> None:
    with uow, pytest.raises(UnitOfWorkActive):
        uow.__enter__()


def test_session_is_only_available_inside_the_block(uow: UnitOfWork) -> None:
    with pytest.raises(RuntimeError, match="not active"):
        _ = uow.session
    with pytest.raises(RuntimeError, match="not active"):
        uow.on_commit(lambda: None)


def test_after_commit_callbacks_run_only_after_a_commit(uow: UnitOfWork) -> None:
    sent: list[str] = []
    with uow:
        uow.on_commit(lambda: sent.append("rolled back"))
        add_organisation(uow)
    with uow:
        uow.on_commit(lambda: sent.append("explicit rollback"))
        uow.rollback()
        uow.commit()
    with uow:
        add_organisation(uow, "2")
        uow.on_commit(lambda: sent.append(f"committed with {count_inside(uow)} rows"))
        uow.commit()
    assert sent == ["committed with 1 rows"]


def count_inside(uow: UnitOfWork) -> int:
    return uow.session.scalar(select(func.count()).select_from(Organisation)) or 0
