"""The rows each measure is worked out from: one period of one MASH, read by index, quickly.

A month of a busy MASH is some ten thousand rows, read on every view of the page. Making a
datetime of every timestamp (and calling the model's column types for every value) costs
more than the database's work, so the database gives each timestamp as an instant: whole
microseconds since 1970 in UTC (``rules.instant``), which the working clock counts in. The
rows are then turned into columns (``figures.Contacts`` and the rest), never into a tuple
or an enum member per row: enum values stay as stored, agency ids as text, each column an
array.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    String,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from jigsaw.consultations.models import Consultation
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash.models import InformationRequest, MashContact
from jigsaw.measures.figures import Advice, Checks, Coded, Contacts, Decisions
from jigsaw.measures.rules import MISSING, Instants, Period, instant

# The statements below are Selects of raw columns; typed Any, as their columns are.


@dataclass(frozen=True, slots=True)
class Rows:
    """A period's rows as columns, times as instants.

    Contacts received in it, decisions made in it (with their feedback), partner checks
    asked in it, and consultations created in it.
    """

    contacts: Contacts[str]  # agencies by their id as text
    feedback: Decisions
    requests: Checks[str]
    consultations: Advice


class _Instant(FunctionElement[int]):
    """A timestamp column as whole microseconds since 1970-01-01 UTC, worked out in SQL."""

    type = BigInteger()
    name = "instant"
    inherit_cache = True


@compiles(_Instant, "sqlite")
def _sqlite_instant(element: _Instant, compiler: SQLCompiler, **kw: Any) -> str:
    # The text as stored ("YYYY-MM-DD HH:MM:SS.ffffff", UTC: core.db.UtcDateTime): SQLite's
    # strftime costs more per value than parsing a whole column at once (``_columns``).
    return compiler.process(element.clauses, **kw)


@compiles(_Instant, "postgresql")
def _postgresql_instant(element: _Instant, compiler: SQLCompiler, **kw: Any) -> str:
    # date_part's double, not EXTRACT's numeric: numeric arithmetic made this the query's
    # slowest part. A double holds seconds since 1970 to within a tenth of a microsecond
    # (until the year 2255), so rounding the microseconds gives the instant exactly.
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(round(date_part('epoch', {moment}) * 1000000) AS BIGINT)"


def read_rows(uow: UnitOfWork, mash: uuid.UUID, period: Period, agency: uuid.UUID | None) -> Rows:
    """Every row the measures need, in the caller's transaction.

    ``agency`` narrows contacts (and so decisions) to their source, partner checks to the
    agency asked, and consultations to the asker's agency.
    """
    start, end = instant(period.starts_at), instant(period.ends_before)
    received, decided, states, outcomes, sources, previous, sent = _columns(
        uow, _contacts(mash, period, agency), instants=(0, 1, 5, 6)
    )
    arrived = (start <= received) & (received < end)
    settled = (start <= decided) & (decided < end)  # never when MISSING: it is the least
    asked_of, asked, due, answered = _columns(uow, _requests(mash, period, agency),
                                              instants=(1, 2, 3))  # fmt: skip
    advice_states, advice_outcomes, created, advice_due, advised = _columns(
        uow, _consultations(mash, period, agency), instants=(2, 3, 4)
    )
    return Rows(
        contacts=Contacts(received=received[arrived], decided=decided[arrived],
                          states=Coded.of(states)[arrived], outcomes=Coded.of(outcomes)[arrived],
                          sources=Coded.of(compress(sources, arrived.tolist())),
                          previous=previous[arrived]),
        feedback=Decisions(decided=decided[settled], sent=sent[settled]),
        requests=Checks(asked_of=Coded.of(asked_of), asked=asked, due=due, answered=answered),
        consultations=Advice(states=Coded.of(advice_states), outcomes=Coded.of(advice_outcomes),
                             created=created, due=advice_due, advised=advised),
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
        select(_Instant(c.received_at), _Instant(c.decided_at), _raw(c.state), _stored(c.outcome),
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
        _raw(k.state), _stored(k.outcome), _Instant(k.created_at), _Instant(k.due_at),
        _Instant(k.advised_at),
    ).where(k.organisation_id == mash, k.created_at >= period.starts_at,
            k.created_at < period.ends_before,
            *((k.asker_organisation_id == agency,) if agency else ()))  # fmt: skip


def _columns(uow: UnitOfWork, query: Any, *, instants: tuple[int, ...]) -> list[Any]:
    """All the rows at once (Core, not the ORM: nothing here is an entity), as columns.

    The columns at ``instants`` are arrays of instants, MISSING for no time; the others are
    sequences of values as the driver gives them.
    """
    connection = uow.session.connection()
    if connection.dialect.name == "sqlite":
        return _joined_columns(connection, query, instants)
    rows: Sequence[Any] = connection.execute(query).all()
    width = len(query.selected_columns)
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [()] * width
    for place in instants:
        columns[place] = _numbers(columns[place])
    return columns


def _joined_columns(connection: Connection, query: Any, instants: tuple[int, ...]) -> list[Any]:
    """SQLite's rows as one text per column, each column's values joined by commas.

    Python's driver makes an object of every value of every row, which cost more than
    SQLite's reading; joined, it makes one per column, split here and the instants parsed a
    column at a time (numpy reads the stored ISO text, and "NaT" for no time). Every
    aggregate of one statement sees the rows in the same order, so the columns line up.
    No value holds a comma: times, enum values and ids.
    """
    rows = query.subquery()
    joined = select(*(func.group_concat(func.coalesce(column, "NaT" if n in instants else ""))
                      for n, column in enumerate(rows.c)))  # fmt: skip
    texts = connection.execute(joined).one()
    columns: list[Any] = [() if text is None else text.split(",") for text in texts]
    for place in instants:
        columns[place] = _parsed(columns[place])
    return columns


def _parsed(texts: Sequence[str]) -> Instants:
    moments = np.array(texts, dtype="datetime64[us]")
    return moments.astype(np.int64)


def _numbers(values: Sequence[int | None]) -> Instants:
    if None in values:
        values = [MISSING if v is None else v for v in values]
    return np.array(values, dtype=np.int64)


def _raw(column: Any) -> ColumnElement[Any]:
    """An enum's stored value, as stored."""
    return type_coerce(column, String())


def _stored(column: Any) -> ColumnElement[Any]:
    """A nullable enum's stored value, "" for none."""
    return func.coalesce(_raw(column), "")


def _text(column: Any) -> ColumnElement[str]:
    """An id as text: PostgreSQL's driver would make a UUID of each, slowly."""
    return cast(column, String())
