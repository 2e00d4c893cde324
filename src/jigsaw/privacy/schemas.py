"""API views of access reports."""

import uuid
from datetime import datetime

from pydantic import BaseModel

from jigsaw.accounts import AccessLine


class AccessLineView(BaseModel):
    """One access to a child's information."""

    seq: int
    occurred_at: datetime
    who: str
    organisation: str
    action: str
    basis: str | None
    actor_id: uuid.UUID | None

    @classmethod
    def from_line(cls, line: AccessLine) -> "AccessLineView":
        """Build the view from a named audit entry."""
        entry = line.entry
        return cls(
            seq=entry.seq,
            occurred_at=entry.occurred_at,
            who=line.who,
            organisation=line.organisation,
            action=entry.action,
            basis=entry.basis,
            actor_id=entry.actor_id,
        )
