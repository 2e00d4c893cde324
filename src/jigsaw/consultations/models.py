"""A consultation: the question, who asked, the advice, and the referral it became."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.consultations.rules import Channel, ConsultationOutcome, ConsultationState
from jigsaw.core import encryption
from jigsaw.core.db import Base, IdMixin, enum_column
from jigsaw.mash.rules import Urgency


class Consultation(IdMixin, Base):
    """A practitioner's request to talk a worry through, and the advice they were given.

    About a child in the index (``child_id``) or an anonymous situation (no child, the
    situation described without names). Free text is sealed (``core.encryption``).
    """

    __tablename__ = "consultations"
    __table_args__ = (
        Index("ix_consultations_queue", "organisation_id", "state", "due_at"),
        Index("ix_consultations_created", "organisation_id", "created_at"),  # the measures
    )

    reference: Mapped[str] = mapped_column(String(12), unique=True)
    # The consultation line: the MASH whose advisors answer.
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    channel: Mapped[Channel] = enum_column(Channel)
    state: Mapped[ConsultationState] = enum_column(ConsultationState)
    urgency: Mapped[Urgency] = enum_column(Urgency)
    # Who asked: a person (who then reads the advice in their account) or an agency's system
    # (a service account, so no foreign key to users), and their agency.
    asker_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    asker_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # A phone caller who does not use Jigsaw is named only here.
    caller_sealed: Mapped[str | None] = mapped_column(Text)
    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"), index=True)
    situation_sealed: Mapped[str] = mapped_column(Text)  # what is worrying the practitioner
    question_sealed: Mapped[str | None] = mapped_column(Text)  # what they want advice on
    created_at: Mapped[datetime]
    due_at: Mapped[datetime]
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    advice_sealed: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[ConsultationOutcome | None] = enum_column(ConsultationOutcome, nullable=True)
    advised_at: Mapped[datetime | None]
    advised_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    advice_read_at: Mapped[datetime | None]
    # The referral it became (a concern, drafted from it), so each links to the other.
    concern_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("concerns.id"), unique=True)
    updated_at: Mapped[datetime]


for _column in ("caller_sealed", "situation_sealed", "question_sealed", "advice_sealed"):
    encryption.register(encryption.EncryptedColumn("consultations", _column, "text"))
