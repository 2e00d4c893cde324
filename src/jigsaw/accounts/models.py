"""Organisations in the partnership and the people who work in them."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
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
    # Whom another agency calls about a child (a council's front door and its out-of-hours
    # team): told to an agency whose event was about a child on a plan, as CP-IS does.
    phone: Mapped[str | None] = mapped_column(String(40))
    out_of_hours_phone: Mapped[str | None] = mapped_column(String(40))

    users: Mapped[list["User"]] = relationship(back_populates="organisation")


class User(IdMixin, Base):
    """A person who signs in to Jigsaw, belonging to one organisation."""

    __tablename__ = "users"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Set when an admin issues a temporary password: the user must choose their own.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # The TOTP secret, sealed with the deployment's secret key (never stored in clear).
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(500))
    totp_enrolled_at: Mapped[datetime | None]
    # The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None]
    # The subject of this user at their organisation's identity provider (single sign-on).
    sso_subject: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_signed_in_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this user holds."""
        return frozenset(grant.role for grant in self.role_grants)


class RecoveryCode(IdMixin, Base):
    """A one-time code that stands in for two-factor when the authenticator is lost."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class SessionStage(StrEnum):
    """How far a sign-in has got: full access only after two-factor."""

    NEEDS_TWO_FACTOR = "needs_two_factor"
    NEEDS_ENROLMENT = "needs_enrolment"
    NEEDS_PASSWORD_CHANGE = "needs_password_change"  # noqa: S105 - a stage, not a secret
    SIGNED_IN = "signed_in"


class UserSession(IdMixin, Base):
    """A server-side session; the browser holds only a random token whose hash is here."""

    __tablename__ = "user_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[SessionStage] = enum_column(SessionStage)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class SignInThrottle(Base):
    """Failed sign-ins per key (a hashed email address or an IP), for temporary lockout.

    Keyed by hash so that unknown and known addresses are throttled alike.
    """

    __tablename__ = "sign_in_throttles"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class IdentityProvider(IdMixin, Base):
    """An organisation's OpenID Connect provider for single sign-on (CIS2, Entra ID, ...)."""

    __tablename__ = "identity_providers"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_sealed: Mapped[str | None] = mapped_column(String(1000))
    # Sign-in addresses must end with this domain to match a user by email.
    email_domain: Mapped[str] = mapped_column(String(255))


class ServiceAccount(IdMixin, Base):
    """An agency system that calls the API on behalf of its organisation."""

    __tablename__ = "service_accounts"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    deactivated_at: Mapped[datetime | None]


class ApiToken(IdMixin, Base):
    """A bearer token for a service account: shown once, stored hashed, scoped, expiring."""

    __tablename__ = "api_tokens"

    service_account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_accounts.id"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so people can tell tokens apart without the secret.
    prefix: Mapped[str] = mapped_column(String(16))
    permissions: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class RoleGrant(Base):
    """A role held by a user; permissions follow from roles in ``jigsaw.access``."""

    __tablename__ = "role_grants"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = enum_column(Role, primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")
