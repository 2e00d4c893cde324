"""Writing audit rows, always inside the caller's transaction."""

import uuid
from collections.abc import Iterable

import structlog
from sqlalchemy import insert

from jigsaw.access.actor import Actor
from jigsaw.audit.models import AuditEvent
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork


def _request_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    subject_type: str,
    subject_id: uuid.UUID | None,
) -> None:
    """Add one audit row to the open transaction; it commits or rolls back with the change."""
    record_many(uow, actor, action, subject_type=subject_type, subject_ids=[subject_id])


def record_many(
    uow: UnitOfWork,
    actor: Actor,
    action: str,
    *,
    subject_type: str,
    subject_ids: Iterable[uuid.UUID | None],
) -> None:
    """Add one audit row per subject in one statement (bulk loads, list reads)."""
    at = clock.now()
    request_id = _request_id()
    rows = [
        {
            "id": uuid.uuid4(),
            "occurred_at": at,
            "actor_kind": actor.kind,
            "actor_id": actor.id,
            "actor_purpose": actor.purpose,
            "organisation_id": actor.organisation_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "request_id": request_id,
        }
        for subject_id in subject_ids
    ]
    if rows:
        uow.session.execute(insert(AuditEvent), rows)
