"""A contact at the MASH (one per concern shared with it) and every transition it went through."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jigsaw.core import encryption
from jigsaw.core.db import Base, IdMixin, enum_column
from jigsaw.mash.rules import Action, ContactState, Outcome, Urgency


class MashContact(IdMixin, Base):
    """A concern at the MASH: its urgency and due time, who works it, and the decision."""

    __tablename__ = "mash_contacts"
    __table_args__ = (
        Index("ix_mash_contacts_queue", "organisation_id", "state", "due_at"),
        # The MASH's measures read a period of contacts by receipt and by decision, and each
        # one's previous contact about the same child (measures/reading.py).
        Index("ix_mash_contacts_received", "organisation_id", "received_at"),
        Index("ix_mash_contacts_decided", "organisation_id", "decided_at"),
        Index("ix_mash_contacts_child_history", "child_id", "organisation_id", "received_at"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    concern_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("concerns.id"), unique=True)
    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"), index=True)
    source_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[ContactState] = enum_column(ContactState)
    urgency: Mapped[Urgency] = enum_column(Urgency)
    received_at: Mapped[datetime]
    due_at: Mapped[datetime]
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Children's social care already had an open involvement when the contact arrived.
    social_care_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None]
    outcome: Mapped[Outcome | None] = enum_column(Outcome, nullable=True)
    rationale_sealed: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
    # Kept for the measures, so a month of them is read without a look-up per row: when the
    # child's latest earlier contact here was received (repeat contacts), and when the
    # feedback on the decision went to the referrer.
    previous_received_at: Mapped[datetime | None]
    feedback_sent_at: Mapped[datetime | None]

    # Mapped so that a flush writes the contact before its events.
    events: Mapped[list["ContactEvent"]] = relationship(order_by="ContactEvent.at")


class ContactEvent(IdMixin, Base):
    """One step in a contact's lifecycle: who did what, when, from which state, and why."""

    __tablename__ = "mash_contact_events"

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mash_contacts.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[ContactState | None] = enum_column(ContactState, nullable=True)
    to_state: Mapped[ContactState] = enum_column(ContactState)
    actor_id: Mapped[uuid.UUID | None]
    at: Mapped[datetime]
    reason_sealed: Mapped[str | None] = mapped_column(Text)


class FeedbackStatus(StrEnum):
    """Where the feedback to the referrer is."""

    DRAFT = "draft"  # written from the decision, waiting for the MASH to send it
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    CHALLENGED = "challenged"


_CHALLENGED = "status = 'challenged' AND challenge_reviewed_at IS NULL"


class Feedback(IdMixin, Base):
    """What the referrer is told about a decision: due within a working day of it.

    Only the outcome, what happens next and what the referrer can do; never what other
    agencies said. The MASH may edit it before it goes; unsent by its due time, it escalates.
    """

    __tablename__ = "mash_feedback"
    __table_args__ = (
        # The challenges still to review, read on every view of the queue (challenges.waiting):
        # a few rows among every decision's feedback. Partial, so that SQLite uses it too: its
        # statistics cannot tell that "challenged" is rare, and it scans past a plain index.
        Index("ix_mash_feedback_challenged", "answered_at", sqlite_where=text(_CHALLENGED),
              postgresql_where=text(_CHALLENGED)),
    )  # fmt: skip

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mash_contacts.id"), unique=True)
    status: Mapped[FeedbackStatus] = enum_column(FeedbackStatus)
    text_sealed: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    escalated_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]  # acknowledged or challenged
    answered_by_id: Mapped[uuid.UUID | None]
    challenge_sealed: Mapped[str | None] = mapped_column(Text)
    # The manager's review of a challenge (the local resolution protocol): whether the decision
    # stands, and the answer the referrer reads.
    challenge_reviewed_at: Mapped[datetime | None]
    challenge_reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decision_stands: Mapped[bool | None] = mapped_column(Boolean)
    challenge_response_sealed: Mapped[str | None] = mapped_column(Text)


class InformationRequest(IdMixin, Base):
    """A partner check: the MASH asks an agency working with the child what it holds."""

    __tablename__ = "mash_information_requests"
    __table_args__ = (
        Index("ix_mash_information_requests_inbox", "organisation_id", "answered_at"),
        Index("ix_mash_information_requests_asked", "mash_id", "asked_at"),  # the measures
    )

    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mash_contacts.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # The MASH that asked (its contact's), so its measures read its checks by index.
    mash_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    asked_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime]
    due_at: Mapped[datetime]
    question_sealed: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    answer_sealed: Mapped[str | None] = mapped_column(Text)
    chased_at: Mapped[datetime | None]


# Action is stored as its value; "opened", "assigned" and "urgency_changed" are events too.
EVENT_NAMES = frozenset({"opened", "assigned", "urgency_changed", *(a.value for a in Action)})

encryption.register(encryption.EncryptedColumn("mash_contacts", "rationale_sealed", "text"))
encryption.register(encryption.EncryptedColumn("mash_contact_events", "reason_sealed", "text"))
encryption.register(encryption.EncryptedColumn("mash_feedback", "text_sealed", "text"))
encryption.register(encryption.EncryptedColumn("mash_information_requests", "question_sealed",
                                               "text"))  # fmt: skip
encryption.register(encryption.EncryptedColumn("mash_information_requests", "answer_sealed",
                                               "text"))  # fmt: skip
encryption.register(encryption.EncryptedColumn("mash_feedback", "challenge_sealed", "text"))
encryption.register(encryption.EncryptedColumn("mash_feedback", "challenge_response_sealed",
                                               "text"))  # fmt: skip
