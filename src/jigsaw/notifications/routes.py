"""The signed-in person's notifications page; opening one marks it read."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.notifications import services
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
# Every signed-in person has their own account, so every one has their own notifications.
Person = Annotated[Actor, Depends(Requires(Permission.ACCOUNT_MANAGE_OWN))]


@pages.get("/notifications")
def list_notifications(request: Request, uow: UowDep, actor: Person) -> HTMLResponse:
    """The person's latest notifications, newest first."""
    notifications = services.list_notifications(uow, actor)
    return render(request, "notifications/list.html", {"notifications": notifications})


@pages.post("/notifications/{notification_id}/read")
def mark_read(uow: UowDep, actor: Person, notification_id: uuid.UUID) -> Response:
    """Mark the notification read and go to what it is about."""
    notification = services.mark_read(uow, actor, notification_id=notification_id)
    return redirect(notification.link)
