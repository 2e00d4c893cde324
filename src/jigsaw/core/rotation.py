"""Key rotation: re-encrypt every encrypted value that is not under the primary key.

Rows are moved in batches, each its own transaction, so a large table never holds one
long transaction; a crash part-way leaves every value readable, because old keys stay in
the keyring until the whole run has committed. Rows are read raw (no ORM), so rotation
works on any registered column whatever its model.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, column, func, select, table, update
from sqlalchemy.sql.expression import TableClause

from jigsaw.core.encryption import (
    BLOB_MAGIC,
    TEXT_PREFIX,
    DecryptError,
    EncryptedColumn,
    Keyring,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    key_id_of,
    registered,
)
from jigsaw.core.uow import UnitOfWork

BATCH_SIZE = 500
Progress = Callable[[int, int], None]


class RotationStopped(RuntimeError):
    """A value could not be decrypted; its batch was left unchanged and the run stopped."""


@dataclass(frozen=True, slots=True)
class ColumnUsage:
    """How many values of one column each key encrypts (``other``: keys not in the keyring).

    Empty values (NULL, "" or no bytes) are not counted: they encrypt nothing.
    """

    label: str
    by_key: dict[str, int]
    other: int

    @property
    def total(self) -> int:
        """Every non-empty value in the column."""
        return sum(self.by_key.values()) + self.other


@dataclass(frozen=True, slots=True)
class RotationReport:
    """What one rotation did, and which keys no value of its columns uses any more."""

    primary_id: str
    examined: int
    reencrypted: dict[str, int]
    usage: tuple[ColumnUsage, ...]
    unused_key_ids: tuple[str, ...]

    @property
    def reencrypted_total(self) -> int:
        """Values moved onto the primary key, in every column."""
        return sum(self.reencrypted.values())


def rotate(
    uow: UnitOfWork,
    keyring: Keyring,
    *,
    columns: Iterable[EncryptedColumn] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> RotationReport:
    """Move every value of ``columns`` (default: all registered) onto the primary key.

    Then count, in SQL, which keys still encrypt anything.

    Raises:
        RotationStopped: a value is under a key missing from the keyring, altered, or not
            encrypted; nothing in its batch changed, earlier batches stay committed.
    """
    chosen = registered() if columns is None else tuple(columns)
    with uow:
        total = sum(_count(uow, col) for col in chosen)
    examined = 0
    reencrypted: dict[str, int] = {}
    for col in chosen:
        reencrypted[col.label] = 0
        for rows, changed in _batches(uow, col, keyring, batch_size):
            examined += rows
            reencrypted[col.label] += changed
            if progress is not None:
                progress(examined, total)
    usage = key_usage(uow, keyring, columns=chosen)
    unused = tuple(
        key_id
        for key_id in keyring.ids[1:]
        if not any(column_usage.by_key[key_id] for column_usage in usage)
    )
    return RotationReport(keyring.primary_id, examined, reencrypted, usage, unused)


def key_usage(
    uow: UnitOfWork, keyring: Keyring, *, columns: Iterable[EncryptedColumn] | None = None
) -> tuple[ColumnUsage, ...]:
    """Per column, how many values each key in ``keyring`` encrypts (counted in SQL)."""
    chosen = registered() if columns is None else tuple(columns)
    usage = []
    with uow:
        for col in chosen:
            by_key = {key_id: _count(uow, col, _under_key(col, key_id)) for key_id in keyring.ids}
            usage.append(ColumnUsage(col.label, by_key, _count(uow, col) - sum(by_key.values())))
    return tuple(usage)


def _batches(
    uow: UnitOfWork, col: EncryptedColumn, keyring: Keyring, batch_size: int
) -> Iterable[tuple[int, int]]:
    """Walk ``col`` in id order, one committed transaction per batch: (rows, re-encrypted)."""
    source = _table(col)
    row_id, value = source.c[col.id_column], source.c[col.column]
    after: Any = None
    while True:
        with uow:
            query = select(row_id, value).where(_holds_a_value(col))
            if after is not None:
                query = query.where(row_id > after)
            query = query.order_by(row_id).limit(batch_size).with_for_update()
            rows = uow.session.execute(query).all()
            if not rows:
                return
            changes = [
                {"b_id": rid, "b_value": _reencrypt(col, keyring, rid, stored)}
                for rid, stored in rows
                if _key_of(col, rid, stored) != keyring.primary_id
            ]
            if changes:
                statement = (
                    update(source)
                    .where(row_id == bindparam("b_id"))
                    .values({col.column: bindparam("b_value")})
                )
                uow.session.execute(statement, changes)
            uow.commit()
        after = rows[-1][0]
        yield len(rows), len(changes)


def _key_of(col: EncryptedColumn, row_id: object, stored: str | bytes) -> str:
    try:
        return key_id_of(stored)
    except DecryptError as error:
        raise _stopped(col, row_id, error) from error


def _reencrypt(
    col: EncryptedColumn, keyring: Keyring, row_id: object, stored: str | bytes
) -> str | bytes:
    context = col.context(row_id)
    try:
        if isinstance(stored, str):
            return encrypt_text(
                keyring, decrypt_text(keyring, stored, context=context), context=context
            )
        return encrypt_bytes(
            keyring, decrypt_bytes(keyring, stored, context=context), context=context
        )
    except DecryptError as error:
        raise _stopped(col, row_id, error) from error


def _stopped(col: EncryptedColumn, row_id: object, error: DecryptError) -> RotationStopped:
    # The row id and key id only: neither is personal data.
    row = col.context(row_id).rpartition(":")[2]
    return RotationStopped(
        f"{col.label}, row {row}: {error}. Nothing in this batch was changed; every value "
        "stays readable with the keys it has now."
    )


def _count(
    uow: UnitOfWork, col: EncryptedColumn, condition: ColumnElement[bool] | None = None
) -> int:
    source = _table(col)
    query = select(func.count()).select_from(source).where(_holds_a_value(col))
    if condition is not None:
        query = query.where(condition)
    return int(uow.session.execute(query).scalar_one())


def _holds_a_value(col: EncryptedColumn) -> ColumnElement[bool]:
    # Empty values (NULL, "" or no bytes) encrypt nothing, so there is nothing to move.
    value = _table(col).c[col.column]
    empty: ColumnElement[bool] = func.length(value) == 0 if col.kind == "bytes" else value == ""
    return and_(value.is_not(None), ~empty)


def _under_key(col: EncryptedColumn, key_id: str) -> ColumnElement[bool]:
    value = _table(col).c[col.column]
    if col.kind == "text":
        return value.startswith(f"{TEXT_PREFIX}:{key_id}:", autoescape=True)
    header = BLOB_MAGIC + bytes([len(key_id)]) + key_id.encode("ascii")
    return func.substr(value, 1, len(header)) == header


@cache  # one table object per column, so that conditions and queries name the same table
def _table(col: EncryptedColumn) -> TableClause:
    return table(col.table, column(col.id_column), column(col.column))
