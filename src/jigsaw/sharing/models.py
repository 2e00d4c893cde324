"""A concern about a child, the sharing decision recorded with it, and who it was shared with.

Free text (what happened, the child's words, actions taken, reasons, the description of a
child not yet identified) and attachments are stored encrypted (``core.encryption``): the
columns ending ``_sealed`` hold AES-GCM tokens bound to their row, so a database dump alone
reveals no narrative. Codes (categories, lawful bases, levels of need) are stored plain:
they are what the partnership counts, and say nothing about who the child is.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jigsaw.core import encryption
from jigsaw.core.db import Base, IdMixin, enum_column
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
)


class ConcernStatus(StrEnum):
    """Where a concern has got to, as its sharer sees it under "My shares"."""

    DRAFT = "draft"
    NOT_SHARED = "not_shared"  # the decision not to share, recorded with its reasons
    SENT = "sent"
    RECEIVED = "received"
    SCREENING = "screening"
    DECIDED = "decided"
    FEEDBACK_RECEIVED = "feedback_received"


class Subject(StrEnum):
    """Who the concern is about."""

    IDENTIFIED = "identified"  # a child found in the child index
    UNBORN = "unborn"  # an unborn child: the expectant parent described
    UNIDENTIFIED = "unidentified"  # described as well as the sharer can, matched later


class HowKnown(StrEnum):
    """How the sharer knows what they report."""

    SEEN = "seen"
    TOLD_BY_CHILD = "told_by_child"
    TOLD_BY_SOMEONE_ELSE = "told_by_someone_else"


class ShareDecision(StrEnum):
    """Whether the information was shared: a decision not to share is recorded too."""

    SHARE = "share"
    DO_NOT_SHARE = "do_not_share"


class RecipientKind(StrEnum):
    """How the concern went to an organisation."""

    MASH_CONTACT = "mash_contact"  # to the MASH, as a contact
    INVOLVED_ORGANISATION = "involved_organisation"  # to an agency working with the child


class AuthorKind(StrEnum):
    """Who raised the concern: a person on a page, or an agency's system through the API."""

    USER = "user"
    SERVICE_ACCOUNT = "service_account"


class Concern(IdMixin, Base):
    """A worry about a child, from one practitioner, and the decision about sharing it."""

    __tablename__ = "concerns"
    __table_args__ = (
        UniqueConstraint("author_id", "idempotency_key", name="uq_concerns_author_idempotency"),
        Index("ix_concerns_author_status", "author_id", "status"),
    )

    reference: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[ConcernStatus] = enum_column(ConcernStatus)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column()
    author_kind: Mapped[AuthorKind] = enum_column(AuthorKind)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The API's Idempotency-Key (or the page's draft), so a retry never makes a second concern;
    # with the hash of what was sent, so a different request under the same key is refused.
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_hash: Mapped[str | None] = mapped_column(String(64))

    # Who it is about.
    subject: Mapped[Subject] = enum_column(Subject)
    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"), index=True)
    subject_description_sealed: Mapped[str | None] = mapped_column(Text)

    # What happened.
    immediate_danger: Mapped[bool] = mapped_column(Boolean, default=False)
    happened_on: Mapped[date | None]
    how_known: Mapped[HowKnown | None] = enum_column(HowKnown, nullable=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    agency_risk_term: Mapped[str | None] = mapped_column(String(100))
    level_of_need: Mapped[int | None] = mapped_column(Integer)
    narrative_sealed: Mapped[str | None] = mapped_column(Text)
    child_words_sealed: Mapped[str | None] = mapped_column(Text)
    actions_taken_sealed: Mapped[str | None] = mapped_column(Text)

    # The sharing decision, as the information-sharing advice asks it to be recorded.
    share_decision: Mapped[ShareDecision | None] = enum_column(ShareDecision, nullable=True)
    purpose_sealed: Mapped[str | None] = mapped_column(Text)
    article_6: Mapped[Article6Basis | None] = enum_column(Article6Basis, nullable=True)
    article_9: Mapped[Article9Condition | None] = enum_column(Article9Condition, nullable=True)
    schedule_1: Mapped[Schedule1Condition | None] = enum_column(Schedule1Condition, nullable=True)
    part_3: Mapped[LawEnforcementBasis | None] = enum_column(LawEnforcementBasis, nullable=True)
    consent: Mapped[ConsentPosition | None] = enum_column(ConsentPosition, nullable=True)
    consent_not_sought_reason: Mapped[ConsentNotSoughtReason | None] = enum_column(
        ConsentNotSoughtReason, nullable=True
    )
    # Why it was shared although consent was refused, or why it was not shared.
    decision_reason_sealed: Mapped[str | None] = mapped_column(Text)
    # What was shared, by part ("narrative", "child's words", "attachments", ...), on sending.
    what_shared: Mapped[list[str]] = mapped_column(JSON, default=list)

    recipients: Mapped[list["ConcernRecipient"]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", order_by="ConcernRecipient.kind"
    )


class ConcernRecipient(Base):
    """An organisation a concern was shared with, and when it was first opened there."""

    __tablename__ = "concern_recipients"

    concern_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("concerns.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True
    )
    kind: Mapped[RecipientKind] = enum_column(RecipientKind)
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    concern: Mapped[Concern] = relationship(back_populates="recipients")


Index("ix_concern_recipients_organisation", ConcernRecipient.organisation_id)


class GuidedDecision(IdMixin, Base):
    """A finished guidance flow: which flow and version, every answer, the outcome, the rationale.

    Questions and answers are the flow's own wording (no personal data); the rationale the
    practitioner may edit, so it is sealed.
    """

    __tablename__ = "guided_decisions"

    concern_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("concerns.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(index=True)
    flow_id: Mapped[str] = mapped_column(String(100))
    flow_version: Mapped[int] = mapped_column(Integer)
    flow_title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(30))
    outcome_id: Mapped[str] = mapped_column(String(100))
    record: Mapped[dict[str, object]] = mapped_column(JSON)
    rationale_sealed: Mapped[str] = mapped_column(Text)
    significant_harm: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class ConcernAttachment(IdMixin, Base):
    """A file attached to a concern: checked for what it claims to be, stored encrypted."""

    __tablename__ = "concern_attachments"

    concern_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("concerns.id"), index=True)
    filename_sealed: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime]


class RiskTerm(IdMixin, Base):
    """One term of an organisation's own risk scale and the shared level of need it maps to.

    An organisation without terms of its own uses its agency kind's usual scale
    (``sharing.rules.DEFAULT_RISK_SCALES``).
    """

    __tablename__ = "risk_terms"
    __table_args__ = (UniqueConstraint("organisation_id", "term"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    term: Mapped[str] = mapped_column(String(100))
    level_of_need: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


SEALED_TEXT = (
    ("concerns", "subject_description_sealed"),
    ("concerns", "narrative_sealed"),
    ("concerns", "child_words_sealed"),
    ("concerns", "actions_taken_sealed"),
    ("concerns", "purpose_sealed"),
    ("concerns", "decision_reason_sealed"),
    ("guided_decisions", "rationale_sealed"),
    ("concern_attachments", "filename_sealed"),
)
for _table, _column in SEALED_TEXT:
    encryption.register(encryption.EncryptedColumn(_table, _column, "text"))
encryption.register(encryption.EncryptedColumn("concern_attachments", "content_sealed", "bytes"))
