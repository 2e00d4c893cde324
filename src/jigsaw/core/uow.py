"""The unit of work: one transaction per public service, committed explicitly.

Leaving the block without ``commit()`` rolls back (cosmic's contract). It is durable:
entering it while active raises, so one public service cannot call another.
Side effects that leave the process run only after a successful commit.
"""

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWorkActive(RuntimeError):
    """A service tried to open a transaction inside another one."""


class UnitOfWork:
    """A transaction around one business operation."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self._after_commit: list[Callable[[], None]] = []

    @property
    def session(self) -> Session:
        """The active session; only inside ``with uow:``."""
        if self._session is None:
            raise RuntimeError("the unit of work is not active: use `with uow:`")
        return self._session

    @property
    def active(self) -> bool:
        """Whether a transaction is open."""
        return self._session is not None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise UnitOfWorkActive("a unit of work is already active")
        self._session = self._session_factory()
        self._after_commit = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        # close() rolls back anything uncommitted; unlike rollback() it leaves loaded
        # objects readable, so a page can render what a query returned.
        session.close()
        self._after_commit = []

    def flush(self) -> None:
        """Send pending changes to the database without committing."""
        self.session.flush()

    def commit(self) -> None:
        """Commit, then run the after-commit callbacks (email, notifications leaving us)."""
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        """Roll back the transaction and drop the after-commit callbacks."""
        self.session.rollback()
        self._after_commit = []

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` only if and after this transaction commits."""
        if not self.active:
            raise RuntimeError("the unit of work is not active: use `with uow:`")
        self._after_commit.append(callback)
