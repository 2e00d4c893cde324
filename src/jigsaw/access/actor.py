"""Who is acting: a person, a system account, or Jigsaw itself (CLI, jobs)."""

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

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
    # Why a system actor acts (e.g. "cli:demo"); audited instead of a user id.
    purpose: str | None = None

    @classmethod
    def system(cls, purpose: str) -> "Actor":
        """Jigsaw acting for itself, from the CLI or a job, with the reason recorded."""
        return cls(kind=ActorKind.SYSTEM, id=None, purpose=purpose)
