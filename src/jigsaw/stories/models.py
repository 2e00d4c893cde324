"""A story of sharing that led to a good outcome: its words, agencies, themes and moderation."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.children import Adult, Child, ChildName
from jigsaw.core import encryption
from jigsaw.core.db import Base, IdMixin, enum_column
from jigsaw.stories.rules import StoryState, Theme


class Story(IdMixin, Base):
    """A practitioner's story, from draft through moderation to publication.

    Until it is published the title and text may name a child, so they are sealed
    (``core.encryption``). Publishing, allowed only when the anonymisation check finds nothing,
    copies them to plain columns with ``search_text`` (lower-case words of the title, text,
    agencies and themes) so published stories can be searched on SQLite and PostgreSQL alike;
    withdrawing a published story clears that copy.
    """

    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_state", "state", "submitted_at"),  # the moderation queue
        Index("ix_stories_published", "state", "published_at"),  # the published list
    )

    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # Shown on publication ("told by a school"): the kind, never the person or organisation.
    organisation_kind: Mapped[AgencyKind] = enum_column(AgencyKind)
    state: Mapped[StoryState] = enum_column(StoryState)
    title_sealed: Mapped[str] = mapped_column(Text)
    text_sealed: Mapped[str] = mapped_column(Text)
    # The moderator's note when they return it to the author.
    note_sealed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    times_submitted: Mapped[int] = mapped_column(default=0)
    returned_at: Mapped[datetime | None]
    moderated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    published_title: Mapped[str | None] = mapped_column(String(200))
    published_text: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str | None] = mapped_column(Text)

    agencies: Mapped[list["StoryAgency"]] = relationship(
        cascade="all, delete-orphan", order_by="StoryAgency.agency"
    )
    themes: Mapped[list["StoryTheme"]] = relationship(
        cascade="all, delete-orphan", order_by="StoryTheme.theme"
    )


class StoryAgency(Base):
    """An agency kind involved in the sharing a story tells of (a story names several)."""

    __tablename__ = "story_agencies"

    story_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    agency: Mapped[AgencyKind] = enum_column(AgencyKind, primary_key=True, index=True)


class StoryTheme(Base):
    """A theme a story is about, from the fixed list in ``stories.rules``."""

    __tablename__ = "story_themes"

    story_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stories.id"), primary_key=True)
    theme: Mapped[Theme] = enum_column(Theme, primary_key=True, index=True)


for _column in ("title_sealed", "text_sealed", "note_sealed"):
    encryption.register(encryption.EncryptedColumn("stories", _column, "text"))

# The anonymisation check looks each name and date of birth in a story up in the child index
# (``stories.anonymisation``): these let it find them by index, not by reading every row.
# Family names, NHS numbers, identifiers and postcodes have their indexes already.
Index("ix_child_names_given_names", ChildName.__table__.c.given_names)
Index("ix_adults_given_names", Adult.__table__.c.given_names)
Index("ix_children_date_of_birth", Child.__table__.c.date_of_birth)
Index("ix_adults_date_of_birth", Adult.__table__.c.date_of_birth)
