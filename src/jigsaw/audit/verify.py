"""Checking the whole log: every hash, the sequence, the head and the signed checkpoints.

``verify_log`` checks on one connection (and so inside a test's transaction);
``audit.parallel.verify_database`` spreads a long log over processes.
"""

from collections import defaultdict
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from jigsaw.audit import checkpoints
from jigsaw.audit.chain import GENESIS_HASH
from jigsaw.audit.models import AuditChainHead, AuditCheckpoint
from jigsaw.audit.walk import (
    MISSING,
    Failed,
    Problem,
    Progress,
    RangeCheck,
    SignedCheckpoint,
    check_checkpoints,
)
from jigsaw.core.uow import UnitOfWork

__all__ = ["Problem", "VerifyResult", "verify_log"]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """How many entries checked out, how many checkpoints, and the first problem, if any."""

    entries: int
    checkpoints: int
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        """Whether the whole log verified."""
        return self.problem is None


def verify_log(
    bind: Connection | UnitOfWork,
    public_key: Ed25519PublicKey,
    *,
    on_progress: Progress | None = None,
) -> VerifyResult:
    """Check the log end to end against the checkpoint ``public_key``.

    Detects an entry altered (its hash no longer matches), deleted (a gap in ``seq``, or a
    log shorter than its head or a checkpoint), inserted or reordered (an entry that does
    not follow the one before, or one past the head), and checkpoints forged (a bad
    signature, an unknown key, or a hash that is not the chain's at that ``seq``).
    ``on_progress(checked, total)`` is called after each batch of entries.
    """
    connection = bind.session.connection() if isinstance(bind, UnitOfWork) else bind
    signed = load_checkpoints(connection, public_key)
    if isinstance(signed, Problem):
        return VerifyResult(entries=0, checkpoints=0, problem=signed)
    by_seq = group_by_seq(signed)
    check = RangeCheck(connection, by_seq, read_head(connection))
    try:
        check_checkpoints(by_seq.get(0, []), 0, GENESIS_HASH)
        check.run(on_progress)
        check_end(check.last_seq, check.last_hash, check.head, by_seq)
    except Failed as failed:
        return VerifyResult(check.last_seq, len(signed), failed.problem)
    return VerifyResult(check.last_seq, len(signed))


def read_head(connection: Connection) -> tuple[int, str]:
    """The chain head: the last ``(seq, hash)`` as the appends left it."""
    row = connection.execute(select(AuditChainHead.seq, AuditChainHead.hash)).one()
    return row.seq, row.hash


def load_checkpoints(
    connection: Connection, public_key: Ed25519PublicKey
) -> list[SignedCheckpoint] | Problem:
    """Every checkpoint, once its signature is checked; or the first forged one."""
    expected_key = checkpoints.key_id(public_key)
    rows = connection.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq, AuditCheckpoint.signed_at)
    )
    found = []
    for row in rows:
        if row.key_id != expected_key:
            return Problem(row.seq, "checkpoint signed by an unknown key", row.id)
        valid = checkpoints.signature_is_valid(
            public_key,
            seq=row.seq,
            head_hash=row.hash,
            signed_at=row.signed_at,
            key_id=row.key_id,
            signature=row.signature,
        )
        if not valid:
            return Problem(row.seq, "checkpoint signature does not verify (forged)", row.id)
        found.append(SignedCheckpoint(row.id, row.seq, row.hash))
    return found


def group_by_seq(signed: list[SignedCheckpoint]) -> dict[int, list[SignedCheckpoint]]:
    """Checkpoints by the entry they pin."""
    by_seq: dict[int, list[SignedCheckpoint]] = defaultdict(list)
    for checkpoint in signed:
        by_seq[checkpoint.seq].append(checkpoint)
    return dict(by_seq)


def check_end(
    last_seq: int,
    last_hash: str,
    head: tuple[int, str],
    by_seq: dict[int, list[SignedCheckpoint]],
) -> None:
    """The log must reach its head and every checkpoint, and end on the head's hash."""
    beyond = sorted(seq for seq in by_seq if seq > last_seq)
    if beyond:
        reason = f"entries missing (deleted): a checkpoint covers entry {beyond[0]}"
        raise Failed(Problem(last_seq + 1, reason, by_seq[beyond[0]][0].id))
    head_seq, head_hash = head
    if last_seq < head_seq:
        raise Failed(Problem(last_seq + 1, f"{MISSING}: the head is at entry {head_seq}"))
    if last_seq == head_seq and last_hash != head_hash:
        raise Failed(Problem(last_seq, "does not match the chain head (altered)"))
