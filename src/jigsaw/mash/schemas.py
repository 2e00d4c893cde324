"""What the MASH pages post and the queue API gives back."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from jigsaw.mash.queries import QueueLine
from jigsaw.mash.rules import Action, ContactState, Outcome, Urgency

Reason = Annotated[str, StringConstraints(max_length=4_000)]


class ActionForm(BaseModel):
    """A lifecycle step, with its reason and (to decide) the outcome."""

    action: Action
    reason: Reason = ""
    outcome: Outcome | None = None


class AssignForm(BaseModel):
    """Who takes the contact."""

    user_id: uuid.UUID


class UrgencyForm(BaseModel):
    """A new rating and why."""

    urgency: Urgency
    urgency_reason: Reason = ""


class QueueLineView(BaseModel):
    """A contact in the queue, for a council's case management system."""

    id: uuid.UUID
    reference: str
    state: ContactState
    urgency: Urgency
    due_at: datetime
    overdue: bool
    social_care_involved: bool

    @classmethod
    def from_line(cls, line: QueueLine) -> "QueueLineView":
        """The line without names: a system fetches the child through the children API."""
        return cls(id=line.id, reference=line.reference, state=line.state,
                   urgency=Urgency(line.urgency), due_at=line.due_at, overdue=line.overdue,
                   social_care_involved=line.social_care_involved)  # fmt: skip


class FeedbackForm(BaseModel):
    """The feedback to the referrer, as the MASH edited it."""

    feedback: Annotated[str, StringConstraints(max_length=8_000)] = ""


class ChallengeForm(BaseModel):
    """Why the referrer disagrees with the decision."""

    challenge: Reason = ""


class AskForm(BaseModel):
    """Which agencies the MASH asks, and what."""

    organisations: list[uuid.UUID] = []
    question: Reason = ""


class AnswerForm(BaseModel):
    """What the agency holds about the child."""

    answer: Annotated[str, StringConstraints(max_length=20_000)] = ""
