"""The alerts inbox and an alert's page: take it, acknowledge it with a note.

No API: alerts are worked by people (``policy.may_work_alert``) and the API takes only
agency systems' tokens.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.alerts import queries, services
from jigsaw.alerts.queries import InboxView
from jigsaw.alerts.schemas import AcknowledgeForm
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
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
