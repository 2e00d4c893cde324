"""What the MASH pages post, and what the MASH API takes and gives back."""

import uuid
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from jigsaw.mash.feedback import FeedbackView as FeedbackRecord
from jigsaw.mash.models import Feedback, FeedbackStatus, MashContact
from jigsaw.mash.partner_checks import RequestView
from jigsaw.mash.queries import ContactSummary, DecisionLine, QueueLine
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


# The API: a council's case management system at the MASH, agencies' and referrers' systems.

DECISIONS_PATH = "/api/v1/mash/decisions"
SystemAction = Literal[Action.ACCEPT, Action.DECIDE, Action.CLOSE, Action.REJECT]


class ActionIn(BaseModel):
    """A lifecycle step taken by the MASH's system (partner checks are asked for by a person)."""

    model_config = ConfigDict(extra="forbid")

    action: SystemAction
    reason: Reason = Field(
        default="", description="The decision's rationale, or why the contact is rejected"
    )
    outcome: Outcome | None = Field(default=None, description="Needed to decide")


class FeedbackIn(BaseModel):
    """The feedback to send: the draft as it stands, or this text in its place."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=8_000)] | None = None  # fmt: skip


class ChallengeIn(BaseModel):
    """Why the referrer disagrees with the decision (the MASH manager reviews it)."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason


class AnswerIn(BaseModel):
    """What the agency holds about the child, or that it holds nothing."""

    model_config = ConfigDict(extra="forbid")

    answer: Annotated[str, StringConstraints(max_length=20_000)]


class ContactStatusView(BaseModel):
    """Where a contact is after a step."""

    id: uuid.UUID
    state: ContactState
    outcome: Outcome | None
    decided_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_contact(cls, contact: MashContact) -> "ContactStatusView":
        """The contact as the step left it."""
        return cls(id=contact.id, state=contact.state, outcome=contact.outcome,
                   decided_at=contact.decided_at, updated_at=contact.updated_at)  # fmt: skip


class ContactEventView(BaseModel):
    """One step of a contact's lifecycle."""

    action: str
    to_state: ContactState
    at: datetime


class ContactDecisionView(BaseModel):
    """The MASH's decision and why."""

    outcome: Outcome
    rationale: str
    decided_at: datetime


class PartnerCheckView(BaseModel):
    """A question the MASH put to an agency working with the child, and its answer."""

    id: uuid.UUID
    organisation: str
    question: str
    asked_at: datetime
    due_at: datetime
    answer: str
    answered_at: datetime | None
    chased: bool

    @classmethod
    def from_view(cls, check: RequestView) -> "PartnerCheckView":
        """The check as the MASH sees it."""
        return cls(id=check.id, organisation=check.organisation, question=check.question,
                   asked_at=check.asked_at, due_at=check.due_at, answer=check.answer,
                   answered_at=check.answered_at, chased=check.chased)  # fmt: skip


class ReferrerFeedbackView(BaseModel):
    """The MASH's feedback on a concern, as its referrer reads it."""

    status: FeedbackStatus
    outcome: Outcome | None
    text: str
    sent_at: datetime | None
    challenge: str
    # The manager's review of a challenge: the answer, when, and whether the decision stood.
    response: str = ""
    reviewed_at: datetime | None = None
    decision_stands: bool | None = None

    @classmethod
    def from_view(cls, view: FeedbackRecord) -> "ReferrerFeedbackView":
        """The feedback for the referrer's system."""
        return cls(status=view.status, outcome=view.outcome, text=view.text,
                   sent_at=view.sent_at, challenge=view.challenge, response=view.response,
                   reviewed_at=view.reviewed_at,
                   decision_stands=view.decision_stands)  # fmt: skip


class ContactFeedbackView(ReferrerFeedbackView):
    """The feedback on a contact, as its MASH sees it: due a working day after the decision."""

    due_at: datetime
    escalated: bool

    @classmethod
    def from_view(cls, view: FeedbackRecord) -> "ContactFeedbackView":
        """The feedback for the MASH's system."""
        referrer = ReferrerFeedbackView.from_view(view).model_dump()
        return cls(**referrer, due_at=view.due_at, escalated=view.escalated)


class FeedbackStatusView(BaseModel):
    """Where the feedback is after it is sent, acknowledged or challenged."""

    status: FeedbackStatus
    sent_at: datetime | None
    answered_at: datetime | None

    @classmethod
    def from_feedback(cls, row: Feedback) -> "FeedbackStatusView":
        """The feedback as the step left it."""
        return cls(status=row.status, sent_at=row.sent_at, answered_at=row.answered_at)


class ContactView(BaseModel):
    """One contact for its MASH's system: no names (the child is read in the children API)."""

    id: uuid.UUID
    concern_id: uuid.UUID
    reference: str
    child_id: uuid.UUID | None
    source_organisation_id: uuid.UUID
    state: ContactState
    urgency: Urgency
    received_at: datetime
    due_at: datetime
    overdue: bool
    assigned_to_id: uuid.UUID | None
    social_care_involved: bool
    events: list[ContactEventView]
    decision: ContactDecisionView | None
    partner_checks: list[PartnerCheckView]
    feedback: ContactFeedbackView | None

    @classmethod
    def build(
        cls,
        summary: ContactSummary,
        checks: list[RequestView],
        sent: FeedbackRecord | None,
    ) -> "ContactView":
        """The contact with its history, decision, partner checks and feedback."""
        c = summary.contact
        decision = None
        if c.outcome is not None and c.decided_at is not None:
            decision = ContactDecisionView(outcome=c.outcome, rationale=summary.rationale,
                                           decided_at=c.decided_at)  # fmt: skip
        return cls(
            id=c.id, concern_id=c.concern_id, reference=summary.reference, child_id=c.child_id,
            source_organisation_id=c.source_organisation_id, state=c.state, urgency=c.urgency,
            received_at=c.received_at, due_at=c.due_at, overdue=summary.overdue,
            assigned_to_id=c.assigned_to_id, social_care_involved=c.social_care_involved,
            events=[ContactEventView(action=e.action, to_state=e.to_state, at=e.at)
                    for e in summary.events],
            decision=decision, partner_checks=[PartnerCheckView.from_view(r) for r in checks],
            feedback=ContactFeedbackView.from_view(sent) if sent else None,
        )  # fmt: skip


class DecisionLineView(BaseModel):
    """A decided referral for the council's case management system to take: ids, no names."""

    id: uuid.UUID
    concern_id: uuid.UUID
    reference: str
    child_id: uuid.UUID | None
    source_organisation_id: uuid.UUID
    state: ContactState
    urgency: Urgency
    outcome: Outcome
    decided_at: datetime
    social_care_involved: bool

    @classmethod
    def from_line(cls, line: DecisionLine) -> "DecisionLineView":
        """One decision in the listing."""
        return cls(id=line.id, concern_id=line.concern_id, reference=line.reference,
                   child_id=line.child_id, source_organisation_id=line.source_organisation_id,
                   state=line.state, urgency=Urgency(line.urgency), outcome=line.outcome,
                   decided_at=line.decided_at,
                   social_care_involved=line.social_care_involved)  # fmt: skip


class DecisionPageView(BaseModel):
    """A page of decisions, and where to ask for the ones after it."""

    decisions: list[DecisionLineView]
    more: bool = Field(description="The page is full: follow next now; otherwise poll it later")
    next: str = Field(description="The address of the decisions after these")

    @classmethod
    def build(
        cls, lines: list[DecisionLine], *, since: datetime | None, after: uuid.UUID | None,
        limit: int,
    ) -> "DecisionPageView":  # fmt: skip
        """The page, and its next link: after the last decision on it (or where it began)."""
        if lines:
            since, after = lines[-1].decided_at, lines[-1].id
        query: dict[str, str] = {"limit": str(limit)}
        if since is not None:
            query["since"] = since.isoformat()
            if after is not None:
                query["after"] = str(after)
        decisions = [DecisionLineView.from_line(line) for line in lines]
        next_page = f"{DECISIONS_PATH}?{urlencode(query)}"
        return cls(decisions=decisions, more=len(lines) == limit, next=next_page)


class InformationRequestView(BaseModel):
    """A question from the MASH to the caller's agency about a child it works with."""

    id: uuid.UUID
    reference: str
    child_id: uuid.UUID | None
    question: str
    asked_at: datetime
    due_at: datetime
    answer: str
    answered_at: datetime | None
    chased: bool

    @classmethod
    def from_view(cls, check: RequestView) -> "InformationRequestView":
        """The request as the agency sees it."""
        return cls(id=check.id, reference=check.reference, child_id=check.child_id,
                   question=check.question, asked_at=check.asked_at, due_at=check.due_at,
                   answer=check.answer, answered_at=check.answered_at,
                   chased=check.chased)  # fmt: skip


class AnswerView(BaseModel):
    """The agency's answer, received."""

    id: uuid.UUID
    answered_at: datetime | None


class ReviewForm(BaseModel):
    """The manager's review of a challenge: a new outcome (none: the decision stands), and why."""

    revised_outcome: Annotated[Outcome | None, BeforeValidator(lambda v: v or None)] = None
    response: Reason = ""
