"""A child's record page, break-glass access, the duplicates queue, and the same in the API."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.children import merging, plans, reviews, search, services
from jigsaw.children.queries import MergedRecord
from jigsaw.children.schemas import (
    BirthForm,
    ChildSearchForm,
    ChildView,
    DecisionView,
    DuplicateCaseView,
    MergeForm,
    MergeView,
    QueuedPairView,
    SearchResultView,
    UnbornPlanForm,
    UnbornPlanView,
)
from jigsaw.core.errors import Invalid
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["children"])
Reader = Annotated[Actor, Depends(Requires(Permission.CHILD_READ))]
GlassBreaker = Annotated[Actor, Depends(Requires(Permission.BREAK_GLASS_REQUEST))]
Merger = Annotated[Actor, Depends(Requires(Permission.CHILD_MERGE))]
QUEUE = "/children/duplicates"
MOVED: dict[int | str, dict[str, object]] = {
    307: {"description": "Merged into another record: the Location header gives its address."}
}


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


# The duplicates queue comes before "/children/{child_id}", which would take its path.
@pages.get("/children/duplicates")
def list_duplicates(request: Request, uow: UowDep, actor: Merger) -> HTMLResponse:
    """Likely duplicate children, best first, and recent merges that can be undone."""
    context = {
        "pairs": reviews.list_duplicates(uow, actor),
        "merges": reviews.list_recent_merges(uow, actor),
    }
    return render(request, "children/duplicates.html", context)


@pages.get("/children/duplicates/{review_id}")
def open_duplicate(
    request: Request, uow: UowDep, actor: Merger, review_id: uuid.UUID
) -> HTMLResponse:
    """Both records side by side, why they may be one child, and the decision."""
    case = reviews.open_duplicate(uow, actor, review_id=review_id)
    return render(request, "children/duplicate.html", {"case": case, "form": MergeForm()})


@pages.post("/children/duplicates/{review_id}/merge")
def merge_duplicate(
    request: Request,
    uow: UowDep,
    actor: Merger,
    review_id: uuid.UUID,
    form: Annotated[MergeForm, Form()],
) -> Response:
    """Merge the other record into the one chosen, then back to the queue."""
    try:
        reviews.merge_duplicate(
            uow, actor, review_id=review_id, keep_id=form.keep_id(), reason=form.reason
        )
    except Invalid as error:
        case = reviews.open_duplicate(uow, actor, review_id=review_id)
        context = {"case": case, "form": form, "errors": error.errors}
        return render(request, "children/duplicate.html", context, status=422)
    return redirect(QUEUE)


@pages.post("/children/duplicates/{review_id}/not-duplicate")
def dismiss_duplicate(uow: UowDep, actor: Merger, review_id: uuid.UUID) -> Response:
    """Record that these are different children; they are not queued again."""
    reviews.dismiss_duplicate(uow, actor, review_id=review_id)
    return redirect(QUEUE)


@pages.post("/children/merges/{merge_id}/unmerge")
def unmerge_children(uow: UowDep, actor: Merger, merge_id: uuid.UUID) -> Response:
    """Undo a merge: both records stand alone again, exactly as before."""
    merging.unmerge_children(uow, actor, merge_id=merge_id)
    return redirect(QUEUE)


@pages.get("/children/{child_id}")
def open_child_record(
    request: Request, uow: UowDep, actor: Reader, child_id: uuid.UUID
) -> Response:
    """A child's record, if the reader has a basis; the read is audited.

    A record merged into another sends the reader on to that one (if they may open it).
    """
    try:
        record = services.open_child_record(uow, actor, child_id=child_id)
    except MergedRecord as merged:
        return redirect(f"/children/{merged.kept_id}")
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


@api.get("/children/duplicates", response_model=list[QueuedPairView])
def list_duplicates_api(uow: UowDep, actor: Merger) -> list[QueuedPairView]:
    """Open duplicate reviews, best first."""
    return [QueuedPairView.from_pair(pair) for pair in reviews.list_duplicates(uow, actor)]


@api.get("/children/duplicates/{review_id}", response_model=DuplicateCaseView)
def open_duplicate_api(uow: UowDep, actor: Merger, review_id: uuid.UUID) -> DuplicateCaseView:
    """Both children's identity details, with the matcher's per-field explanation."""
    return DuplicateCaseView.from_case(reviews.open_duplicate(uow, actor, review_id=review_id))


@api.post("/children/duplicates/{review_id}/merge", response_model=MergeView)
def merge_duplicate_api(
    uow: UowDep, actor: Merger, review_id: uuid.UUID, form: MergeForm
) -> MergeView:
    """Merge the pair into the record named in ``keep``, with the reason."""
    merge = reviews.merge_duplicate(
        uow, actor, review_id=review_id, keep_id=form.keep_id(), reason=form.reason
    )
    return MergeView.from_merge(merge)


@api.post("/children/duplicates/{review_id}/not-duplicate", response_model=DecisionView)
def dismiss_duplicate_api(uow: UowDep, actor: Merger, review_id: uuid.UUID) -> DecisionView:
    """Record that the pair are different children."""
    review = reviews.dismiss_duplicate(uow, actor, review_id=review_id)
    return DecisionView(review_id=review.id, status=review.status)


@api.post("/children/merges/{merge_id}/unmerge", response_model=MergeView)
def unmerge_children_api(uow: UowDep, actor: Merger, merge_id: uuid.UUID) -> MergeView:
    """Undo a merge."""
    return MergeView.from_merge(merging.unmerge_children(uow, actor, merge_id=merge_id))


@api.get("/children/{child_id}", response_model=ChildView, responses=MOVED)
def read_child(uow: UowDep, actor: Reader, child_id: uuid.UUID) -> ChildView | Response:
    """A child's identity record, for a system whose organisation is involved with the child.

    A record merged into another answers 307 with the kept record's address: temporary,
    not 308, because a merge can be undone.
    """
    try:
        record = services.open_child_record(uow, actor, child_id=child_id)
    except MergedRecord as merged:
        return RedirectResponse(f"/api/v1/children/{merged.kept_id}", status_code=307)
    return ChildView.from_record(record)


@api.post("/unborn-plans", response_model=UnbornPlanView, status_code=201)
def record_unborn_plan(uow: UowDep, actor: Reader, form: UnbornPlanForm) -> UnbornPlanView:
    """Record a child protection plan for an unborn child (children's social care systems).

    Held against the expectant parent until the birth, as CP-IS holds it against the
    mother's NHS number; the parent's other children's records show it.
    """
    plan = plans.record_unborn_plan(
        uow, actor, expectant_parent_id=form.expectant_parent_id, due_on=form.due_on,
        started_on=form.started_on, category=form.category,
    )  # fmt: skip
    return UnbornPlanView.from_flag(plan)


@api.post("/unborn-plans/{plan_id}/birth", response_model=UnbornPlanView)
def record_birth(uow: UowDep, actor: Reader, plan_id: uuid.UUID, form: BirthForm) -> UnbornPlanView:
    """The baby is born: the plan moves to them (a new child record, or one already added)."""
    born = plans.record_birth(uow, actor, plan_id=plan_id, baby=form.baby(), child_id=form.child_id)
    with uow:
        plan = plans.plan_of(uow, plan_id=plan_id, child_id=born.id)
    return UnbornPlanView.from_flag(plan)


def _hours(request: Request) -> int:
    hours: int = request.app.state.settings.break_glass_hours
    return hours
