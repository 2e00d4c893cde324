"""Talk it through: the asker's form and consultations, the advisors' queue, and the API."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.consultations import queries, services
from jigsaw.consultations.queries import QueueView
from jigsaw.consultations.rules import ConsultationOutcome
from jigsaw.consultations.schemas import (
    AdviceForm,
    CallForm,
    ConsultationIn,
    ConsultationLineView,
    ConsultationView,
    RequestForm,
)
from jigsaw.core import clock
from jigsaw.core.errors import Invalid
from jigsaw.mash.rules import Urgency
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["consultations"])
Asker = Annotated[Actor, Depends(Requires(Permission.CONSULTATION_REQUEST))]
Advisor = Annotated[Actor, Depends(Requires(Permission.CONSULTATION_ADVISE))]
VIEWS = {QueueView.WAITING: "Waiting", QueueView.MINE: "Mine", QueueView.ADVISED: "Advised"}
URGENCY_WORDS = {
    Urgency.RED: "Urgent",
    Urgency.AMBER: "Today",
    Urgency.GREEN: "When an advisor is free",
}


@pages.get("/consultations")
def my_consultations(request: Request, uow: UowDep, actor: Asker) -> HTMLResponse:
    """The consultations the practitioner asked for, and the advice given."""
    lines = queries.mine(uow, actor, now=clock.now())
    return render(request, "consultations/mine.html", {"lines": lines})


@pages.get("/consultations/new")
def new_consultation(
    request: Request, uow: UowDep, actor: Asker, child_id: uuid.UUID | None = None
) -> HTMLResponse:
    """The short form: named child (from their record) or an anonymous situation."""
    return render(request, "consultations/new.html",
                  _form_context(uow, actor, RequestForm(about="child" if child_id else "anonymous",
                                                        child_id=child_id)))  # fmt: skip


@pages.post("/consultations")
def ask(
    request: Request, uow: UowDep, actor: Asker, form: Annotated[RequestForm, Form()]
) -> Response:
    """Ask for the consultation; the advisors are told."""
    try:
        consultation = services.request_consultation(uow, actor, form.to_request())
    except Invalid as error:
        context = _form_context(uow, actor, form) | {"errors": error.errors}
        return render(request, "consultations/new.html", context, status=422)
    return redirect(f"/consultations/{consultation.id}")


@pages.get("/consultation-line")
def queue_page(
    request: Request, uow: UowDep, actor: Advisor, view: QueueView = QueueView.WAITING
) -> HTMLResponse:
    """The consultation line's queue, soonest due first."""
    lines = queries.queue(uow, actor, view=view, now=clock.now())
    return render(request, "consultations/queue.html",
                  {"lines": lines, "view": view, "views": VIEWS})  # fmt: skip


@pages.get("/consultation-line/phone")
def call_page(request: Request, uow: UowDep, actor: Advisor) -> HTMLResponse:  # noqa: ARG001
    """Log a phone consultation and the advice given on the call."""
    return render(request, "consultations/phone.html", _call_context(uow, CallForm()))


@pages.post("/consultation-line/phone")
def log_call(
    request: Request, uow: UowDep, actor: Advisor, form: Annotated[CallForm, Form()]
) -> Response:
    """Keep the call's record; a caller who uses Jigsaw finds the advice in their account."""
    call = services.Call(
        request=form.to_request(), organisation_id=form.organisation_id, caller=form.caller,
        caller_email=form.caller_email, advice=form.advice, outcome=form.outcome,
    )  # fmt: skip
    try:
        consultation = services.log_call(uow, actor, call)
    except Invalid as error:
        context = _call_context(uow, form) | {"errors": error.errors}
        return render(request, "consultations/phone.html", context, status=422)
    return redirect(f"/consultations/{consultation.id}")


@pages.get("/consultations/{consultation_id}")
def consultation_page(
    request: Request, uow: UowDep, actor: Asker, consultation_id: uuid.UUID
) -> HTMLResponse:
    """A consultation: what was asked, and the advice (or the advisor's form)."""
    return render(request, "consultations/view.html", _view_context(uow, actor, consultation_id))


@pages.post("/consultations/{consultation_id}/take")
def take(uow: UowDep, actor: Advisor, consultation_id: uuid.UUID) -> Response:
    """The advisor takes it, so no one else picks it up."""
    services.take(uow, actor, consultation_id=consultation_id)
    return redirect(f"/consultations/{consultation_id}")


@pages.post("/consultations/{consultation_id}/advice")
def advise(
    request: Request, uow: UowDep, actor: Advisor, consultation_id: uuid.UUID,
    form: Annotated[AdviceForm, Form()],
) -> Response:  # fmt: skip
    """Record the advice and its outcome; the practitioner is told."""
    try:
        services.advise(uow, actor, consultation_id=consultation_id, advice=form.advice,
                        outcome=form.outcome)  # fmt: skip
    except Invalid as error:
        context = _view_context(uow, actor, consultation_id) | {
            "errors": error.errors, "form": form,
        }  # fmt: skip
        return render(request, "consultations/view.html", context, status=422)
    return redirect(f"/consultations/{consultation_id}")


@pages.post("/consultations/{consultation_id}/withdraw")
def withdraw(uow: UowDep, actor: Asker, consultation_id: uuid.UUID) -> Response:
    """The practitioner no longer needs it."""
    services.withdraw(uow, actor, consultation_id=consultation_id)
    return redirect(f"/consultations/{consultation_id}")


@pages.post("/consultations/{consultation_id}/referral")
def make_referral(uow: UowDep, actor: Asker, consultation_id: uuid.UUID) -> Response:
    """Turn it into a draft referral carrying everything it said, and open the draft."""
    concern = services.make_referral(uow, actor, consultation_id=consultation_id)
    return redirect(f"/concerns/{concern.id}/edit")


@api.post("/consultations", response_model=ConsultationView, status_code=201)
def ask_api(uow: UowDep, actor: Asker, body: ConsultationIn) -> ConsultationView:
    """Ask the consultation line from an agency's own system; poll for the advice."""
    consultation = services.request_consultation(uow, actor, body.to_request())
    return _view(queries.open_consultation(uow, actor, consultation_id=consultation.id))


@api.get("/consultations", response_model=list[ConsultationLineView])
def mine_api(uow: UowDep, actor: Asker) -> list[ConsultationLineView]:
    """The consultations the caller asked for, newest first."""
    return [ConsultationLineView.from_line(line)
            for line in queries.mine(uow, actor, now=clock.now())]  # fmt: skip


@api.get("/consultations/{consultation_id}", response_model=ConsultationView)
def read_api(uow: UowDep, actor: Asker, consultation_id: uuid.UUID) -> ConsultationView:
    """Where a consultation is, and the advice once given."""
    return _view(queries.open_consultation(uow, actor, consultation_id=consultation_id))


def _view(record: queries.ConsultationRecord) -> ConsultationView:
    c = record.consultation
    return ConsultationView(
        id=c.id, reference=c.reference, state=c.state, urgency=c.urgency,
        created_at=c.created_at, due_at=c.due_at, outcome=c.outcome,
        advice=record.advice or None, advised_at=c.advised_at,
        referral_id=record.referral.id if record.referral else None,
    )  # fmt: skip


def _form_context(uow: UowDep, actor: Actor, form: RequestForm) -> dict[str, Any]:
    child = None
    if form.child_id is not None:
        child = queries.child_to_name(uow, actor, child_id=form.child_id)
    return {"form": form, "child": child, "urgencies": _urgency_options()}


def _call_context(uow: UowDep, form: CallForm) -> dict[str, Any]:
    return {
        "form": form, "urgencies": _urgency_options(),
        "agencies": [("", "Choose the caller's agency")]
        + [(str(i), name) for i, name in queries.caller_agencies(uow)],
        "outcomes": [(o.value, o.label) for o in ConsultationOutcome],
    }  # fmt: skip


def _view_context(uow: UowDep, actor: Actor, consultation_id: uuid.UUID) -> dict[str, Any]:
    return {
        "record": queries.open_consultation(uow, actor, consultation_id=consultation_id),
        "outcomes": [(o.value, o.label) for o in ConsultationOutcome], "form": AdviceForm(),
    }  # fmt: skip


def _urgency_options() -> list[tuple[str, str]]:
    return [(u.value, f"{URGENCY_WORDS[u]}: an answer {services.due_label(u)}") for u in Urgency]
