"""Audit helpers shared by the account services (never commit; the service does)."""

import uuid

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AccessBasis
from jigsaw.core.uow import UnitOfWork


def record_administration(
    uow: UnitOfWork, actor: Actor, action: str, subject_type: str, subject_id: uuid.UUID
) -> None:
    """Audit an administrator's change to an account, organisation or integration."""
    audit.record(uow, actor, action, subject_type=subject_type, subject_id=subject_id,
                 basis=AccessBasis.ADMINISTRATION)  # fmt: skip
