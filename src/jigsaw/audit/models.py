"""The audit log: one append-only, hash-chained row per read or write of protected information."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.access.actor import ActorKind
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.core.db import Base, IdMixin, enum_column

# A sequence number: BIGINT on PostgreSQL, INTEGER on SQLite so that it is the rowid.
Seq = BigInteger().with_variant(Integer(), "sqlite")
HASH_LENGTH = 64  # SHA-256, lowercase hex
IP_LENGTH = 45  # the longest textual IPv6 address
USER_AGENT_LENGTH = 300  # the request middleware truncates user agents to this


class AuditEvent(Base):
    """Who did what to which record, when, on what basis, from where.

    Rows carry identifiers only, never names or narrative, so the log itself holds no
    personal data beyond the link to the record. ``seq`` numbers the entries 1, 2, 3…
    without gaps; ``hash`` chains each entry to the one before (see ``audit.chain``).
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_type", "subject_id"),
        Index("ix_audit_events_child", "child_id", "seq"),
        Index("ix_audit_events_actor", "actor_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(Seq, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    occurred_at: Mapped[datetime]
    actor_kind: Mapped[ActorKind] = enum_column(ActorKind)
    actor_id: Mapped[uuid.UUID | None]
    actor_purpose: Mapped[str | None] = mapped_column(String(100))
    organisation_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[uuid.UUID | None]
    child_id: Mapped[uuid.UUID | None]
    basis: Mapped[AccessBasis | None] = enum_column(AccessBasis)
    # The involvement or break-glass grant that justified the access; its reason lives there.
    basis_id: Mapped[uuid.UUID | None]
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(IP_LENGTH))
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LENGTH))


class AuditChainHead(Base):
    """The newest entry of the chain: one row, locked by each append.

    Appends read it ``FOR UPDATE`` and move it on in the same transaction, so concurrent
    writers take turns and ``seq`` stays gap-free. The migration creates it at seq 0.
    """

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Seq)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))


class AuditCheckpoint(IdMixin, Base):
    """A signed statement that the chain reached ``seq`` with ``hash`` at ``signed_at``.

    A checkpoint pins the past: entries up to ``seq`` cannot be rewritten, nor the log cut
    short, without a signature from the audit signing key.
    """

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(Seq, index=True)
    hash: Mapped[str] = mapped_column(String(HASH_LENGTH))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, lowercase hex
