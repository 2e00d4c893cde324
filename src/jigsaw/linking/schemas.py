"""Forms and API views for rosters and possible matches."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from jigsaw.linking.models import LinkReview, LinkRun
from jigsaw.linking.roster import RowError
from jigsaw.linking.rules import RowDecision
from jigsaw.linking.services import LinkOutcome, ReviewComparison


class RowErrorView(BaseModel):
    """One problem with a roster: the row (1 is the header; none for the whole file), the column."""

    row: int | None
    column: str | None
    message: str

    @classmethod
    def from_error(cls, error: RowError) -> "RowErrorView":
        """Build the view from a problem the roster check found."""
        return cls(row=error.row, column=error.column, message=error.message)


class RowDecisionView(BaseModel):
    """What became of one roster row."""

    row: int
    local_id: str | None
    decision: str
    child_id: uuid.UUID | None
    probability: float | None
    band: str | None

    @classmethod
    def from_decision(cls, decision: RowDecision) -> "RowDecisionView":
        """Build the view from a row's decision (the explanation is in the decisions file)."""
        return cls(
            row=decision.row,
            local_id=decision.local_id,
            decision=decision.decision.value,
            child_id=decision.child_id,
            probability=decision.probability,
            band=decision.band,
        )


class LinkRunView(BaseModel):
    """A linked roster: how many rows matched, await a person, matched nothing, were added."""

    run_id: uuid.UUID
    role: str
    started_at: datetime
    rows: int
    matched: int
    possible: int
    unmatched: int
    created: int
    decisions: list[RowDecisionView]

    @classmethod
    def from_outcome(cls, outcome: LinkOutcome) -> "LinkRunView":
        """Build the view from the linked run."""
        run: LinkRun = outcome.run
        return cls(
            run_id=run.id,
            role=run.role.value,
            started_at=run.started_at,
            rows=run.rows,
            matched=run.matched,
            possible=run.possible,
            unmatched=run.unmatched,
            created=run.created,
            decisions=[RowDecisionView.from_decision(d) for d in outcome.decisions],
        )


class EvidenceView(BaseModel):
    """How one field compared: the field, its comparison level, and plain words when shown."""

    field: str
    level: str
    text: str | None = None


class CandidateView(BaseModel):
    """A child a queued row may be, as scored when it was queued."""

    child_id: uuid.UUID
    probability: float
    band: str
    rule: str | None
    evidence: list[EvidenceView]


class LinkReviewView(BaseModel):
    """A roster row waiting for a person: the row as the organisation sent it, the candidates."""

    id: uuid.UUID
    run_id: uuid.UUID
    row: int
    roster_row: dict[str, str]
    status: str
    candidates: list[CandidateView]
    chosen_child_id: uuid.UUID | None

    @classmethod
    def from_review(cls, review: LinkReview) -> "LinkReviewView":
        """Build the view from a review as stored (levels only: no other child's details)."""
        return cls(
            id=review.id,
            run_id=review.run_id,
            row=review.row_number,
            roster_row=review.roster_row,
            status=review.status.value,
            candidates=[
                CandidateView(
                    child_id=uuid.UUID(str(c["child_id"])),
                    probability=float(str(c["probability"])),
                    band=str(c["band"]),
                    rule=None if c.get("rule") is None else str(c["rule"]),
                    evidence=[
                        EvidenceView(field=str(e["field"]), level=str(e["level"]))
                        for e in _evidence(c)
                    ],
                )
                for c in review.candidates
            ],
            chosen_child_id=review.chosen_child_id,
        )


def _evidence(candidate: dict[str, object]) -> list[dict[str, object]]:
    evidence = candidate.get("evidence")
    return [e for e in evidence if isinstance(e, dict)] if isinstance(evidence, list) else []


class ComparedChildView(BaseModel):
    """A candidate's identity as the index holds it, and how it compares with the row now."""

    child_id: uuid.UUID
    given_names: str
    family_name: str
    date_of_birth: date | None
    sex: str | None
    postcode_district: str | None
    probability: float
    band: str
    rule: str | None
    evidence: list[EvidenceView]


class ReviewComparisonView(BaseModel):
    """A possible match laid out for deciding: the roster row beside each candidate."""

    id: uuid.UUID
    status: str
    roster_row: dict[str, str]
    candidates: list[ComparedChildView]

    @classmethod
    def from_comparison(cls, comparison: ReviewComparison) -> "ReviewComparisonView":
        """Build the view from an (audited) comparison."""
        return cls(
            id=comparison.review.id,
            status=comparison.review.status.value,
            roster_row=comparison.review.roster_row,
            candidates=[
                ComparedChildView(
                    child_id=c.child_id,
                    given_names=c.record.given_names,
                    family_name=c.record.family_name,
                    date_of_birth=c.record.date_of_birth,
                    sex=c.record.sex,
                    postcode_district=(c.record.postcode or "").split(" ")[0] or None,
                    probability=c.match.probability,
                    band=c.match.band.value,
                    rule=c.match.rule,
                    evidence=[
                        EvidenceView(field=e.field.value, level=e.level, text=e.text)
                        for e in c.match.explanation
                    ],
                )
                for c in comparison.candidates
            ],
        )


class ReviewDecisionForm(BaseModel):
    """A decision on a possible match from an agency system.

    ``decision`` is "confirmed" (with ``child_id``), "new_child" or "rejected".
    """

    decision: str = ""
    child_id: uuid.UUID | None = None
    note: str = Field(default="", max_length=2000)


class ReviewChoiceForm(BaseModel):
    """The decision page's one question: which child this is, a new child, or none of these.

    ``choice`` is ``child:<id>``, "new_child" or "rejected".
    """

    choice: str = ""
    note: str = ""

    @property
    def decision(self) -> str:
        """The decision the choice stands for ("" when nothing was chosen)."""
        return "confirmed" if self.choice.startswith("child:") else self.choice

    @property
    def child_id(self) -> uuid.UUID | None:
        """The child chosen, if the choice names one."""
        _, _, chosen = self.choice.partition("child:")
        try:
            return uuid.UUID(chosen) if chosen else None
        except ValueError:
            return None
