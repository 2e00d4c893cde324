"""The facts access decisions are made from: involvements, MASH cases, restrictions, break-glass.

They live here, not in the capabilities, so that the policy reads them without
importing any capability (capabilities keep them up to date through ``access``'s API).
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jigsaw.core.db import Base, IdMixin, enum_column


class InvolvementRole(StrEnum):
    """How an organisation or practitioner works with a child."""

    SCHOOL_ATTENDED = "school_attended"
    REGISTERED_GP = "registered_gp"
    HEALTH_VISITOR = "health_visitor"
    SCHOOL_NURSE = "school_nurse"
    HOSPITAL = "hospital"
    ALLOCATED_SOCIAL_WORKER = "allocated_social_worker"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    EARLY_HELP_WORKER = "early_help_worker"
    POLICE_OFFICER_IN_CASE = "police_officer_in_case"
    CLASS_TEACHER = "class_teacher"
    OTHER = "other"


class Involvement(IdMixin, Base):
    """An organisation (and, where named, one practitioner) working with a child.

    Active from ``started_on`` until ``ended_on`` (open-ended while current). This is
    the legitimate relationship that need-to-know access rests on.
    """

    __tablename__ = "involvements"
    __table_args__ = (Index("ix_involvements_child_organisation", "child_id", "organisation_id"),)

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[InvolvementRole] = enum_column(InvolvementRole)
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    # Set when a practitioner declared the involvement themselves, saying why (audited).
    declared_reason: Mapped[str | None] = mapped_column(Text)


class MashCase(IdMixin, Base):
    """An open contact or referral about a child at a MASH, which lets its staff in."""

    __tablename__ = "mash_cases"
    __table_args__ = (Index("ix_mash_cases_child_organisation", "child_id", "organisation_id"),)

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class RestrictionReason(StrEnum):
    """Why a child's record is restricted (never shown to anyone not named on it)."""

    ADOPTION = "adoption"
    WITNESS_PROTECTION = "witness_protection"
    HIGH_PROFILE = "high_profile"
    OTHER = "other"


class Restriction(Base):
    """A restricted child: only the users named on it may see the child at all."""

    __tablename__ = "restrictions"

    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), primary_key=True)
    reason: Mapped[RestrictionReason] = enum_column(RestrictionReason)
    created_at: Mapped[datetime]


class RestrictionMember(Base):
    """A user named on a restricted child's record."""

    __tablename__ = "restriction_members"

    child_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("restrictions.child_id"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)


class BreakGlassGrant(IdMixin, Base):
    """Emergency access to one child's record by a user with no relationship.

    Time-limited, given with a reason, and reviewed afterwards by the user's
    organisation's privacy officer.
    """

    __tablename__ = "break_glass_grants"
    __table_args__ = (Index("ix_break_glass_grants_user_child", "user_id", "child_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"))
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(String(2000))
