"""Organisations in the partnership and the people who work in them."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.core.db import Base, IdMixin, enum_column


class Organisation(IdMixin, Base):
    """An agency in the partnership: a council, a school, a GP practice, a police force.

    ``identifier_scheme`` names who issued ``identifier``: "ods" (NHS ODS code),
    "urn" (DfE school URN), "police_force", "la" (DfE local authority code).
    """

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("identifier_scheme", "identifier"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AgencyKind] = enum_column(AgencyKind)
    identifier_scheme: Mapped[str] = mapped_column(String(30))
    identifier: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime]

    users: Mapped[list["User"]] = relationship(back_populates="organisation")


class User(IdMixin, Base):
    """A person who signs in to Jigsaw, belonging to one organisation."""

    __tablename__ = "users"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this user holds."""
        return frozenset(grant.role for grant in self.role_grants)


class RoleGrant(Base):
    """A role held by a user; permissions follow from roles in ``jigsaw.access``."""

    __tablename__ = "role_grants"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = enum_column(Role, primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")
