"""The audit log: one append-only row per read or write of protected information."""

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.access.actor import ActorKind
from jigsaw.core.db import Base, IdMixin, enum_column


class AuditEvent(IdMixin, Base):
    """Who did what to which record, when, and in which request.

    Rows carry identifiers only, never names or narrative, so the log itself
    holds no personal data beyond the link to the record.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    occurred_at: Mapped[datetime]
    actor_kind: Mapped[ActorKind] = enum_column(ActorKind)
    actor_id: Mapped[uuid.UUID | None]
    actor_purpose: Mapped[str | None] = mapped_column(String(100))
    organisation_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[uuid.UUID | None]
    request_id: Mapped[str | None] = mapped_column(String(64))
