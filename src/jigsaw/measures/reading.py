"""The rows each measure is worked out from: one period of one MASH, read by index, quickly.

A month of a busy MASH is some ten thousand rows, read on every view of the page. Making a
datetime of every timestamp (and calling the model's column types for every value) costs
more than the database's work, so the database gives each timestamp as an instant: whole
microseconds since 1970 in UTC (``rules.instant``), which the working clock counts in. Enum
values and agency ids come as stored and are looked up, a few distinct values over and over.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import (
    BigInteger,
    String,
    and_,
    case,
    cast,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from jigsaw.consultations.models import Consultation
from jigsaw.consultations.rules import ConsultationOutcome, ConsultationState
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash.models import InformationRequest, MashContact
from jigsaw.mash.rules import ContactState, Outcome
from jigsaw.measures.figures import ConsultationRow, ContactRow, FeedbackRow, RequestRow
from jigsaw.measures.rules import Period, instant

E = TypeVar("E", bound=StrEnum)
# The statements below are Selects of raw columns; typed Any, as their columns are.


@dataclass(frozen=True, slots=True)
class Rows:
    """A period's rows, times as instants.

    Contacts received in it, decisions made in it (with their feedback), partner checks
    asked in it, and consultations created in it.
    """

    contacts: list[ContactRow[str]]  # agencies by their id as text
    feedback: list[FeedbackRow]
    requests: list[RequestRow[str]]
    consultations: list[ConsultationRow]


class _Instant(FunctionElement[int]):
    """A timestamp column as whole microseconds since 1970-01-01 UTC, worked out in SQL."""

    type = BigInteger()
    name = "instant"
    inherit_cache = True


@compiles(_Instant, "sqlite")
def _sqlite_instant(element: _Instant, compiler: SQLCompiler, **kw: Any) -> str:
    # The text as stored ("YYYY-MM-DD HH:MM:SS.ffffff", UTC: core.db.UtcDateTime): SQLite's
    # strftime costs more per value than parsing a whole column at once (``_run``).
    return compiler.process(element.clauses, **kw)


@compiles(_Instant, "postgresql")
def _postgresql_instant(element: _Instant, compiler: SQLCompiler, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(EPOCH FROM {moment}) * 1000000 AS BIGINT)"


def read_rows(uow: UnitOfWork, mash: uuid.UUID, period: Period, agency: uuid.UUID | None) -> Rows:
    """Every row the measures need, in the caller's transaction.

    ``agency`` narrows contacts (and so decisions) to their source, partner checks to the
    agency asked, and consultations to the asker's agency.
    """
    start, end = instant(period.starts_at), instant(period.ends_before)
    contacts: list[ContactRow[str]] = []
    decided: list[FeedbackRow] = []
    for received, decided_at, state, outcome, source, previous, sent in _run(
        uow, _contacts(mash, period, agency), instants=(0, 1, 5, 6)
    ):
        if start <= received < end:
            contacts.append((received, decided_at, _STATES[state], _OUTCOMES.get(outcome),
                             source, previous))  # fmt: skip
        if decided_at is not None and start <= decided_at < end:
            decided.append((decided_at, sent))
    requests = _run(uow, _requests(mash, period, agency), instants=(1, 2, 3))
    consultations = _run(uow, _consultations(mash, period, agency), instants=(2, 3, 4))
    return Rows(
        contacts=contacts, feedback=decided,
        requests=[(asked_of, asked, due, answered) for asked_of, asked, due, answered in requests],
        consultations=[(_CONSULTATION_STATES[state], _CONSULTATION_OUTCOMES.get(outcome),
                        created, due, advised)
                       for state, outcome, created, due, advised in consultations],
    )  # fmt: skip


def _contacts(mash: uuid.UUID, period: Period, agency: uuid.UUID | None) -> Any:
    """Contacts received or decided in the period.

    For those received in it, also when the child's latest earlier contact here was
    received; for those decided in it, when the feedback on the decision was sent. Both
    are kept on the contact when they happen (``mash.intake``, ``mash.feedback``), so a
    period is one read by index.
    """
    c = MashContact
    start, end = period.starts_at, period.ends_before
    previous, sent = _Instant(c.previous_received_at), _Instant(c.feedback_sent_at)
    received = and_(c.received_at >= start, c.received_at < end)
    decided = and_(c.decided_at >= start, c.decided_at < end)
    return (
        select(_Instant(c.received_at), _Instant(c.decided_at), _raw(c.state), _raw(c.outcome),
               _text(c.source_organisation_id),
               case((and_(received, c.child_id.is_not(None)), previous), else_=None),
               case((decided, sent), else_=None))
        .where(or_(and_(c.organisation_id == mash, received),
                   and_(c.organisation_id == mash, decided)))
        .where(*((c.source_organisation_id == agency,) if agency else ()))
    )  # fmt: skip


def _requests(mash: uuid.UUID, period: Period, agency: uuid.UUID | None) -> Any:
    """Partner checks this MASH asked in the period (by the index on the MASH and the time)."""
    r = InformationRequest
    return (
        select(_text(r.organisation_id), _Instant(r.asked_at), _Instant(r.due_at),
               _Instant(r.answered_at))
        .where(r.mash_id == mash, r.asked_at >= period.starts_at,
               r.asked_at < period.ends_before)
        .where(*((r.organisation_id == agency,) if agency else ()))
    )  # fmt: skip


def _consultations(mash: uuid.UUID, period: Period, agency: uuid.UUID | None) -> Any:
    k = Consultation
    return select(
        _raw(k.state), _raw(k.outcome), _Instant(k.created_at), _Instant(k.due_at),
        _Instant(k.advised_at),
    ).where(k.organisation_id == mash, k.created_at >= period.starts_at,
            k.created_at < period.ends_before,
            *((k.asker_organisation_id == agency,) if agency else ()))  # fmt: skip


def _run(uow: UnitOfWork, query: Any, *, instants: tuple[int, ...]) -> Sequence[Any]:
    """All the rows at once (Core, not the ORM: nothing here is an entity).

    The columns at ``instants`` come as instants; SQLite gives them as stored text, parsed
    here a column at a time (numpy reads ISO text; a missing time stays None).
    """
    connection = uow.session.connection()
    rows: Sequence[Any] = connection.execute(query).all()
    if connection.dialect.name != "sqlite" or not rows:
        return rows
    columns = [list(column) for column in zip(*rows, strict=True)]
    for place in instants:
        columns[place] = _parsed(columns[place])
    return list(zip(*columns, strict=True))


def _parsed(texts: list[str | None]) -> list[int | None]:
    moments = np.array([t if t is not None else "NaT" for t in texts], dtype="datetime64[us]")
    values: list[int] = moments.astype(np.int64).tolist()
    return [None if t is None else v for t, v in zip(texts, values, strict=True)]


def _raw(column: Any) -> ColumnElement[Any]:
    """An enum's stored value, as stored."""
    return type_coerce(column, String())


def _text(column: Any) -> ColumnElement[str]:
    """An id as text: PostgreSQL's driver would make a UUID of each, slowly."""
    return cast(column, String())


def _members(enum: type[E]) -> dict[str | None, E]:
    return {member.value: member for member in enum}


_STATES = _members(ContactState)
_OUTCOMES = _members(Outcome)
_CONSULTATION_STATES = _members(ConsultationState)
_CONSULTATION_OUTCOMES = _members(ConsultationOutcome)
