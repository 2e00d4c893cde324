"""The alerts inbox and an alert's page: take it, acknowledge it with a note; the API feed.

Alerts are worked by people (``policy.may_work_alert``). The API takes only agency systems'
tokens, so it reads: an organisation's alerts for its case management system to show its
own users (``policy.may_read_alert_feed``), each with the address where a person works it.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.alerts import queries, services
from jigsaw.alerts.models import AlertState
from jigsaw.alerts.queries import InboxView
from jigsaw.alerts.schemas import AcknowledgeForm, AlertView
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["alerts"])
Worker = Annotated[Actor, Depends(Requires(Permission.ALERT_WORK))]
VIEWS = {
    InboxView.MINE: "Mine",
    InboxView.TEAM: "For my team",
    InboxView.ACKNOWLEDGED: "Acknowledged",
}


@pages.get("/alerts")
def inbox(
    request: Request, uow: UowDep, actor: Worker, view: InboxView = InboxView.MINE
) -> HTMLResponse:
    """The reader's alerts: theirs, their team's waiting to be taken, and those done."""
    lines = queries.inbox(uow, actor, view)
    return render(request, "alerts/inbox.html", {"lines": lines, "view": view, "views": VIEWS})


@pages.get("/alerts/{alert_id}")
def open_alert(request: Request, uow: UowDep, actor: Worker, alert_id: uuid.UUID) -> HTMLResponse:
    """An alert: what fired, the events it shows together, and what to do."""
    record = queries.open_alert(uow, actor, alert_id)
    return render(request, "alerts/alert.html", {"record": record, "form": AcknowledgeForm()})


@pages.post("/alerts/{alert_id}/take")
def take(uow: UowDep, actor: Worker, alert_id: uuid.UUID) -> Response:
    """The reader takes the alert, so their team knows it is being dealt with."""
    services.take(uow, actor, alert_id=alert_id)
    return redirect(f"/alerts/{alert_id}")


@pages.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    request: Request, uow: UowDep, actor: Worker, alert_id: uuid.UUID,
    form: Annotated[AcknowledgeForm, Form()],
) -> Response:  # fmt: skip
    """Acknowledge the alert with a note of what was done or decided."""
    try:
        services.acknowledge(uow, actor, alert_id=alert_id, note=form.note)
    except Invalid as error:
        context = {"record": queries.open_alert(uow, actor, alert_id), "form": form,
                   "errors": error.errors}  # fmt: skip
        return render(request, "alerts/alert.html", context, status=422)
    return redirect(f"/alerts/{alert_id}")


@api.get("/alerts", response_model=list[AlertView])
def alert_feed(uow: UowDep, actor: Worker, state: AlertState = AlertState.OPEN) -> list[AlertView]:
    """Your organisation's alerts: open ones soonest due first, or acknowledged ones latest first.

    For your system to show its users; a person opens, takes and acknowledges each in Jigsaw
    (its ``path``). At most 200.
    """
    return [AlertView.of(line) for line in queries.organisation_feed(uow, actor, state)]
