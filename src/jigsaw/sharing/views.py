"""What the concern pages show: the form's choices, the saved values, a guidance step."""

from typing import Any

from fastapi import Request

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.consultations import queries as consultations
from jigsaw.core.uow import UnitOfWork
from jigsaw.guidance import engine
from jigsaw.guidance.engine import Finished, InvalidAnswers
from jigsaw.guidance.vocabulary import Purpose
from jigsaw.mash import feedback
from jigsaw.sharing import guided, queries
from jigsaw.sharing.models import ConcernStatus, HowKnown
from jigsaw.sharing.queries import ConcernRecord
from jigsaw.sharing.schemas import ConcernForm
from jigsaw.taxonomy import categories
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
)
from jigsaw.taxonomy.levels import LevelOfNeed

HOW_KNOWN = {
    HowKnown.SEEN: "I saw or heard it myself",
    HowKnown.TOLD_BY_CHILD: "The child told me",
    HowKnown.TOLD_BY_SOMEONE_ELSE: "Someone else told me",
}
STATUS = {
    ConcernStatus.DRAFT: ("Draft", "govuk-tag--grey"),
    ConcernStatus.NOT_SHARED: ("Not shared", "govuk-tag--grey"),
    ConcernStatus.SENT: ("Sent", "govuk-tag--blue"),
    ConcernStatus.RECEIVED: ("Received", "govuk-tag--turquoise"),
    ConcernStatus.SCREENING: ("Being screened", "govuk-tag--yellow"),
    ConcernStatus.DECIDED: ("Decision made", "govuk-tag--purple"),
    ConcernStatus.FEEDBACK_RECEIVED: ("Feedback received", "govuk-tag--green"),
}


def choices(enum: Any) -> list[tuple[str, str]]:
    """(value, label) pairs for a taxonomy enum, in its order."""
    return [(member.value, member.label) for member in enum]


def concern_page_context(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    record: ConcernRecord,
    *,
    form: ConcernForm | None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything the concern form and the concern page need."""
    concern = record.concern
    is_draft = concern.status is ConcernStatus.DRAFT
    shown = form or ConcernForm.from_draft(
        record.draft, [r.organisation_id for r in record.recipients]
    )
    flows = guided.library(request)
    return {
        "record": record,
        "concern": concern,
        "form": shown,
        "errors": errors or {},
        "saved": request.query_params.get("saved") == "1",
        "recipient_options": queries.recipient_options(uow, actor, concern_id=concern.id)
        if is_draft else [],
        "risk_scale": queries.risk_scale(uow, actor) if is_draft else [],
        "levels": list(LevelOfNeed),
        "category_groups": categories.grouped(),
        "chosen_categories": [categories.CATEGORIES[code].label for code in concern.categories
                              if code in categories.CATEGORIES],
        "how_known": HOW_KNOWN,
        "article_6": choices(Article6Basis),
        "article_9": choices(Article9Condition),
        "schedule_1": choices(Schedule1Condition),
        "part_3": choices(LawEnforcementBasis),
        "consent": choices(ConsentPosition),
        "not_sought": choices(ConsentNotSoughtReason),
        "labels": _labels(),
        "is_police": actor.agency_kind is AgencyKind.POLICE,
        "share_flows": flows.for_purpose(Purpose.SHARE),
        "level_flows": flows.for_purpose(Purpose.LEVEL_OF_NEED),
        "status": STATUS,
        "feedback": feedback.for_referrer(uow, actor, concern_id=concern.id),
        "challenge": "",
        "consultation": consultations.for_concern(uow, concern.id),
    }  # fmt: skip


def guidance_context(
    request: Request,
    actor: Actor,
    record: ConcernRecord,
    *,
    flow_id: str,
    answers: list[tuple[str, str]],
) -> dict[str, Any]:
    """One step of a guidance flow: the next question, or the outcome and its record."""
    flow = guided.flow(request, flow_id)
    errors: dict[str, str] = {}
    try:
        step = engine.advance(flow, answers)
    except InvalidAnswers:
        errors = {"answer": "Choose one of the answers"}
        answers = answers[:-1]
        step = engine.advance(flow, answers)
    decision = None
    if isinstance(step, Finished):
        decision = engine.decision_record(flow, answers, sector=guided.sector(actor))
    return {
        "record": record,
        "concern": record.concern,
        "flow": flow,
        "step": step,
        "answers": [f"{q}={a}" for q, a in answers],
        "decision": decision,
        "errors": errors,
        "labels": _labels(),
    }


def _labels() -> dict[str, str]:
    """Every taxonomy code's label, for showing stored codes."""
    labels: dict[str, str] = {}
    for enum in (Article6Basis, Article9Condition, Schedule1Condition, LawEnforcementBasis,
                 ConsentPosition, ConsentNotSoughtReason):  # fmt: skip
        labels.update({member.value: member.label for member in enum})
    return labels
