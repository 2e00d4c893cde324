"""What the alert pages post, and an alert as the API shows it."""

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints

from jigsaw.alerts.models import AlertState
from jigsaw.alerts.queries import AlertLine

# The service says when a note is too short, in words a person can act on; this only stops abuse.
NOTE_MAX = 4000


class AcknowledgeForm(BaseModel):
    """What the owner did or decided about the alert."""

    note: Annotated[str, StringConstraints(max_length=NOTE_MAX)] = ""


class AlertView(BaseModel):
    """An alert for an agency's system to show its users: its words name no child."""

    id: uuid.UUID
    reference: str
    summary: str = Field(description="What fired, in codes and organisation names")
    state: AlertState
    raised_at: datetime
    due_at: datetime
    overdue: bool
    escalated: bool = Field(description="Ignored past its timescale, and sent on to be dealt with")
    assignee: str | None = Field(description="Who took it, if anyone")
    acknowledged_at: datetime | None
    path: str = Field(description="Where a person opens, takes and acknowledges it in Jigsaw")

    @classmethod
    def of(cls, line: AlertLine) -> Self:
        """The view of one inbox line."""
        return cls(
            id=line.id, reference=line.reference, summary=line.summary, state=line.state,
            raised_at=line.raised_at, due_at=line.due_at, overdue=line.overdue,
            escalated=line.escalated, assignee=line.assignee,
            acknowledged_at=line.acknowledged_at, path=f"/alerts/{line.id}",
        )  # fmt: skip
