"""What the concern pages post and what the API takes and gives back."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from jigsaw.core.errors import Invalid
from jigsaw.sharing.models import Concern, ConcernStatus, HowKnown, ShareDecision, Subject
from jigsaw.sharing.queries import ConcernLine, ConcernRecord
from jigsaw.sharing.rules import Draft, SharingDecision
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
)

Text = Annotated[str, StringConstraints(max_length=20_000)]
Short = Annotated[str, StringConstraints(max_length=4_000)]
Code = Annotated[str, StringConstraints(max_length=100)]
E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: str, field: str, message: str) -> E | None:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        raise Invalid({field: message}) from None


class ConcernForm(BaseModel):
    """The concern page's form, as posted (every field may be empty while it is a draft)."""

    model_config = ConfigDict(extra="ignore")

    immediate_danger: Code = ""
    happened_on: Code = ""
    how_known: Code = ""
    categories: list[Code] = []
    agency_risk_term: Code = ""
    level_of_need: Code = ""
    narrative: Text = ""
    child_words: Text = ""
    actions_taken: Short = ""
    subject_description: Short = ""
    recipients: list[Code] = []
    decision: Code = ""
    purpose: Short = ""
    article_6: Code = ""
    article_9: Code = ""
    schedule_1: Code = ""
    part_3: Code = ""
    consent: Code = ""
    consent_not_sought_reason: Code = ""
    reason: Short = ""

    def to_draft(self) -> tuple[Draft, list[uuid.UUID]]:
        """The draft and the chosen recipients; a value no draft may hold is refused."""
        level = None
        if self.level_of_need:
            if self.level_of_need not in {"1", "2", "3", "4"}:
                raise Invalid({"level_of_need": "Choose a level of need from 1 to 4"})
            level = int(self.level_of_need)
        happened_on = None
        if self.happened_on:
            try:
                happened_on = date.fromisoformat(self.happened_on)
            except ValueError:
                raise Invalid({"happened_on": "Enter a real date"}) from None
        try:
            recipients = [uuid.UUID(value) for value in self.recipients]
        except ValueError:
            raise Invalid({"recipients": "Choose who to share with from the list"}) from None
        how = _choice(HowKnown, self.how_known, "how_known", "Choose how you know")
        decision = SharingDecision(
            decision=_choice(ShareDecision, self.decision, "decision", "Choose share or not"),
            purpose=self.purpose,
            article_6=_choice(Article6Basis, self.article_6, "article_6", "Choose a basis"),
            article_9=_choice(Article9Condition, self.article_9, "article_9", "Choose a condition"),
            schedule_1=_choice(Schedule1Condition, self.schedule_1, "schedule_1",
                               "Choose a paragraph"),
            part_3=_choice(LawEnforcementBasis, self.part_3, "part_3", "Choose a basis"),
            consent=_choice(ConsentPosition, self.consent, "consent", "Choose a consent position"),
            consent_not_sought_reason=_choice(ConsentNotSoughtReason,
                                              self.consent_not_sought_reason,
                                              "consent_not_sought_reason", "Choose a reason"),
            reason=self.reason,
        )  # fmt: skip
        draft = Draft(
            immediate_danger=self.immediate_danger == "yes", happened_on=happened_on,
            how_known=how.value if how else None, categories=tuple(self.categories),
            agency_risk_term=self.agency_risk_term or None, level_of_need=level,
            narrative=self.narrative, child_words=self.child_words,
            actions_taken=self.actions_taken, subject_description=self.subject_description,
            decision=decision,
        )  # fmt: skip
        return draft, recipients

    @classmethod
    def from_draft(cls, draft: Draft, recipients: list[uuid.UUID]) -> "ConcernForm":
        """The form as the page shows a saved draft."""
        d = draft.decision

        def v(value: Any) -> str:
            return "" if value is None else str(getattr(value, "value", value))

        return cls(
            immediate_danger="yes" if draft.immediate_danger else "",
            happened_on=v(draft.happened_on), how_known=v(draft.how_known),
            categories=list(draft.categories), agency_risk_term=v(draft.agency_risk_term),
            level_of_need=v(draft.level_of_need), narrative=draft.narrative,
            child_words=draft.child_words, actions_taken=draft.actions_taken,
            subject_description=draft.subject_description,
            recipients=[str(r) for r in recipients], decision=v(d.decision), purpose=d.purpose,
            article_6=v(d.article_6), article_9=v(d.article_9), schedule_1=v(d.schedule_1),
            part_3=v(d.part_3), consent=v(d.consent),
            consent_not_sought_reason=v(d.consent_not_sought_reason), reason=d.reason,
        )  # fmt: skip


class StartForm(BaseModel):
    """Who a new concern is about."""

    subject: Subject = Subject.IDENTIFIED
    child_id: uuid.UUID | None = None


class GuidanceStepForm(BaseModel):
    """The answers so far in a guidance flow (kept in the page, checked again every step)."""

    model_config = ConfigDict(extra="ignore")

    answers: list[Code] = []
    answer: Code = ""
    rationale: Short = ""

    def pairs(self) -> list[tuple[str, str]]:
        """The answers as (question, answer) pairs; each posted value is "question=answer"."""
        values = [*self.answers, self.answer] if self.answer else list(self.answers)
        pairs = []
        for value in values:
            question, _, answer = value.partition("=")
            pairs.append((question, answer))
        return pairs


# The API.


class SharingDecisionIn(BaseModel):
    """The sharing decision, as the information-sharing advice asks it to be recorded."""

    model_config = ConfigDict(extra="forbid")

    decision: ShareDecision
    purpose: Short = ""
    article_6: Article6Basis | None = None
    article_9: Article9Condition | None = None
    schedule_1: Schedule1Condition | None = None
    part_3: LawEnforcementBasis | None = None
    consent: ConsentPosition | None = None
    consent_not_sought_reason: ConsentNotSoughtReason | None = None
    reason: Short = Field(default="", description="Why shared despite refused consent, or why not")


class GuidedAnswersIn(BaseModel):
    """A guidance flow answered by the caller's system; Jigsaw runs it and keeps the record."""

    model_config = ConfigDict(extra="forbid")

    flow_id: Code
    answers: list[tuple[Code, Code]] = Field(description="(question id, answer value), in order")
    rationale: Short = ""


class ConcernIn(BaseModel):
    """A concern raised by an agency's own case management system."""

    model_config = ConfigDict(extra="forbid")

    subject: Subject = Subject.IDENTIFIED
    child_id: uuid.UUID | None = None
    subject_description: Short = ""
    immediate_danger: bool = False
    happened_on: date
    how_known: HowKnown
    categories: list[Code] = []
    agency_risk_term: Code | None = None
    level_of_need: int | None = Field(default=None, ge=1, le=4)
    narrative: Text
    child_words: Text = ""
    actions_taken: Short = ""
    recipients: list[uuid.UUID] = Field(default=[], description="Organisation ids; see /options")
    sharing: SharingDecisionIn
    guidance: list[GuidedAnswersIn] = []

    def to_draft(self) -> Draft:
        """The concern as the services take it."""
        s = self.sharing
        return Draft(
            immediate_danger=self.immediate_danger, happened_on=self.happened_on,
            how_known=self.how_known.value, categories=tuple(self.categories),
            agency_risk_term=self.agency_risk_term, level_of_need=self.level_of_need,
            narrative=self.narrative, child_words=self.child_words,
            actions_taken=self.actions_taken, subject_description=self.subject_description,
            decision=SharingDecision(
                decision=s.decision.value, purpose=s.purpose, article_6=s.article_6,
                article_9=s.article_9, schedule_1=s.schedule_1, part_3=s.part_3,
                consent=s.consent, consent_not_sought_reason=s.consent_not_sought_reason,
                reason=s.reason,
            ),
        )  # fmt: skip


class RecipientView(BaseModel):
    """An organisation a concern went to."""

    organisation_id: uuid.UUID
    kind: str
    received_at: datetime | None


class ConcernStatusView(BaseModel):
    """Where a concern has got to: what the sharer's system polls."""

    id: uuid.UUID
    reference: str
    status: ConcernStatus
    sent_at: datetime | None
    updated_at: datetime
    recipients: list[RecipientView]

    @classmethod
    def from_record(cls, record: ConcernRecord) -> "ConcernStatusView":
        """The status of a concern as read by its sharer."""
        return cls.from_concern(record.concern)

    @classmethod
    def from_concern(cls, concern: Concern) -> "ConcernStatusView":
        """The status of a concern just raised (the sharer's own, in hand)."""
        return cls(
            id=concern.id, reference=concern.reference, status=concern.status,
            sent_at=concern.sent_at, updated_at=concern.updated_at,
            recipients=[RecipientView(organisation_id=r.organisation_id, kind=r.kind.value,
                                      received_at=r.received_at) for r in concern.recipients],
        )  # fmt: skip


class ConcernLineView(BaseModel):
    """One of the caller's concerns."""

    id: uuid.UUID
    reference: str
    status: ConcernStatus
    sent_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_line(cls, line: ConcernLine) -> "ConcernLineView":
        """One line of the caller's list."""
        return cls(id=line.id, reference=line.reference, status=line.status,
                   sent_at=line.sent_at, updated_at=line.updated_at)  # fmt: skip


class RiskScaleForm(BaseModel):
    """The risk scale page's form: one "term = level" a line."""

    scale: Annotated[str, StringConstraints(max_length=4_000)] = ""


class RiskTermView(BaseModel):
    """One term of an organisation's risk scale and the shared level of need it maps to."""

    term: str
    level_of_need: int
