"""The child index: who a child is, how each agency knows them, where they live, who with."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jigsaw.core.db import Base, IdMixin, enum_column


class Sex(StrEnum):
    """Sex as agencies record it (NHS Data Dictionary person stated gender codes)."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class NameKind(StrEnum):
    """Which of a child's names this is."""

    LEGAL = "legal"
    PREFERRED = "preferred"
    PREVIOUS = "previous"
    ALIAS = "alias"


class IdentifierScheme(StrEnum):
    """Who issues an identifier: the NHS, the DfE (UPN), or one agency's own system."""

    NHS_NUMBER = "nhs_number"
    UPN = "upn"
    LOCAL = "local"


class RelationshipKind(StrEnum):
    """How a person is related to a child."""

    PARENT = "parent"
    CARER = "carer"
    SIBLING = "sibling"
    HOUSEHOLD_MEMBER = "household_member"


class Child(IdMixin, Base):
    """A child known to the partnership; identity details hang off it."""

    __tablename__ = "children"

    date_of_birth: Mapped[date | None]
    date_of_birth_estimated: Mapped[bool] = mapped_column(default=False)
    sex: Mapped[Sex] = enum_column(Sex)
    created_at: Mapped[datetime]
    # Set when this record was merged into another as a duplicate: links to it redirect there.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"), index=True)

    names: Mapped[list["ChildName"]] = relationship(back_populates="child")
    identifiers: Mapped[list["ChildIdentifier"]] = relationship(back_populates="child")


class ChildName(IdMixin, Base):
    """One of a child's names, with the period it was used where known."""

    __tablename__ = "child_names"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    kind: Mapped[NameKind] = enum_column(NameKind)
    given_names: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]

    child: Mapped[Child] = relationship(back_populates="names")


class ChildIdentifier(IdMixin, Base):
    """An identifier for a child: NHS number, UPN, or an agency's own case number."""

    __tablename__ = "child_identifiers"
    __table_args__ = (
        UniqueConstraint("scheme", "issuer_id", "value"),
        Index("ix_child_identifiers_lookup", "scheme", "value"),
    )

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    scheme: Mapped[IdentifierScheme] = enum_column(IdentifierScheme)
    value: Mapped[str] = mapped_column(String(64))
    # The organisation that issued a local id or UPN; none for the national NHS number.
    issuer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))

    child: Mapped[Child] = relationship(back_populates="identifiers")


class Address(IdMixin, Base):
    """A postal address; children and adults point at it for periods of time."""

    __tablename__ = "addresses"

    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10), index=True)


class ChildAddress(IdMixin, Base):
    """Where a child lived, from when to when (open-ended while current)."""

    __tablename__ = "child_addresses"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    address_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("addresses.id"), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]


class Adult(IdMixin, Base):
    """An adult connected to a child: a parent, a carer, a household member."""

    __tablename__ = "adults"

    given_names: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200), index=True)
    date_of_birth: Mapped[date | None]
    sex: Mapped[Sex] = enum_column(Sex)
    # An expectant mother's NHS number: unborn children's plans are held against it (CP-IS).
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    address_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("addresses.id"))
    created_at: Mapped[datetime]


class ChildRelationship(IdMixin, Base):
    """How a child is related to another child or to an adult."""

    __tablename__ = "child_relationships"
    __table_args__ = (
        CheckConstraint(
            "(related_child_id IS NULL) <> (adult_id IS NULL)", name="exactly_one_relative"
        ),
    )

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    kind: Mapped[RelationshipKind] = enum_column(RelationshipKind)
    related_child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"))
    adult_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("adults.id"), index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]


class FlagKind(StrEnum):
    """A statutory status a child has for a period (shown to those who may see the child)."""

    CHILD_PROTECTION_PLAN = "child_protection_plan"
    LOOKED_AFTER = "looked_after"
    CHILD_IN_NEED = "child_in_need"
    # Held against the expectant parent until the birth, then moved to the child (as CP-IS).
    UNBORN_CHILD_PROTECTION_PLAN = "unborn_child_protection_plan"


class AbuseCategory(StrEnum):
    """Category of abuse on a child protection plan (CIN census ``CategoryOfAbuse``)."""

    NEGLECT = "NEG"
    PHYSICAL = "PHY"
    SEXUAL = "SAB"
    EMOTIONAL = "EMO"
    MULTIPLE = "MUL"


class ChildFlag(IdMixin, Base):
    """A status flag with dates: a child protection plan, looked after, child in need.

    Recorded by the organisation responsible (children's social care), as CP-IS holds them.
    An unborn child's plan has no child yet: it names the expectant parent and the due date.
    """

    __tablename__ = "child_flags"
    __table_args__ = (
        CheckConstraint(
            "(child_id IS NULL) <> (expectant_parent_id IS NULL)", name="child_or_expectant_parent"
        ),
    )

    child_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("children.id"), index=True)
    expectant_parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("adults.id"), index=True
    )
    due_on: Mapped[date | None]
    kind: Mapped[FlagKind] = enum_column(FlagKind)
    category: Mapped[AbuseCategory | None] = enum_column(AbuseCategory, nullable=True)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]


class ChildMatchKey(Base):
    """A blocking key of a child (e.g. date of birth + family-name sound), for finding them.

    Searching looks up candidates by these keys through an index, never by scanning every
    child; ``jigsaw.matching.blocking_keys`` decides what the keys are.
    """

    __tablename__ = "child_match_keys"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("children.id"), primary_key=True, index=True
    )


class ChildMatchRecord(Base):
    """The identity facts the matcher compares, one row per child in the index.

    Kept beside ``child_match_keys`` so that a search reads its candidates in one query and
    batch linking and training export the index as one table. Holds personal data: store
    it like the record itself and never log it.
    """

    __tablename__ = "child_match_records"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), primary_key=True)
    given_names: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    # Earlier family names, joined with "|".
    previous_family_names: Mapped[str] = mapped_column(String(400), default="")
    date_of_birth: Mapped[date | None]
    sex: Mapped[str | None] = mapped_column(String(10))
    postcode: Mapped[str | None] = mapped_column(String(10))
    nhs_number: Mapped[str | None] = mapped_column(String(10))
    upn: Mapped[str | None] = mapped_column(String(13))
    household_key: Mapped[str | None] = mapped_column(String(64))
    # The first line of the current address, which rosters often carry.
    address_line: Mapped[str | None] = mapped_column(String(200))


class ChildMerge(IdMixin, Base):
    """One duplicate record merged into another, and everything moved, so it can be undone.

    ``moved`` lists the rows repointed from the merged-away child to the kept one, as
    ``{"table": ..., "id": ...}``; unmerging points exactly those rows back.
    """

    __tablename__ = "child_merges"

    kept_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    merged_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    merged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    moved: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    unmerged_at: Mapped[datetime | None]
    unmerged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class ReviewStatus(StrEnum):
    """Where a queued decision stands."""

    OPEN = "open"
    MERGED = "merged"
    NOT_DUPLICATE = "not_duplicate"


class DuplicateReview(IdMixin, Base):
    """Two children in the index who are likely the same child, queued for a person to decide.

    The pair is stored with the smaller id first so that it is queued once.
    """

    __tablename__ = "duplicate_reviews"
    __table_args__ = (UniqueConstraint("child_id", "other_child_id"),)

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    other_child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    probability: Mapped[float] = mapped_column(Float)
    # Per-field evidence as [{"field", "level", "weight"}]; words are made when shown.
    evidence: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    rule: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[ReviewStatus] = enum_column(ReviewStatus, index=True)
    found_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
