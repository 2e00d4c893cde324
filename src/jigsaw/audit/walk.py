"""The hot loop of verification: walk a range of entries, recomputing every hash and link.

Entries are streamed in ``seq`` order as raw rows (a server-side cursor on PostgreSQL),
not ORM objects: hashing a million entries must take seconds, not minutes. Problems
name entries by ``seq`` and checkpoints by id, never by what the entries hold.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from sqlalchemy import Connection, TextClause, text

from jigsaw.audit.chain import FIELDS, FORMAT, GENESIS_HASH, UUID_FIELDS, timestamp_text, to_json

BATCH = 10_000
LOWEST_SEQ = -(2**62)  # the first range also catches entries slipped in below seq 1
UNLINKED = "does not follow the entry before it (reordered or inserted, or that one altered)"
ALTERED = "hash does not match the entry (altered)"
MISSING = "entry missing (deleted)"
REWRITTEN = "the chain differs from this signed checkpoint (entries rewritten, or key stolen)"

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing found wrong: at which entry (and checkpoint, if one), and what."""

    seq: int
    reason: str
    checkpoint_id: uuid.UUID | None = None

    def __str__(self) -> str:
        where = f"entry {self.seq}"
        if self.checkpoint_id is not None:
            where = f"checkpoint {self.checkpoint_id} at {where}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint whose signature has been checked: where it pins the chain."""

    id: uuid.UUID
    seq: int
    hash: str


class Failed(Exception):
    """Carries the first problem out of a check; callers turn it into a result."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# ``occurred_at`` as SQLite stores it (UTC, "YYYY-MM-DD HH:MM:SS.ffffff"), which the hot
# loop turns into canonical text without parsing; other engines are asked for that text.
_STORED_TIMESTAMP = {
    "postgresql": "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
}


def _column_sql(name: str, dialect: str) -> str:
    """A column as canonical text where SQL can make it so.

    UUIDs come back as 32 hex digits (PostgreSQL's hyphens removed; SQLite stores them
    so), and text columns are cast to text, so that a value SQLite was made to store as
    another type still reaches the hash, and fails it, rather than crash the check.
    """
    if name in UUID_FIELDS:
        return f"REPLACE(CAST({name} AS VARCHAR), '-', '')"
    if name == "occurred_at":
        return _STORED_TIMESTAMP.get(dialect, name)
    if name == "seq":
        return name
    return f"CAST({name} AS VARCHAR)"


def select_entries(dialect: str) -> TextClause:
    """The entries from ``:low`` to ``:high``: the stored hash, then the hashed fields."""
    columns = ", ".join(_column_sql(name, dialect) for name in ("hash", *FIELDS))
    return text(
        f"SELECT {columns} FROM audit_events "  # noqa: S608 - constants only
        "WHERE seq >= :low AND seq <= :high ORDER BY seq"
    )


_ANCHOR = text("SELECT hash FROM audit_events WHERE seq = :seq")
_HEAD = text("SELECT seq, hash FROM audit_chain_head")


def check_checkpoints(signed: list[SignedCheckpoint], seq: int, chain_hash: str) -> None:
    """Each checkpoint pinning entry ``seq`` must hold the chain's hash there."""
    for checkpoint in signed:
        if checkpoint.hash != chain_hash:
            raise Failed(Problem(seq, REWRITTEN, checkpoint.id))


class RangeCheck:
    """Check the entries from ``first`` to ``last`` (None: to the end of the log).

    A range after the first starts from the hash of the entry before it, which the
    previous range checks; so ranges can be checked apart and still prove one chain.
    """

    def __init__(
        self,
        connection: Connection,
        by_seq: dict[int, list[SignedCheckpoint]],
        head: tuple[int, str],
        *,
        first: int = 1,
        last: int | None = None,
    ) -> None:
        self.connection = connection
        self.by_seq = by_seq
        self.head = head  # read before the entries: later appends only lengthen the log
        self.first, self.last = first, last
        self.last_seq, self.last_hash = first - 1, GENESIS_HASH

    def run(self, on_progress: Progress | None = None) -> None:
        """Check every entry of the range; raise ``Failed`` at the first problem."""
        low = LOWEST_SEQ if self.first == 1 else self.first
        if self.first > 1:
            self.last_hash = self._anchor()
        high = self.last if self.last is not None else 2**62
        # Options on the statement, not the connection: they would outlive this query.
        with self.connection.execute(
            select_entries(self.connection.dialect.name),
            {"low": low, "high": high},
            execution_options={"yield_per": BATCH},
        ) as result:
            for batch in result.partitions(BATCH):
                self._batch(batch)
                if on_progress is not None:
                    on_progress(self.last_seq, max(self.head[0], self.last_seq))
        if self.last is not None and self.last_seq < self.last:
            raise Failed(Problem(self.last_seq + 1, MISSING))

    def _anchor(self) -> str:
        stored = self.connection.execute(_ANCHOR, {"seq": self.first - 1}).scalar()
        if stored is None:
            raise Failed(Problem(self.first - 1, MISSING))
        return str(stored)

    def _batch(self, batch: Sequence[Any]) -> None:
        """Check a batch of entries; the last entry checked so far is ``last_seq``."""
        expected, prev, by_seq, head_seq = (
            self.last_seq + 1,
            self.last_hash,
            self.by_seq,
            self.head[0],
        )
        for row in batch:
            values = list(row)
            stored, seq, prev_hash = values[0], values[1], values[2]
            if seq != expected or seq > head_seq:
                head_seq = self._out_of_sequence(seq, expected)
            if prev_hash != prev:
                raise Failed(Problem(seq, UNLINKED))
            values[0] = FORMAT
            try:
                values[3] = timestamp_text(values[3])
                digest = sha256(to_json(values).encode("utf-8")).hexdigest()
            except (TypeError, ValueError, AttributeError):
                digest = None  # a value of the wrong type was stored: altered
            if digest != stored:
                raise Failed(Problem(seq, ALTERED))
            if seq in by_seq:
                check_checkpoints(by_seq[seq], seq, stored)
            self.last_seq, self.last_hash = seq, stored
            expected, prev = seq + 1, stored

    def _out_of_sequence(self, seq: int, expected: int) -> int:
        """Explain an unexpected ``seq``; return the head's seq if it is fine after all."""
        if seq > expected:
            raise Failed(Problem(expected, MISSING))
        if seq < expected:
            raise Failed(Problem(seq, "entry out of sequence (inserted)"))
        # Past the head read at the start: fine if an append has committed since.
        row = self.connection.execute(_HEAD).one()
        self.head = (row.seq, row.hash)
        if seq > row.seq:
            raise Failed(Problem(seq, "entry beyond the chain head (inserted)"))
        return int(row.seq)
