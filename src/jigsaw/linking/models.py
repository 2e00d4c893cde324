"""A roster link run, and the possible matches it leaves for a person to settle."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.access.models import InvolvementRole
from jigsaw.core.db import Base, IdMixin, enum_column


class LinkRun(IdMixin, Base):
    """One roster linked to the child index for one organisation: who, when, what came of it.

    The roster's rows are not kept, except those queued for review; the decisions file
    keeps each row's number, local id, decision and score, for the organisation to download.
    """

    __tablename__ = "link_runs"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # None when the operator ran ``jigsaw link`` (a system actor, audited as such).
    started_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[InvolvementRole] = enum_column(InvolvementRole)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    rows: Mapped[int] = mapped_column(Integer)
    matched: Mapped[int] = mapped_column(Integer)
    possible: Mapped[int] = mapped_column(Integer)
    unmatched: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    # The decisions CSV (row, local id, decision, child id, score, explanation). It holds no
    # more personal data than the roster did and is served only to the same organisation.
    decisions_csv: Mapped[str] = mapped_column(Text)


class LinkReviewStatus(StrEnum):
    """How a possible match was settled."""

    OPEN = "open"
    CONFIRMED = "confirmed"  # the roster row is the candidate child: involvement recorded
    NEW_CHILD = "new_child"  # none of the candidates: a new child was added to the index
    REJECTED = "rejected"  # none of the candidates, and no child added


class LinkReview(IdMixin, Base):
    """A roster row that possibly matches a child in the index, queued for its organisation.

    ``roster_row`` holds the row's identity fields as the agency sent them (personal data:
    never log it); ``candidates`` the best children with their scores and per-field evidence.
    """

    __tablename__ = "link_reviews"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("link_runs.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    roster_row: Mapped[dict[str, str]] = mapped_column(JSON)
    candidates: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    status: Mapped[LinkReviewStatus] = enum_column(LinkReviewStatus, index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    chosen_child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"))
    # Why the decision was made, when the reviewer gave one.
    note: Mapped[str | None] = mapped_column(String(2000))
