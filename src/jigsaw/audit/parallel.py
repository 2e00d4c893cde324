"""Verifying a long log on every core: ranges of entries checked in separate processes.

Each range starts from the hash of the entry before it, which the range before checks,
so the ranges together prove one unbroken chain. Worker processes open their own
connections and only read; on SQLite they take no write lock, so Jigsaw keeps working
while the log is checked.
"""

import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from jigsaw.audit.chain import GENESIS_HASH
from jigsaw.audit.verify import (
    Problem,
    VerifyResult,
    check_end,
    group_by_seq,
    load_checkpoints,
    read_head,
    verify_log,
)
from jigsaw.audit.walk import Failed, Progress, RangeCheck, SignedCheckpoint, check_checkpoints

RANGE = 100_000  # entries per range: small enough to share out, large enough to stream


@dataclass(frozen=True, slots=True)
class RangeOutcome:
    """What a worker found in its range."""

    last_seq: int
    last_hash: str
    head: tuple[int, str]
    problem: Problem | None


def reader(url: str) -> Engine:
    """An engine for reading only: plain transactions, so SQLite's write lock stays free."""
    return create_engine(url, poolclass=NullPool, hide_parameters=True)


def verify_database(
    url: str,
    public_key: Ed25519PublicKey,
    *,
    workers: int | None = None,
    size: int = RANGE,
    on_progress: Progress | None = None,
) -> VerifyResult:
    """Check the log at ``url`` like ``verify_log``, in ranges of ``size`` over ``workers``.

    With one worker, or a log of fewer than two ranges, the check runs in this process.
    """
    workers = workers or os.cpu_count() or 1
    engine = reader(url)
    try:
        with engine.connect() as connection:
            signed = load_checkpoints(connection, public_key)
            head = read_head(connection)
            if isinstance(signed, Problem) or head[0] < 2 * size or workers == 1:
                return verify_log(connection, public_key, on_progress=on_progress)
    finally:
        engine.dispose()
    return _verify_in_ranges(url, signed, head, workers=workers, size=size, on_progress=on_progress)


def _verify_in_ranges(
    url: str,
    signed: list[SignedCheckpoint],
    head: tuple[int, str],
    *,
    workers: int,
    size: int,
    on_progress: Progress | None,
) -> VerifyResult:
    by_seq = group_by_seq(signed)
    firsts = list(range(1, head[0] + 1, size))
    lasts: list[int | None] = [first - 1 for first in firsts[1:]] + [None]
    context = get_context("spawn")  # no fork: the caller may be running threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures: list[Future[RangeOutcome]] = [
            pool.submit(check_range, url, head, _within(by_seq, first, last), first, last)
            for first, last in zip(firsts, lasts, strict=True)
        ]
        outcome = RangeOutcome(0, GENESIS_HASH, head, None)
        for future in futures:
            outcome = future.result()
            if outcome.problem is not None:
                pool.shutdown(cancel_futures=True)
                return VerifyResult(outcome.problem.seq - 1, len(signed), outcome.problem)
            if on_progress is not None:
                on_progress(outcome.last_seq, max(head[0], outcome.last_seq))
    try:
        check_checkpoints(by_seq.get(0, []), 0, GENESIS_HASH)
        check_end(outcome.last_seq, outcome.last_hash, outcome.head, by_seq)
    except Failed as failed:
        return VerifyResult(failed.problem.seq - 1, len(signed), failed.problem)
    return VerifyResult(outcome.last_seq, len(signed))


def _within(
    by_seq: dict[int, list[SignedCheckpoint]], first: int, last: int | None
) -> dict[int, list[SignedCheckpoint]]:
    return {seq: c for seq, c in by_seq.items() if first <= seq and (last is None or seq <= last)}


def check_range(
    url: str,
    head: tuple[int, str],
    by_seq: dict[int, list[SignedCheckpoint]],
    first: int,
    last: int | None,
) -> RangeOutcome:
    """Check one range of entries on a connection of its own (runs in a worker process)."""
    engine = reader(url)
    try:
        with engine.connect() as connection:
            check = RangeCheck(connection, by_seq, head, first=first, last=last)
            try:
                check.run()
            except Failed as failed:
                return RangeOutcome(check.last_seq, check.last_hash, check.head, failed.problem)
            return RangeOutcome(check.last_seq, check.last_hash, check.head, None)
    finally:
        engine.dispose()
