"""Events in a child's life as the agencies know them: the rows a chronology is read from."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.core import encryption
from jigsaw.core.db import Base, IdMixin, enum_column


class MatchState(StrEnum):
    """Whether a posted event has found its child in the index."""

    MATCHED = "matched"  # on a child's chronology
    POSSIBLE = "possible"  # candidates found, none sure: a person decides
    UNMATCHED = "unmatched"  # no candidate: a person finds the child or sets it aside
    SET_ASIDE = "set_aside"  # a reviewer decided it is about no child in the index


# Every column the chronology's counts and its reader's visibility read.
COUNTED = (
    "child_id", "match_state", "organisation_id", "category", "occurred_at", "recorded_at",
    "significant", "open_to_all", "id",
)  # fmt: skip


class ChildEvent(IdMixin, Base):
    """Something that happened to a child, held by one agency.

    Jigsaw's own events (a concern shared, a MASH decision, a plan starting) are written by
    the service that did it, in its transaction; agencies' systems post theirs through the
    API, each under its own id (``source_event_id``), so a retry is the same event. The
    source's own code and words are kept beside the shared category (``taxonomy.events``).
    Who may read it is decided in ``access.policy`` from ``organisation_id`` (the agency
    that holds it), the audiences it was shared with, and ``open_to_all``.
    """

    __tablename__ = "child_events"
    __table_args__ = (
        Index("ix_child_events_chronology", "child_id", "occurred_at"),
        # Covers the chronology's counts (events.queries._tallies): no row is visited.
        Index("ix_child_events_counts", *COUNTED),
        Index("ix_child_events_review", "organisation_id", "match_state"),
        UniqueConstraint("organisation_id", "source_event_id", name="uq_child_events_source"),
    )

    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    category: Mapped[str] = mapped_column(String(40))  # a code of taxonomy.events
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    # The system it came from ("Jigsaw" for Jigsaw's own), its id there and its own code.
    source_system: Mapped[str] = mapped_column(String(100))
    source_event_id: Mapped[str] = mapped_column(String(100))
    source_code: Mapped[str | None] = mapped_column(String(60))
    # What the source said happened, in its words (sealed): Jigsaw's own events describe
    # themselves from codes and organisation names only.
    text_sealed: Mapped[str | None] = mapped_column(Text)
    # A record in Jigsaw the event is about (a concern, a MASH contact, a consultation).
    record_kind: Mapped[str | None] = mapped_column(String(30))
    record_id: Mapped[uuid.UUID | None]
    # Plans and who works with the child: shown to everyone who may see the child.
    open_to_all: Mapped[bool] = mapped_column(default=False)
    significant: Mapped[bool] = mapped_column(default=False)
    marked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime | None]
    match_state: Mapped[MatchState] = enum_column(MatchState)
    # A posted event's identity details (sealed JSON), kept for the person who matches it.
    identity_sealed: Mapped[str | None] = mapped_column(Text)
    candidates: Mapped[str | None] = mapped_column(String(400))  # child ids, best first
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]


for _column in ("text_sealed", "identity_sealed"):
    encryption.register(encryption.EncryptedColumn("child_events", _column, "text"))


class EventAudience(Base):
    """Another organisation an event was shared with (a concern's recipients, a referrer)."""

    __tablename__ = "child_event_audiences"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child_events.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True
    )


class ChronologyLook(Base):
    """When a person last looked at a child's chronology: what is new since is marked."""

    __tablename__ = "chronology_looks"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), primary_key=True)
    looked_at: Mapped[datetime]


class EventWaiting(Base):
    """An event the alert rules have not yet looked at: the worker's queue, in arrival order."""

    __tablename__ = "events_waiting"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("child_events.id"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(index=True)
