"""Privacy officer pages and API: break-glass review queue, access reports."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.privacy import services
from jigsaw.privacy.schemas import AccessLineView
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["privacy"])
Reviewer = Annotated[Actor, Depends(Requires(Permission.BREAK_GLASS_REVIEW))]
Overseer = Annotated[Actor, Depends(Requires(Permission.AUDIT_READ_USER_ACTIONS))]


@pages.get("/privacy/break-glass")
def list_break_glass(request: Request, uow: UowDep, actor: Reviewer) -> HTMLResponse:
    """Break-glass use by your organisation's staff, waiting for review first."""
    items = services.list_break_glass(uow, actor)
    return render(request, "privacy/break_glass.html", {"items": items})


@pages.post("/privacy/break-glass/{grant_id}/review")
def review_break_glass(
    uow: UowDep, actor: Reviewer, grant_id: uuid.UUID, note: Annotated[str, Form()] = ""
) -> Response:
    """Mark one use as reviewed, with a note."""
    services.review_break_glass(uow, actor, grant_id=grant_id, note=note)
    return redirect("/privacy/break-glass")


@pages.get("/privacy/children/{child_id}/accesses")
def child_access_report(
    request: Request, uow: UowDep, actor: Overseer, child_id: uuid.UUID
) -> HTMLResponse:
    """Who accessed one child's information."""
    lines = services.child_access_report(uow, actor, child_id=child_id)
    return render(
        request,
        "privacy/report.html",
        {"lines": lines, "heading": "Access to a child\u2019s record", "subject": None},
    )


@pages.get("/privacy/users/{user_id}/actions")
def user_action_report(
    request: Request, uow: UowDep, actor: Overseer, user_id: uuid.UUID
) -> HTMLResponse:
    """What one person did in Jigsaw."""
    user, lines = services.user_action_report(uow, actor, user_id=user_id)
    return render(
        request,
        "privacy/report.html",
        {"lines": lines, "heading": "Actions by a user", "subject": user},
    )


@api.get("/children/{child_id}/accesses", response_model=list[AccessLineView])
def read_child_access_report(
    uow: UowDep, actor: Overseer, child_id: uuid.UUID
) -> list[AccessLineView]:
    """Who accessed one child's information (for privacy officers' tools)."""
    return [
        AccessLineView.from_line(line)
        for line in services.child_access_report(uow, actor, child_id=child_id)
    ]
