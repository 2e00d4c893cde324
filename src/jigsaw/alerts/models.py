"""An alert: a rule that fired, the task it makes for someone, and what they did about it."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.core import encryption
from jigsaw.core.db import Base, IdMixin, enum_column


class AlertState(StrEnum):
    """Where an alert is: waiting for its owner, or acknowledged with a note."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


class Alert(IdMixin, Base):
    """A rule that fired for a child (or a record), as a task for an organisation's people.

    ``dedupe_key`` is unique: the same run of concerns adding up, the same event about a
    child on a plan, the same missed timescale, makes one alert however often the rules
    look. Its words are built from codes and organisation names only.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_inbox", "organisation_id", "state", "due_at"),
        Index("ix_alerts_escalation", "state", "escalate_at"),
    )

    reference: Mapped[str] = mapped_column(String(12), unique=True)  # "A-…", in notices
    rule_key: Mapped[str] = mapped_column(String(60))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"), index=True)
    # Whose task it is: an organisation, the role there that owns it, and (once taken, or
    # when the rule names one person, such as the allocated social worker) a person.
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    owner_role: Mapped[str] = mapped_column(String(40))
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    summary: Mapped[str] = mapped_column(String(300))
    # The event that made the rule fire, or the record whose timescale was missed.
    event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("child_events.id"))
    record_kind: Mapped[str | None] = mapped_column(String(30))
    record_id: Mapped[uuid.UUID | None]
    state: Mapped[AlertState] = enum_column(AlertState)
    raised_at: Mapped[datetime]
    due_at: Mapped[datetime]
    escalate_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    note_sealed: Mapped[str | None] = mapped_column(Text)


encryption.register(encryption.EncryptedColumn("alerts", "note_sealed", "text"))


class AlertItem(Base):
    """An event an alert shows together with the others (the concerns that added up)."""

    __tablename__ = "alert_items"

    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id"), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child_events.id"), primary_key=True)
