"""Writing the audit log: entries inside the caller's transaction, and signed checkpoints."""

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import bindparam, select, update

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.audit import checkpoints
from jigsaw.audit.chain import entry_hash, timestamp_text, uuid_text
from jigsaw.audit.models import (
    IP_LENGTH,
    USER_AGENT_LENGTH,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
)
from jigsaw.audit.queries import get_latest_checkpoint
from jigsaw.core import clock
from jigsaw.core.context import current_request
from jigsaw.core.db import insert_many
from jigsaw.core.uow import UnitOfWork

CHECKPOINT_ACTION = "audit:checkpoint_written"
HEAD_ID = 1
# Core statements, built once: an append is on the path of every audited request, and
# building and executing ORM statements cost more than the hashing does.
EVENTS = AuditEvent.metadata.tables[AuditEvent.__tablename__]
_HEAD = AuditChainHead.metadata.tables[AuditChainHead.__tablename__]
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == HEAD_ID).with_for_update()
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    subject_type: str,
    subject_id: uuid.UUID | None,
    child_id: uuid.UUID | None = None,
    basis: AccessBasis | None = None,
    basis_id: uuid.UUID | None = None,
) -> None:
    """Add one entry to the open transaction; it commits or rolls back with the change.

    ``child_id`` is the child whose information this is (the subject itself when
    ``subject_type`` is "child"); ``basis`` and ``basis_id`` say why the actor could reach
    it, naming the involvement or break-glass grant (whose reason is kept there, not here).
    """
    record_many(
        uow, actor, action,
        subject_type=subject_type, subject_ids=[subject_id],
        child_id=child_id, basis=basis, basis_id=basis_id,
    )  # fmt: skip


def record_many(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    subject_type: str,
    subject_ids: Iterable[uuid.UUID | None],
    child_id: uuid.UUID | None = None,
    child_ids: Sequence[uuid.UUID | None] | None = None,
    basis: AccessBasis | None = None,
    basis_id: uuid.UUID | None = None,
) -> None:
    """Add one entry per subject, chained in order, in one statement (bulk loads, lists).

    ``child_ids``, one per subject, when each subject is about a different child (events
    posted for several children); otherwise ``child_id`` for them all.
    """
    subjects = list(subject_ids)
    if not subjects:
        return
    connection = uow.session.connection()
    head_seq, head_hash = connection.execute(_LOCK_HEAD).one()
    common = _common_values(actor, action, subject_type, basis, basis_id)
    children = child_ids if child_ids is not None else [child_id] * len(subjects)
    rows = _chain_rows(head_seq, head_hash, common, subjects, children)
    insert_many(uow.session, EVENTS, rows)
    connection.execute(_MOVE_HEAD, {"new_seq": rows[-1]["seq"], "new_hash": rows[-1]["hash"]})


def _common_values(
    actor: Actor,
    action: str,
    subject_type: str,
    basis: AccessBasis | None,
    basis_id: uuid.UUID | None,
) -> dict[str, Any]:
    """The values every entry of one call shares, as stored."""
    request = current_request()
    user_agent = request.user_agent if request else None
    return {
        "occurred_at": clock.now(),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_purpose": actor.purpose,
        "organisation_id": actor.organisation_id,
        "action": action,
        "subject_type": subject_type,
        "basis": AccessBasis(basis) if basis is not None else None,
        "basis_id": basis_id,
        "request_id": request.request_id if request else None,
        "ip_address": request.ip[:IP_LENGTH] if request and request.ip else None,
        "user_agent": user_agent[:USER_AGENT_LENGTH] if user_agent else None,
    }


def _chain_rows(
    seq: int,
    prev_hash: str,
    common: dict[str, Any],
    subjects: list[uuid.UUID | None],
    child_ids: Sequence[uuid.UUID | None],
) -> list[dict[str, Any]]:
    """The rows to insert after ``seq``, each hashed over its canonical serialisation."""
    basis = common["basis"]
    at = timestamp_text(common["occurred_at"])
    before = (at, common["actor_kind"].value, uuid_text(common["actor_id"]),
              common["actor_purpose"], uuid_text(common["organisation_id"]),
              common["action"], common["subject_type"])  # fmt: skip
    after = (basis.value if basis else None, uuid_text(common["basis_id"]),
             common["request_id"], common["ip_address"], common["user_agent"])  # fmt: skip
    is_child = common["subject_type"] == "child"
    rows = []
    for subject_id, child_id in zip(subjects, child_ids, strict=True):
        seq += 1
        child = subject_id if is_child and child_id is None else child_id
        digest = entry_hash(
            (seq, prev_hash, *before, uuid_text(subject_id), uuid_text(child), *after)
        )
        rows.append({**common, "seq": seq, "prev_hash": prev_hash, "hash": digest,
                     "subject_id": subject_id, "child_id": child})  # fmt: skip
        prev_hash = digest
    return rows


def write_checkpoint(uow: UnitOfWork, actor: Actor, *, key: Ed25519PrivateKey) -> AuditCheckpoint:
    """Sign the chain as it stands, recording who asked for the checkpoint.

    The checkpoint covers its own audit entry: the entry is appended, then the head signed.
    """
    with uow:
        checkpoint = _write_checkpoint(uow, actor, key)
        uow.commit()
    return checkpoint


def checkpoint_if_due(
    uow: UnitOfWork,
    actor: Actor,
    *,
    key: Ed25519PrivateKey,
    every: int = 10_000,
    max_age: timedelta = timedelta(hours=1),
) -> AuditCheckpoint | None:
    """Sign the chain if ``every`` entries or ``max_age`` have passed since the last checkpoint.

    For a periodic job: nothing is written while the log has not moved.
    """
    with uow:
        head_seq = _lock_head(uow)
        last = get_latest_checkpoint(uow)
        due = checkpoints.is_due(
            head_seq=head_seq,
            last_seq=last.seq if last else None,
            last_signed_at=last.signed_at if last else None,
            now=clock.now(),
            every=every,
            max_age=max_age,
        )
        if not due:
            return None
        checkpoint = _write_checkpoint(uow, actor, key)
        uow.commit()
    return checkpoint


def _lock_head(uow: UnitOfWork) -> int:
    """Take the chain head's lock (so no append slips in) and return its seq."""
    stmt = select(AuditChainHead.seq).where(AuditChainHead.id == HEAD_ID).with_for_update()
    return uow.session.execute(stmt).scalar_one()


def _write_checkpoint(uow: UnitOfWork, actor: Actor, key: Ed25519PrivateKey) -> AuditCheckpoint:
    checkpoint_id = uuid.uuid4()
    record(uow, actor, CHECKPOINT_ACTION, subject_type="audit_checkpoint", subject_id=checkpoint_id)
    head = uow.session.execute(
        select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
    ).one()
    signed_at = clock.now()
    key_id, signature = checkpoints.sign(
        key, seq=head.seq, head_hash=head.hash, signed_at=signed_at
    )
    checkpoint = AuditCheckpoint(
        id=checkpoint_id,
        seq=head.seq,
        hash=head.hash,
        signed_at=signed_at,
        key_id=key_id,
        signature=signature,
    )
    uow.session.add(checkpoint)
    uow.flush()
    return checkpoint
