"""In-app notifications, and the outbox of emails a job sends after the transaction commits."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.core.db import Base, IdMixin, enum_column
from jigsaw.notifications.rules import NotificationKind, headline


class Notification(IdMixin, Base):
    """A notice shown to one user in Jigsaw: what happened, a reference and where to look.

    It holds no personal data: the kind's fixed wording, a short reference ("C-7K3Q9"),
    a path inside Jigsaw and, for some kinds, an organisation's name.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    reference: Mapped[str] = mapped_column(String(20))
    link: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    @property
    def headline(self) -> str:
        """What happened, in the kind's fixed wording."""
        return headline(self.kind, self.organisation_name)


class EmailStatus(StrEnum):
    """Where an outbox email is: waiting (maybe after failures), sent, or given up on."""

    QUEUED = "queued"
    SENT = "sent"
    ABANDONED = "abandoned"


class OutboxEmail(IdMixin, Base):
    """An email written in the transaction that caused it, sent by a job after the commit.

    ``last_error`` holds the kind of the last failure (an exception class name), never its
    message, which can quote the address.
    """

    __tablename__ = "outbox_emails"
    __table_args__ = (
        Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    created_at: Mapped[datetime]
    status: Mapped[EmailStatus] = enum_column(EmailStatus)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
