"""Who is acting: a person, a system account, or Jigsaw itself (CLI, jobs)."""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from jigsaw.access.permissions import Permission
from jigsaw.access.roles import permissions_for
from jigsaw.access.vocabulary import AgencyKind, Role


class ActorKind(StrEnum):
    """The kind of actor an audit row names."""

    USER = "user"
    SERVICE_ACCOUNT = "service_account"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """The person or system on whose behalf a service runs."""

    kind: ActorKind
    id: uuid.UUID | None
    organisation_id: uuid.UUID | None = None
    agency_kind: AgencyKind | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    permissions: frozenset[Permission] = field(default_factory=frozenset)
    # Why a system actor acts (e.g. "cli:demo"); audited instead of a user id.
    purpose: str | None = None

    @classmethod
    def user(
        cls,
        user_id: uuid.UUID,
        *,
        organisation_id: uuid.UUID,
        agency_kind: AgencyKind,
        roles: frozenset[Role],
    ) -> "Actor":
        """A signed-in person, with the permissions their roles grant."""
        return cls(
            kind=ActorKind.USER,
            id=user_id,
            organisation_id=organisation_id,
            agency_kind=agency_kind,
            roles=roles,
            permissions=permissions_for(roles),
        )

    @classmethod
    def service_account(
        cls,
        account_id: uuid.UUID,
        *,
        organisation_id: uuid.UUID,
        agency_kind: AgencyKind,
        permissions: frozenset[Permission],
    ) -> "Actor":
        """An agency system calling the API with a token scoped to ``permissions``."""
        return cls(
            kind=ActorKind.SERVICE_ACCOUNT,
            id=account_id,
            organisation_id=organisation_id,
            agency_kind=agency_kind,
            permissions=permissions,
        )

    @classmethod
    def system(cls, purpose: str) -> "Actor":
        """Jigsaw acting for itself, from the CLI or a job, with the reason recorded."""
        return cls(kind=ActorKind.SYSTEM, id=None, purpose=purpose)
