"""Reads for notifications and the outbox; each runs inside the caller's ``with uow:``."""

import uuid
from datetime import datetime

from sqlalchemy import func, select

from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications.models import EmailStatus, Notification, OutboxEmail

PAGE_LIMIT = 50


def unread_count(uow: UnitOfWork, user_id: uuid.UUID) -> int:
    """How many of the user's notifications are unread (one COUNT on an index)."""
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return uow.session.scalar(query) or 0


def list_for(uow: UnitOfWork, user_id: uuid.UUID, limit: int = PAGE_LIMIT) -> list[Notification]:
    """The user's latest notifications, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit)
    )
    return list(uow.session.scalars(query))


def get_own_notification(
    uow: UnitOfWork, user_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification | None:
    """One of the user's notifications; None when missing or someone else's (same answer)."""
    query = select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user_id
    )
    return uow.session.scalars(query).one_or_none()


def any_email_due(uow: UnitOfWork, now: datetime) -> bool:
    """Whether any queued email is due to be tried (a cheap look before connecting)."""
    query = select(OutboxEmail.id).where(
        OutboxEmail.status == EmailStatus.QUEUED, OutboxEmail.next_attempt_at <= now
    )
    return uow.session.scalars(query.limit(1)).first() is not None


def claim_due_emails(uow: UnitOfWork, now: datetime, limit: int) -> list[OutboxEmail]:
    """Lock due emails for this transaction, oldest first, skipping any another sender holds.

    On PostgreSQL this is ``FOR UPDATE SKIP LOCKED``, so two workers never claim one email.
    SQLite has no row locks and needs none: a transaction there holds the only write lock.
    """
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.status == EmailStatus.QUEUED, OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(uow.session.scalars(query))
