"""Persistence primitives shared by every capability: Base, column types and engines.

Both engines are first class: SQLite (embedded default) and PostgreSQL (production).
"""

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
    Uuid,
    create_engine,
    event,
    insert,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ENUM_LENGTH = 64


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always aware UTC; naive datetimes are refused.

    SQLite drops the UTC offset, so values read back are re-marked as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes and store everything in UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: use jigsaw.core.clock.now()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        """Return aware UTC whatever the engine gave back."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class StrEnumValue(TypeDecorator[StrEnum]):
    """A ``StrEnum`` stored by value in a plain string column.

    No database enum and no CHECK constraint: adding a member needs no migration, and
    the column reads the same on both engines. Unknown stored values fail loudly.
    """

    impl = String(ENUM_LENGTH)
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: StrEnum | str | None, _dialect: Dialect) -> str | None:
        """Store the member's value, validating plain strings against the enum."""
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value: str | None, _dialect: Dialect) -> StrEnum | None:
        """Turn the stored value back into the member."""
        if value is None:
            return None
        return self.enum_class(value)

    @property
    def python_type(self) -> type[StrEnum]:
        """The enum class this column holds."""
        return self.enum_class


class Base(DeclarativeBase):
    """Declarative base for every Jigsaw model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UtcDateTime(),
        uuid.UUID: Uuid(),
    }


def enum_column(enum_class: type[StrEnum], **kwargs: Any) -> Mapped[Any]:
    """A column holding ``enum_class`` by value."""
    return mapped_column(StrEnumValue(enum_class), **kwargs)


class IdMixin:
    """A UUID primary key generated in Python, the same on both engines."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and real transactions.

    Statement parameters are kept out of error messages and logs: they hold personal data.
    """
    kwargs.setdefault("hide_parameters", True)
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    if ":memory:" in url or url in {"sqlite://", "sqlite:///"}:
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """SQLite setup, including SQLAlchemy's documented pysqlite transaction recipe.

    pysqlite's own BEGIN handling breaks SAVEPOINT; we turn it off and emit BEGIN ourselves.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:  # noqa: ARG001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at the start: nearly every request writes an
        # audit row, and a deferred transaction that reads then writes can fail at once
        # (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions keep loaded objects usable after commit so templates can render them."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def open_engine(url: str, **kwargs: Any) -> Iterator[Engine]:
    """An engine for one command, its connections closed when the command ends."""
    engine = make_engine(url, **kwargs)
    try:
        yield engine
    finally:
        engine.dispose()


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows in the session's transaction with one driver call (bulk work only).

    Every row has the same keys and gives every column a Python-side default would fill
    (none is applied here). Values are converted by the columns' own types, as any insert
    converts them, but a column at a time: SQLAlchemy's executemany converts one row at a
    time, which at a hundred thousand rows costs more than the insert itself.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    order = list(compiled.positiontup or compiled.binds)
    if set(order) != set(names):
        raise ValueError(f"rows for {table.name} must give exactly the columns {sorted(order)}")
    columns: dict[str, list[Any]] = {}
    for name in names:
        values = [row[name] for row in rows]
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        columns[name] = _converted(values, process) if process else values
    by_row = zip(*(columns[name] for name in order), strict=True)
    if compiled.positiontup is not None:  # "?" (SQLite): values in the statement's order
        parameters: list[Any] = list(by_row)
    else:  # "%(name)s" (psycopg)
        parameters = [dict(zip(order, values, strict=True)) for values in by_row]
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(compiled.string, parameters)
    finally:
        cursor.close()


def _converted(values: list[Any], process: Callable[[Any], Any]) -> list[Any]:
    """Convert a column's values, each distinct value once (a batch shares its time, actor...)."""
    done: dict[Any, Any] = {}
    try:
        return [done[value] if value in done else done.setdefault(value, process(value))
                for value in values]  # fmt: skip
    except TypeError:  # unhashable values (JSON documents): convert each one
        return [process(value) for value in values]
