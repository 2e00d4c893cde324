"""The MASH queue and a contact's page; the MASH, partner-check and feedback API."""

import uuid
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import AwareDatetime

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.consultations import queries as consultations
from jigsaw.core import clock
from jigsaw.core.errors import Invalid
from jigsaw.mash import challenges, feedback, partner_checks, queries, services
from jigsaw.mash.queries import QueueView
from jigsaw.mash.rules import Action, Outcome, Urgency
from jigsaw.mash.schemas import (
    ActionForm,
    ActionIn,
    AnswerForm,
    AnswerIn,
    AnswerView,
    AskForm,
    AssignForm,
    ChallengeForm,
    ChallengeIn,
    ContactFeedbackView,
    ContactStatusView,
    ContactView,
    DecisionPageView,
    FeedbackForm,
    FeedbackIn,
    FeedbackStatusView,
    InformationRequestView,
    QueueLineView,
    ReferrerFeedbackView,
    ReviewForm,
    UrgencyForm,
)
from jigsaw.sharing import queries as sharing_queries
from jigsaw.sharing.views import concern_page_context
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["mash"])
Screener = Annotated[Actor, Depends(Requires(Permission.CONTACT_SCREEN))]
Raiser = Annotated[Actor, Depends(Requires(Permission.CONCERN_RAISE))]
Receiver = Annotated[Actor, Depends(Requires(Permission.CONCERN_RECEIVE))]
SINCE_HELP = "Decisions made after this time, with its offset (from the last page's next)"
AFTER_HELP = "With since: the last contact already taken, decided at since (from next)"
REFUSED: dict[int | str, dict[str, object]] = {
    409: {"description": "Not allowed now: the problem's detail says why (e.g. already closed)"}
}
VIEWS = {
    QueueView.OPEN: "All open",
    QueueView.MINE: "Mine",
    QueueView.UNASSIGNED: "Unassigned",
    QueueView.DUE_TODAY: "Due today",
    QueueView.OVERDUE: "Overdue",
}


@pages.get("/mash")
def queue_page(
    request: Request, uow: UowDep, actor: Screener, view: QueueView = QueueView.OPEN
) -> HTMLResponse:
    """The MASH's open contacts, most urgent first, with their due times."""
    lines = queries.queue(uow, actor, view=view, now=clock.now())
    context = {"lines": lines, "view": view, "views": VIEWS,
               "challenges": challenges.waiting(uow, actor)}  # fmt: skip
    return render(request, "mash/queue.html", context)


@pages.get("/mash/contacts/{contact_id}")
def contact_page(
    request: Request, uow: UowDep, actor: Screener, contact_id: uuid.UUID
) -> HTMLResponse:
    """A contact: the concern, its history, and what may be done next."""
    return render(request, "mash/contact.html", _context(uow, actor, contact_id))


@pages.post("/mash/contacts/{contact_id}/action")
def act(
    request: Request, uow: UowDep, actor: Screener, contact_id: uuid.UUID,
    form: Annotated[ActionForm, Form()],
) -> Response:  # fmt: skip
    """A lifecycle step: accept, reject with a reason, decide, close."""
    try:
        services.act(uow, actor, contact_id=contact_id, action=form.action, reason=form.reason,
                     outcome=form.outcome)  # fmt: skip
    except Invalid as error:
        typed = {"reason": form.reason, "outcome": form.outcome.value if form.outcome else ""}
        return _refused(request, uow, actor, contact_id, error, typed)
    return redirect(f"/mash/contacts/{contact_id}")


@pages.post("/mash/contacts/{contact_id}/assign")
def assign(
    uow: UowDep, actor: Screener, contact_id: uuid.UUID, form: Annotated[AssignForm, Form()]
) -> Response:
    """Give the contact to someone at the MASH."""
    services.assign(uow, actor, contact_id=contact_id, user_id=form.user_id)
    return redirect(f"/mash/contacts/{contact_id}")


@pages.post("/mash/contacts/{contact_id}/urgency")
def rate(
    request: Request, uow: UowDep, actor: Screener, contact_id: uuid.UUID,
    form: Annotated[UrgencyForm, Form()],
) -> Response:  # fmt: skip
    """Change the rating, with the reason; the due time moves with it."""
    try:
        services.rate(uow, actor, contact_id=contact_id, urgency=form.urgency,
                      reason=form.urgency_reason)  # fmt: skip
    except Invalid as error:
        # The rating's reason shares the message key "reason" with the lifecycle form's.
        errors = {"urgency_reason": error.errors.get("reason", "Check the new rating")}
        return _refused(request, uow, actor, contact_id, Invalid(errors),
                        {"urgency_reason": form.urgency_reason})  # fmt: skip
    return redirect(f"/mash/contacts/{contact_id}")


@api.get("/mash/contacts", response_model=list[QueueLineView])
def queue_api(
    uow: UowDep, actor: Screener, view: QueueView = QueueView.OPEN
) -> list[QueueLineView]:
    """The MASH's open contacts, most urgent first (for a council's case management system)."""
    lines = queries.queue(uow, actor, view=view, now=clock.now())
    return [QueueLineView.from_line(line) for line in lines]


def _refused(
    request: Request, uow: UowDep, actor: Actor, contact_id: uuid.UUID, error: Invalid,
    typed: Mapping[str, object],
) -> HTMLResponse:  # fmt: skip
    """The contact page again, saying what is wrong and keeping what was typed."""
    context = _context(uow, actor, contact_id) | {"errors": error.errors, "typed": typed}
    return render(request, "mash/contact.html", context, status=422)


def _context(uow: UowDep, actor: Actor, contact_id: uuid.UUID) -> dict[str, object]:
    record = queries.open_contact(uow, actor, contact_id=contact_id, now=clock.now())
    return {
        "record": record, "outcomes": list(Outcome), "urgencies": list(Urgency), "typed": {},
        "feedback": feedback.for_mash(uow, actor, contact_id=contact_id),
        "checks": partner_checks.for_contact(uow, contact_id),
        "consultation": consultations.for_concern(uow, record.concern.concern.id),
        "revisions": [(o.value, f"Change it to: {o.label}") for o in Outcome
                      if o is not record.contact.outcome],
        "partners": {str(organisation_id): name for organisation_id, name in
                     partner_checks.partner_options(uow, actor, contact_id=contact_id).items()},
    }  # fmt: skip


@pages.post("/mash/contacts/{contact_id}/feedback")
def send_feedback(
    request: Request, uow: UowDep, actor: Screener, contact_id: uuid.UUID,
    form: Annotated[FeedbackForm, Form()],
) -> Response:  # fmt: skip
    """Send the feedback, as edited, to the referrer."""
    try:
        feedback.send(uow, actor, contact_id=contact_id, text=form.feedback)
    except Invalid as error:
        return _refused(request, uow, actor, contact_id, error, {"feedback": form.feedback})
    return redirect(f"/mash/contacts/{contact_id}")


@pages.post("/mash/contacts/{contact_id}/challenge")
def review_challenge(
    request: Request, uow: UowDep, actor: Screener, contact_id: uuid.UUID,
    form: Annotated[ReviewForm, Form()],
) -> Response:  # fmt: skip
    """The manager answers the referrer's challenge: the decision stands, or changes."""
    try:
        challenges.review(uow, actor, contact_id=contact_id, response=form.response,
                          outcome=form.revised_outcome)  # fmt: skip
    except Invalid as error:
        typed = {
            "response": form.response,
            "revised_outcome": form.revised_outcome.value if form.revised_outcome else "",
        }
        return _refused(request, uow, actor, contact_id, error, typed)
    return redirect(f"/mash/contacts/{contact_id}")


@pages.post("/concerns/{concern_id}/feedback/acknowledge")
def acknowledge_feedback(uow: UowDep, actor: Raiser, concern_id: uuid.UUID) -> Response:
    """The referrer has read the MASH's feedback."""
    feedback.acknowledge(uow, actor, concern_id=concern_id)
    return redirect(f"/concerns/{concern_id}")


@pages.post("/concerns/{concern_id}/feedback/challenge")
def challenge_decision(
    request: Request, uow: UowDep, actor: Raiser, concern_id: uuid.UUID,
    form: Annotated[ChallengeForm, Form()],
) -> Response:  # fmt: skip
    """The referrer disagrees with the decision: the MASH manager reviews it."""
    try:
        feedback.challenge(uow, actor, concern_id=concern_id, reason=form.challenge)
    except Invalid as error:  # the page again, with what they wrote
        record = sharing_queries.open_concern(uow, actor, concern_id=concern_id)
        context = concern_page_context(request, uow, actor, record, form=None,
                                       errors=error.errors)  # fmt: skip
        context["challenge"] = form.challenge
        return render(request, "sharing/view.html", context, status=422)
    return redirect(f"/concerns/{concern_id}")


@pages.post("/mash/contacts/{contact_id}/partners")
def ask_partners(
    request: Request, uow: UowDep, actor: Screener, contact_id: uuid.UUID,
    form: Annotated[AskForm, Form()],
) -> Response:  # fmt: skip
    """Ask the agencies working with the child what they hold."""
    try:
        partner_checks.ask(uow, actor, contact_id=contact_id, organisation_ids=form.organisations,
                           question=form.question)  # fmt: skip
    except Invalid as error:
        typed = {"question": form.question, "organisations": [str(o) for o in form.organisations]}
        return _refused(request, uow, actor, contact_id, error, typed)
    return redirect(f"/mash/contacts/{contact_id}")


@pages.get("/information-requests/{request_id}")
def request_page(
    request: Request, uow: UowDep, actor: Receiver, request_id: uuid.UUID
) -> HTMLResponse:
    """The MASH's question to the actor's agency, and the answer form."""
    view = partner_checks.open_request(uow, actor, request_id=request_id)
    return render(request, "mash/request.html", {"check": view, "answer": ""})


@pages.post("/information-requests/{request_id}")
def answer_request(
    request: Request, uow: UowDep, actor: Receiver, request_id: uuid.UUID,
    form: Annotated[AnswerForm, Form()],
) -> Response:  # fmt: skip
    """Answer the MASH: what the agency holds about the child."""
    try:
        partner_checks.answer(uow, actor, request_id=request_id, text=form.answer)
    except Invalid as error:
        view = partner_checks.open_request(uow, actor, request_id=request_id)
        context = {"check": view, "answer": form.answer, "errors": error.errors}
        return render(request, "mash/request.html", context, status=422)
    return redirect(f"/information-requests/{request_id}")


# The API for systems: the MASH's case management system, partner agencies', referrers'.


@api.get("/mash/contacts/{contact_id}", response_model=ContactView)
def read_contact_api(uow: UowDep, actor: Screener, contact_id: uuid.UUID) -> ContactView:
    """A contact: where it is, its history, the decision, partner checks and feedback."""
    summary = queries.get_contact(uow, actor, contact_id=contact_id, now=clock.now())
    return ContactView.build(summary, partner_checks.for_contact(uow, contact_id),
                             feedback.for_mash(uow, actor, contact_id=contact_id))  # fmt: skip


@api.get("/mash/decisions", response_model=DecisionPageView)
def list_decisions_api(
    uow: UowDep, actor: Screener,
    since: Annotated[AwareDatetime | None, Query(description=SINCE_HELP)] = None,
    after: Annotated[uuid.UUID | None, Query(description=AFTER_HELP)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DecisionPageView:  # fmt: skip
    """Decided referrals for the council's case management system, oldest decision first.

    Take each (the child is read in the children API), then follow ``next``: now while
    ``more`` is true, later to poll. ``after`` breaks ties at ``since`` and comes in ``next``.
    """
    lines = queries.list_decisions(uow, actor, since=since, after=after, limit=limit)
    return DecisionPageView.build(lines, since=since, after=after, limit=limit)


@api.post("/mash/contacts/{contact_id}/actions", response_model=ContactStatusView,
          responses=REFUSED)  # fmt: skip
def act_api(
    uow: UowDep, actor: Screener, contact_id: uuid.UUID, body: ActionIn
) -> ContactStatusView:
    """A lifecycle step: accept, decide (outcome and rationale), close, reject (with a reason).

    Deciding and rejecting need a token that may decide (contact:decide).
    """
    contact = services.act(uow, actor, contact_id=contact_id, action=body.action,
                           reason=body.reason, outcome=body.outcome)  # fmt: skip
    return ContactStatusView.from_contact(contact)


@api.post("/mash/contacts/{contact_id}/close", response_model=ContactStatusView,
          responses=REFUSED)  # fmt: skip
def close_contact_api(uow: UowDep, actor: Screener, contact_id: uuid.UUID) -> ContactStatusView:
    """The council's system has taken the decided referral: the contact closes.

    Read the child first: once the MASH is done with a child, its system's way in ends.
    """
    contact = services.act(uow, actor, contact_id=contact_id, action=Action.CLOSE)
    return ContactStatusView.from_contact(contact)


@api.get("/mash/contacts/{contact_id}/feedback", response_model=ContactFeedbackView)
def read_feedback_api(uow: UowDep, actor: Screener, contact_id: uuid.UUID) -> ContactFeedbackView:
    """The feedback drafted at the decision, and whether it has gone."""
    return ContactFeedbackView.from_view(feedback.open_for_mash(uow, actor, contact_id=contact_id))


@api.post("/mash/contacts/{contact_id}/feedback/send", response_model=FeedbackStatusView,
          responses=REFUSED)  # fmt: skip
def send_feedback_api(
    uow: UowDep, actor: Screener, contact_id: uuid.UUID, body: FeedbackIn
) -> FeedbackStatusView:
    """Send the feedback to the referrer: as drafted, or with ``text`` in its place."""
    sent = feedback.send(uow, actor, contact_id=contact_id, text=body.text)
    return FeedbackStatusView.from_feedback(sent)


@api.get("/concerns/{concern_id}/feedback", response_model=ReferrerFeedbackView)
def read_referrer_feedback_api(
    uow: UowDep, actor: Raiser, concern_id: uuid.UUID
) -> ReferrerFeedbackView:
    """The MASH's feedback on a concern the caller raised, once it has been sent."""
    view = feedback.open_for_referrer(uow, actor, concern_id=concern_id)
    return ReferrerFeedbackView.from_view(view)


@api.post("/concerns/{concern_id}/feedback/acknowledge", response_model=FeedbackStatusView,
          responses=REFUSED)  # fmt: skip
def acknowledge_feedback_api(
    uow: UowDep, actor: Raiser, concern_id: uuid.UUID
) -> FeedbackStatusView:
    """The referrer has read the MASH's feedback."""
    answered = feedback.acknowledge(uow, actor, concern_id=concern_id)
    return FeedbackStatusView.from_feedback(answered)


@api.post("/concerns/{concern_id}/feedback/challenge", response_model=FeedbackStatusView,
          responses=REFUSED)  # fmt: skip
def challenge_decision_api(
    uow: UowDep, actor: Raiser, concern_id: uuid.UUID, body: ChallengeIn
) -> FeedbackStatusView:
    """The referrer disagrees with the decision, saying why: the MASH manager reviews it."""
    try:
        answered = feedback.challenge(uow, actor, concern_id=concern_id, reason=body.reason)
    except Invalid as error:  # the service names the page's field
        raise Invalid({"reason": error.errors["challenge"]}) from None
    return FeedbackStatusView.from_feedback(answered)


@api.get("/information-requests", response_model=list[InformationRequestView])
def list_information_requests_api(uow: UowDep, actor: Receiver) -> list[InformationRequestView]:
    """The MASH's questions to the caller's agency, unanswered first, soonest due first."""
    return [InformationRequestView.from_view(v) for v in partner_checks.inbox(uow, actor)]


@api.post("/information-requests/{request_id}/answer", response_model=AnswerView,
          responses=REFUSED)  # fmt: skip
def answer_request_api(
    uow: UowDep, actor: Receiver, request_id: uuid.UUID, body: AnswerIn
) -> AnswerView:
    """Answer the MASH: what the agency holds about the child, or that it holds nothing."""
    request = partner_checks.answer(uow, actor, request_id=request_id, text=body.answer)
    return AnswerView(id=request.id, answered_at=request.answered_at)
