"""Notifications: in-app notices, and emails sent from an outbox after the commit."""

from jigsaw.notifications.models import EmailStatus, Notification, OutboxEmail
from jigsaw.notifications.queries import list_for, unread_count
from jigsaw.notifications.rules import NotificationKind
from jigsaw.notifications.sender import (
    SENDER_WAKE,
    SendReport,
    send_due,
    send_outbox,
    wake_sender,
)
from jigsaw.notifications.services import (
    count_unread_notifications,
    list_notifications,
    mark_read,
    notify,
)

__all__ = [
    "SENDER_WAKE",
    "EmailStatus",
    "Notification",
    "NotificationKind",
    "OutboxEmail",
    "SendReport",
    "count_unread_notifications",
    "list_for",
    "list_notifications",
    "mark_read",
    "notify",
    "send_due",
    "send_outbox",
    "unread_count",
    "wake_sender",
]
