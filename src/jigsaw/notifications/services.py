"""Telling users that something happened: an in-app notice and an email, both after commit.

``notify`` is a step inside another service's transaction: the notices and the outbox
emails are written with the change that caused them, or not at all. The emails leave only
when the sender (``jigsaw worker``) finds them, after the commit.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

import structlog
from sqlalchemy import select

from jigsaw.access.actor import Actor, ActorKind
from jigsaw.accounts import User
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import queries
from jigsaw.notifications.models import EmailStatus, Notification, OutboxEmail
from jigsaw.notifications.rules import (
    EmailText,
    NotificationKind,
    check_notice,
    compose_email,
)
from jigsaw.notifications.sender import wake_sender

log = structlog.get_logger("jigsaw.notifications")


def notify(
    uow: UnitOfWork,
    *,
    user_ids: Iterable[uuid.UUID],
    kind: NotificationKind,
    reference: str,
    link: str,
    organisation_name: str | None = None,
) -> None:
    """Notify users in the caller's open transaction: a notice each, an email to the active.

    Does not commit: the caller's commit writes the notices with the change that caused
    them, and wakes the sender. The email says only the kind's fixed wording, the
    reference, the organisation's name and a link; there is nothing else to pass.

    Raises:
        ValueError: the reference, link or organisation name is not one (a caller's bug),
            or a user id names no user.
    """
    check_notice(reference, link, organisation_name)
    wanted = list(dict.fromkeys(user_ids))
    users = {u.id: u for u in uow.session.scalars(select(User).where(User.id.in_(wanted)))}
    if len(users) != len(wanted):
        raise ValueError("a notification names a user who does not exist")
    now = clock.now()
    base_url = get_settings().base_url
    text = compose_email(
        kind, reference=reference, link=link, organisation_name=organisation_name, base_url=base_url
    )
    for user_id in wanted:
        notice = Notification(user_id=user_id, kind=kind, reference=reference, link=link,
                              organisation_name=organisation_name, created_at=now)  # fmt: skip
        uow.session.add(notice)
        user = users[user_id]
        # A deactivated account's mailbox may be someone else's now: no email to it.
        if user.is_active and user.email:
            uow.session.add(_outbox_email(user.email, kind, text, now))
    uow.on_commit(wake_sender)
    log.info("notifications.queued", kind=str(kind), users=len(wanted))


def list_notifications(
    uow: UnitOfWork, actor: Actor, *, limit: int = queries.PAGE_LIMIT
) -> list[Notification]:
    """The actor's latest notifications, newest first (none but a person's)."""
    user_id = _user_id(actor)
    if user_id is None:
        return []
    with uow:
        return queries.list_for(uow, user_id, limit)


def count_unread_notifications(uow: UnitOfWork, actor: Actor) -> int:
    """How many of the actor's notifications are unread (for the navigation)."""
    user_id = _user_id(actor)
    if user_id is None:
        return 0
    with uow:
        return queries.unread_count(uow, user_id)


def mark_read(uow: UnitOfWork, actor: Actor, *, notification_id: uuid.UUID) -> Notification:
    """Mark one of the actor's notifications read (again is harmless); returns it.

    Raises:
        NotFound: no such notification, or it is someone else's.
    """
    user_id = _user_id(actor)
    with uow:
        notification = None
        if user_id is not None:
            notification = queries.get_own_notification(uow, user_id, notification_id)
        if notification is None:
            raise NotFound("notification")
        if notification.read_at is None:
            notification.read_at = clock.now()
        uow.commit()
    return notification


def _outbox_email(
    to_address: str, kind: NotificationKind, text: EmailText, now: datetime
) -> OutboxEmail:
    return OutboxEmail(
        to_address=to_address,
        subject=text.subject,
        body_text=text.body,
        kind=kind,
        created_at=now,
        status=EmailStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
    )


def _user_id(actor: Actor) -> uuid.UUID | None:
    """Notifications are people's: a service account or the system has none."""
    return actor.id if actor.kind is ActorKind.USER else None
