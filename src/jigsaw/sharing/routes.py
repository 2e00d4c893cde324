"""Concern pages (raise, guided decisions, My shares, Shared with us) and the concerns API."""

import re
import uuid
from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Header, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.core import clock
from jigsaw.core.errors import Invalid
from jigsaw.mash import partner_checks
from jigsaw.sharing import guided, queries, services
from jigsaw.sharing.models import ConcernStatus, Subject
from jigsaw.sharing.schemas import (
    ConcernForm,
    ConcernIn,
    ConcernLineView,
    ConcernStatusView,
    GuidanceStepForm,
    RiskScaleForm,
    RiskTermView,
    StartForm,
)
from jigsaw.sharing.views import STATUS, concern_page_context, guidance_context
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render
from jigsaw.web.templating import LONDON

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["concerns"])
Raiser = Annotated[Actor, Depends(Requires(Permission.CONCERN_RAISE))]
Receiver = Annotated[Actor, Depends(Requires(Permission.CONCERN_RECEIVE))]
Administrator = Annotated[Actor, Depends(Requires(Permission.USER_MANAGE))]
FLOW_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")  # where "then" may lead: a flow, nowhere else
IDEMPOTENCY_HELP = (
    "A key of your own, unique per concern: a retry with the same key and body returns the "
    "concern already raised."
)


@pages.get("/concerns/new")
def choose_subject(request: Request, actor: Raiser) -> HTMLResponse:  # noqa: ARG001
    """Who the concern is about: a child in the index, an unborn child, or one not yet known."""
    return render(request, "sharing/new.html")


@pages.post("/concerns")
def start_concern(uow: UowDep, actor: Raiser, form: Annotated[StartForm, Form()]) -> Response:
    """Open a draft and go to it."""
    if form.subject is Subject.IDENTIFIED and form.child_id is None:
        return redirect("/children/search")
    concern = services.start_concern(uow, actor, subject=form.subject, child_id=form.child_id)
    return redirect(f"/concerns/{concern.id}/edit")


@pages.get("/concerns/{concern_id}/edit")
def edit_concern(request: Request, uow: UowDep, actor: Raiser, concern_id: uuid.UUID) -> Response:
    """The concern form, with what was saved; a sent concern shows as sent."""
    record = queries.open_concern(uow, actor, concern_id=concern_id)
    if record.concern.status is not ConcernStatus.DRAFT:
        return redirect(f"/concerns/{concern_id}")
    context = concern_page_context(request, uow, actor, record, form=None)
    return render(request, "sharing/edit.html", context)


@pages.post("/concerns/{concern_id}/draft")
def save_draft(
    request: Request,
    uow: UowDep,
    actor: Raiser,
    concern_id: uuid.UUID,
    form: Annotated[ConcernForm, Form()],
    then: str | None = None,
) -> Response:
    """Save as the sharer types (htmx answers with the saved line), or on "Save draft".

    ``then=guidance-<flow>`` saves first and goes on to a guidance flow, so leaving the form
    for guidance never loses what was typed.
    """
    try:
        draft, recipients = form.to_draft()
        services.save_draft(uow, actor, concern_id=concern_id, draft=draft,
                            recipient_ids=recipients)  # fmt: skip
    except Invalid as error:
        if request.headers.get("HX-Request"):
            context = {"saved": False, "problems": error.errors, "danger": False}
            return render(request, "sharing/_saved.html", context)
        record = queries.open_concern(uow, actor, concern_id=concern_id)
        context = concern_page_context(request, uow, actor, record, form=form, errors=error.errors)
        return render(request, "sharing/edit.html", context, status=422)
    if request.headers.get("HX-Request"):
        now_label = clock.now().astimezone(LONDON).strftime("%H:%M")
        context = {"saved": True, "danger": draft.immediate_danger, "now_label": now_label}
        return render(request, "sharing/_saved.html", context)
    flow_id = then.removeprefix("guidance-") if then else ""
    if then and then.startswith("guidance-") and FLOW_ID.fullmatch(flow_id):
        return redirect(f"/concerns/{concern_id}/guidance/{flow_id}")
    return redirect(f"/concerns/{concern_id}/edit?saved=1")


@pages.post("/concerns/{concern_id}/send")
def send_concern(
    request: Request,
    uow: UowDep,
    actor: Raiser,
    concern_id: uuid.UUID,
    form: Annotated[ConcernForm, Form()],
) -> Response:
    """Save, then send (or record the decision not to share). A second click sends nothing."""
    try:
        draft, recipients = form.to_draft()
        # A second click finds the concern sent with the first: nothing to save, nothing resent.
        with suppress(services.AlreadySent):
            services.save_draft(uow, actor, concern_id=concern_id, draft=draft,
                                recipient_ids=recipients)  # fmt: skip
        sent = services.send_concern(uow, actor, concern_id=concern_id)
    except Invalid as error:
        record = queries.open_concern(uow, actor, concern_id=concern_id)
        context = concern_page_context(request, uow, actor, record, form=form, errors=error.errors)
        return render(request, "sharing/edit.html", context, status=422)
    return redirect(f"/my-shares?sent={sent.concern.reference}")


@pages.post("/concerns/{concern_id}/attachments")
async def add_attachment(
    request: Request, uow: UowDep, actor: Raiser, concern_id: uuid.UUID, file: UploadFile
) -> Response:
    """Attach a file (checked for what it claims to be, then stored encrypted)."""
    data = await file.read(services.ATTACHMENT_MAX_BYTES + 1)
    try:
        services.add_attachment(uow, actor, concern_id=concern_id, filename=file.filename or "",
                                data=data, declared_type=file.content_type)  # fmt: skip
    except Invalid as error:
        record = queries.open_concern(uow, actor, concern_id=concern_id)
        context = concern_page_context(request, uow, actor, record, form=None, errors=error.errors)
        return render(request, "sharing/edit.html", context, status=422)
    return redirect(f"/concerns/{concern_id}/edit#attachments")


@pages.get("/concerns/{concern_id}")
def view_concern(request: Request, uow: UowDep, actor: Raiser, concern_id: uuid.UUID) -> Response:
    """A concern as sent: for its sharer, and for those it was shared with."""
    record = queries.open_concern(uow, actor, concern_id=concern_id)
    if record.concern.status is ConcernStatus.DRAFT:
        return redirect(f"/concerns/{concern_id}/edit")
    return render(
        request, "sharing/view.html", concern_page_context(request, uow, actor, record, form=None)
    )


@pages.get("/concerns/{concern_id}/attachments/{attachment_id}")
def download_attachment(
    uow: UowDep, actor: Raiser, concern_id: uuid.UUID, attachment_id: uuid.UUID
) -> Response:
    """A file on a concern, opened for a reader of the concern (audited)."""
    attachment, data = queries.download_attachment(
        uow, actor, concern_id=concern_id, attachment_id=attachment_id
    )
    extension = attachment.filename.rsplit(".", 1)[-1] if "." in attachment.filename else "bin"
    headers = {"Content-Disposition": f'attachment; filename="attachment.{extension}"'}
    return Response(data, media_type=attachment.media_type, headers=headers)


@pages.get("/concerns/{concern_id}/guidance/{flow_id}")
def start_guidance(
    request: Request, uow: UowDep, actor: Raiser, concern_id: uuid.UUID, flow_id: str
) -> HTMLResponse:
    """A guidance flow's first question."""
    record = queries.open_concern(uow, actor, concern_id=concern_id)
    context = guidance_context(request, actor, record, flow_id=flow_id, answers=[])
    return render(request, "sharing/guidance.html", context)


@pages.post("/concerns/{concern_id}/guidance/{flow_id}")
def answer_guidance(
    request: Request,
    uow: UowDep,
    actor: Raiser,
    concern_id: uuid.UUID,
    flow_id: str,
    form: Annotated[GuidanceStepForm, Form()],
) -> HTMLResponse:
    """The next question, or the outcome: one page, the answers travelling with the form."""
    record = queries.open_concern(uow, actor, concern_id=concern_id)
    context = guidance_context(request, actor, record, flow_id=flow_id, answers=form.pairs())
    return render(request, "sharing/guidance.html", context)


@pages.post("/concerns/{concern_id}/guidance/{flow_id}/attach")
def attach_guidance(
    request: Request,
    uow: UowDep,
    actor: Raiser,
    concern_id: uuid.UUID,
    flow_id: str,
    form: Annotated[GuidanceStepForm, Form()],
) -> Response:
    """Keep the finished flow with the concern and go back to it, pre-filled."""
    services.attach_guided_decision(
        uow, actor, concern_id=concern_id, flow=guided.flow(request, flow_id),
        answers=form.pairs(), rationale=form.rationale,
    )  # fmt: skip
    return redirect(f"/concerns/{concern_id}/edit#sharing")


@pages.get("/my-shares")
def my_shares(
    request: Request, uow: UowDep, actor: Raiser, sent: str | None = None
) -> HTMLResponse:
    """Everything the practitioner has shared or started, with where each has got to."""
    lines = queries.my_shares(uow, actor)
    just_sent = next((line for line in lines if line.reference == sent), None)
    return render(
        request,
        "sharing/my_shares.html",
        {"lines": lines, "just_sent": just_sent, "status": STATUS},
    )


@pages.get("/shared-with-us")
def shared_with_us(request: Request, uow: UowDep, actor: Receiver) -> HTMLResponse:
    """What other agencies have shared with the practitioner's organisation."""
    context = {"lines": queries.shared_with_us(uow, actor), "status": STATUS,
               "checks": partner_checks.inbox(uow, actor)}  # fmt: skip
    return render(request, "sharing/shared_with_us.html", context)


@api.post("/concerns", response_model=ConcernStatusView, status_code=201)
def raise_concern_api(
    request: Request,
    response: Response,
    uow: UowDep,
    actor: Raiser,
    body: ConcernIn,
    idempotency_key: Annotated[
        str, Header(min_length=8, max_length=100, description=IDEMPOTENCY_HELP)
    ],
) -> ConcernStatusView:
    """Raise and send a concern from an agency's own system, without double entry.

    Guidance flows answered by the caller run here and are kept with the concern. A retry
    with the same Idempotency-Key returns the same concern; another body under the key is 409.
    """
    records = [
        (guided.finished(request, actor, flow_id=g.flow_id, answers=list(g.answers)), g.rationale)
        for g in body.guidance
    ]
    raised = services.raise_concern(
        uow, actor, subject=body.subject, child_id=body.child_id, draft=body.to_draft(),
        recipient_ids=body.recipients, guided=records, idempotency_key=idempotency_key,
        request=body.model_dump(mode="json"),
    )  # fmt: skip
    if raised.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return ConcernStatusView.from_concern(raised.concern)


@api.get("/concerns", response_model=list[ConcernLineView])
def list_concerns_api(uow: UowDep, actor: Raiser) -> list[ConcernLineView]:
    """The concerns the caller has raised, most recently changed first."""
    return [ConcernLineView.from_line(line) for line in queries.my_shares(uow, actor)]


@api.get("/concerns/{concern_id}", response_model=ConcernStatusView)
def read_concern_api(uow: UowDep, actor: Raiser, concern_id: uuid.UUID) -> ConcernStatusView:
    """Where a concern has got to: sent, received, and (once the MASH decides) its outcome."""
    return ConcernStatusView.from_record(queries.open_concern(uow, actor, concern_id=concern_id))


@pages.get("/risk-scale")
def risk_scale_page(request: Request, uow: UowDep, actor: Administrator) -> HTMLResponse:
    """The organisation's own risk scale, each term mapped to the shared level of need."""
    scale = queries.risk_scale(uow, actor)
    text = "\n".join(f"{term} = {level.value}" for term, level in scale)
    return render(request, "sharing/risk_scale.html", {"scale": scale, "text": text})


@pages.post("/risk-scale")
def change_risk_scale(
    request: Request, uow: UowDep, actor: Administrator, form: Annotated[RiskScaleForm, Form()]
) -> Response:
    """Replace the scale; an empty scale goes back to the agency kind's usual one."""
    try:
        services.set_risk_scale(uow, actor, terms=services.parse_risk_scale(form.scale))
    except Invalid as error:
        context = {"scale": queries.risk_scale(uow, actor), "text": form.scale,
                   "errors": error.errors}  # fmt: skip
        return render(request, "sharing/risk_scale.html", context, status=422)
    return redirect("/risk-scale?saved=1")


@api.get("/risk-scale", response_model=list[RiskTermView])
def read_risk_scale(uow: UowDep, actor: Raiser) -> list[RiskTermView]:
    """The caller's organisation's risk terms and the level each maps to (sent with concerns)."""
    return [RiskTermView(term=term, level_of_need=int(level))
            for term, level in queries.risk_scale(uow, actor)]  # fmt: skip
