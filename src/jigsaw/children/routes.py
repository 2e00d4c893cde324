"""A child's record page, emergency break-glass access, and the same record in the API."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.children import search, services
from jigsaw.children.schemas import ChildSearchForm, ChildView, SearchResultView
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["children"])
Reader = Annotated[Actor, Depends(Requires(Permission.CHILD_READ))]
GlassBreaker = Annotated[Actor, Depends(Requires(Permission.BREAK_GLASS_REQUEST))]


@pages.get("/children/search")
def search_form(request: Request, actor: Reader) -> HTMLResponse:  # noqa: ARG001
    """Find a child: by any mix of names, date of birth, postcode and identifiers."""
    return render(request, "children/search.html", {"form": ChildSearchForm(), "results": None})


@pages.post("/children/search")
def find_children(
    request: Request, uow: UowDep, actor: Reader, form: Annotated[ChildSearchForm, Form()]
) -> HTMLResponse:
    """Children who may be the one described, best first, with why they match."""
    try:
        results = search.find_children(uow, actor, query=form.to_query())
    except Invalid as error:
        context = {"form": form, "results": None, "errors": error.errors}
        return render(request, "children/search.html", context, status=422)
    return render(request, "children/search.html", {"form": form, "results": results})


@pages.get("/children/{child_id}")
def open_child_record(
    request: Request, uow: UowDep, actor: Reader, child_id: uuid.UUID
) -> HTMLResponse:
    """A child's record, if the reader has a basis; the read is audited."""
    record = services.open_child_record(uow, actor, child_id=child_id)
    accesses = services.recent_accesses(uow, actor, record=record)
    return render(request, "children/child.html", {"record": record, "accesses": accesses})


@pages.get("/children/{child_id}/break-glass")
def break_glass_form(request: Request, actor: GlassBreaker, child_id: uuid.UUID) -> HTMLResponse:  # noqa: ARG001
    """Ask why emergency access is needed."""
    context = {"child_id": child_id, "reason": "", "hours": _hours(request)}
    return render(request, "children/break_glass.html", context)


@pages.post("/children/{child_id}/break-glass")
def break_glass(
    request: Request,
    uow: UowDep,
    actor: GlassBreaker,
    child_id: uuid.UUID,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Open the record for a limited time; the privacy officer reviews it."""
    lasts = request.app.state.settings.break_glass_lasts
    try:
        services.break_glass(uow, actor, child_id=child_id, reason=reason, lasts=lasts)
    except Invalid as error:
        context = {
            "child_id": child_id,
            "reason": reason,
            "errors": error.errors,
            "hours": _hours(request),
        }
        return render(request, "children/break_glass.html", context, status=422)
    return redirect(f"/children/{child_id}")


@pages.get("/children/{child_id}/declare-involvement")
def declare_involvement_form(request: Request, actor: Reader, child_id: uuid.UUID) -> HTMLResponse:  # noqa: ARG001
    """Say that you work with a child, and how."""
    context = {"child_id": child_id, "roles": services.DECLARABLE_ROLES, "role": "", "reason": ""}
    return render(request, "children/declare_involvement.html", context)


@pages.post("/children/{child_id}/declare-involvement")
def declare_involvement(
    request: Request, uow: UowDep, actor: Reader, child_id: uuid.UUID,
    role: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """Record the involvement, then open the record."""
    try:
        services.declare_involvement(uow, actor, child_id=child_id, role=role, reason=reason)
    except Invalid as error:
        context = {"child_id": child_id, "roles": services.DECLARABLE_ROLES, "role": role,
                   "reason": reason, "errors": error.errors}  # fmt: skip
        return render(request, "children/declare_involvement.html", context, status=422)
    return redirect(f"/children/{child_id}")


@api.post("/children/search", response_model=list[SearchResultView])
def search_children(uow: UowDep, actor: Reader, form: ChildSearchForm) -> list[SearchResultView]:
    """Find a child; records the caller may not open come back as a minimal preview."""
    results = search.find_children(uow, actor, query=form.to_query())
    return [SearchResultView.from_result(result) for result in results]


@api.get("/children/{child_id}", response_model=ChildView)
def read_child(uow: UowDep, actor: Reader, child_id: uuid.UUID) -> ChildView:
    """A child's identity record, for a system whose organisation is involved with the child."""
    record = services.open_child_record(uow, actor, child_id=child_id)
    return ChildView.from_record(record)


def _hours(request: Request) -> int:
    hours: int = request.app.state.settings.break_glass_hours
    return hours
