"""What the consultation pages post and the consultation API takes and gives back."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, StringConstraints

from jigsaw.consultations.queries import Line
from jigsaw.consultations.rules import ConsultationOutcome, ConsultationState
from jigsaw.consultations.services import SITUATION_MAX, TEXT_MAX, Request
from jigsaw.mash.rules import Urgency

# The services say what is too long, in words a person can act on; these only stop abuse.
Text = Annotated[str, StringConstraints(max_length=SITUATION_MAX * 2)]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


class RequestForm(BaseModel):
    """The short form: about whom, what is worrying, what to ask, how soon."""

    about: Literal["child", "anonymous"] = "anonymous"
    child_id: Annotated[uuid.UUID | None, BeforeValidator(_blank_is_none)] = None
    situation: Text = ""
    question: Text = ""
    urgency: Urgency = Urgency.AMBER

    def to_request(self) -> Request:
        """The request, naming the child only when the asker chose to."""
        child = self.child_id if self.about == "child" else None
        return Request(situation=self.situation, question=self.question, urgency=self.urgency,
                       child_id=child)  # fmt: skip


class AdviceForm(BaseModel):
    """The advice and what it comes to."""

    advice: Text = ""
    outcome: Annotated[ConsultationOutcome | None, BeforeValidator(_blank_is_none)] = None


class CallForm(RequestForm, AdviceForm):
    """A phone consultation as the advisor logs it."""

    organisation_id: Annotated[uuid.UUID | None, BeforeValidator(_blank_is_none)] = None
    caller: Annotated[str, StringConstraints(max_length=200)] = ""
    caller_email: Annotated[str, StringConstraints(max_length=320)] = ""


class ConsultationIn(BaseModel):
    """A consultation asked for from an agency's own system."""

    situation: Annotated[str, StringConstraints(min_length=1, max_length=SITUATION_MAX)]
    question: Annotated[str, StringConstraints(max_length=TEXT_MAX)] = ""
    urgency: Urgency = Urgency.AMBER
    child_id: uuid.UUID | None = None

    def to_request(self) -> Request:
        """The request the service takes."""
        return Request(situation=self.situation, question=self.question, urgency=self.urgency,
                       child_id=self.child_id)  # fmt: skip


class ConsultationView(BaseModel):
    """Where a consultation is and, once given, the advice (for the asker's system)."""

    id: uuid.UUID
    reference: str
    state: ConsultationState
    urgency: Urgency
    created_at: datetime
    due_at: datetime
    outcome: ConsultationOutcome | None = None
    advice: str | None = None
    advised_at: datetime | None = None
    referral_id: uuid.UUID | None = None


class ConsultationLineView(BaseModel):
    """A consultation in a list, without names."""

    id: uuid.UUID
    reference: str
    state: ConsultationState
    urgency: Urgency
    outcome: ConsultationOutcome | None
    created_at: datetime
    due_at: datetime
    overdue: bool

    @classmethod
    def from_line(cls, line: Line) -> "ConsultationLineView":
        """The line as a system sees it: no names (the child is fetched by its own API)."""
        return cls(id=line.id, reference=line.reference, state=line.state, urgency=line.urgency,
                   outcome=line.outcome, created_at=line.created_at, due_at=line.due_at,
                   overdue=line.overdue)  # fmt: skip
