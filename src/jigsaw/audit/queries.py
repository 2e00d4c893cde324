"""Reading the audit log: access reports, newest first, and the latest checkpoint.

The report queries do not decide who may read them: callers authorize first (privacy
officers, a child's lead agency) and audit that reading too.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select

from jigsaw.access.actor import ActorKind
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.audit.models import AuditCheckpoint, AuditEvent
from jigsaw.core.uow import UnitOfWork

REPORT_LIMIT = 100


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """One line of an access report: identifiers only, never names or narrative."""

    seq: int
    occurred_at: datetime
    actor_kind: ActorKind
    actor_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    action: str
    basis: AccessBasis | None
    basis_id: uuid.UUID | None
    subject_type: str
    subject_id: uuid.UUID | None


def list_accesses_to_child(
    uow: UnitOfWork,
    child_id: uuid.UUID,
    *,
    limit: int = REPORT_LIMIT,
    before_seq: int | None = None,
) -> list[AuditEntryView]:
    """Who read or changed this child's information, newest first.

    Pass the smallest ``seq`` of one page as ``before_seq`` to get the next page.
    """
    return _report(uow, AuditEvent.child_id == child_id, limit=limit, before_seq=before_seq)


def list_actions_by_user(
    uow: UnitOfWork,
    user_id: uuid.UUID,
    *,
    limit: int = REPORT_LIMIT,
    before_seq: int | None = None,
) -> list[AuditEntryView]:
    """What this person (or service account) did, newest first, paged as above."""
    return _report(uow, AuditEvent.actor_id == user_id, limit=limit, before_seq=before_seq)


def _report(
    uow: UnitOfWork, condition: ColumnElement[bool], *, limit: int, before_seq: int | None
) -> list[AuditEntryView]:
    stmt = select(
        AuditEvent.seq,
        AuditEvent.occurred_at,
        AuditEvent.actor_kind,
        AuditEvent.actor_id,
        AuditEvent.organisation_id,
        AuditEvent.action,
        AuditEvent.basis,
        AuditEvent.basis_id,
        AuditEvent.subject_type,
        AuditEvent.subject_id,
    ).where(condition)
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    stmt = stmt.order_by(AuditEvent.seq.desc()).limit(limit)
    return [AuditEntryView(**row._asdict()) for row in uow.session.execute(stmt)]


def get_latest_checkpoint(uow: UnitOfWork) -> AuditCheckpoint | None:
    """The checkpoint covering the most entries (the newest, when several cover the same)."""
    stmt = select(AuditCheckpoint).order_by(
        AuditCheckpoint.seq.desc(), AuditCheckpoint.signed_at.desc()
    )
    return uow.session.scalars(stmt.limit(1)).first()
