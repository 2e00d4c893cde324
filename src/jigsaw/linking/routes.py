"""Roster upload and the possible-matches queue, as pages and as the API."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.linking import rules, services
from jigsaw.linking.roster import FORMAT_HELP, MAX_ROSTER_BYTES
from jigsaw.linking.schemas import (
    LinkReviewView,
    LinkRunView,
    ReviewChoiceForm,
    ReviewComparisonView,
    ReviewDecisionForm,
    RowErrorView,
)
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render
from jigsaw.web.problems import problem

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["linking"])
Linker = Annotated[Actor, Depends(Requires(Permission.ROSTER_LINK))]
Reviewer = Annotated[Actor, Depends(Requires(Permission.MATCH_REVIEW))]
RosterFile = Annotated[UploadFile | None, File(description="The roster, a UTF-8 CSV file.")]
# Problems listed on the page; the API and `jigsaw link` list every one.
PROBLEMS_SHOWN = 1000


@pages.get("/rosters")
def roster_overview(request: Request, uow: UowDep, actor: Linker) -> HTMLResponse:
    """Upload a roster; the organisation's latest runs."""
    return render(request, "linking/rosters.html", _upload_context(uow, actor))


@pages.post("/rosters")
def link_roster(
    request: Request, uow: UowDep, actor: Linker, roster: RosterFile = None,
    role: Annotated[str, Form()] = "",
    create: Annotated[bool, Form()] = False,  # noqa: FBT002 - a form field, sent by name
) -> Response:  # fmt: skip
    """Link the uploaded roster, then show what came of it; bad rows are listed, none linked."""
    try:
        outcome = services.link_roster(uow, actor, organisation_id=_own(actor),
                                       roster=_read(roster), role=role, create=create)  # fmt: skip
    except services.RosterRejected as rejected:
        context = {**_upload_context(uow, actor, role=role, create=create),
                   "problems": rejected.problems[:PROBLEMS_SHOWN],
                   "problem_count": len(rejected.problems)}  # fmt: skip
        return render(request, "linking/rosters.html", context, status=422)
    except Invalid as error:
        context = {**_upload_context(uow, actor, role=role, create=create), "errors": error.errors}
        return render(request, "linking/rosters.html", context, status=422)
    return redirect(f"/rosters/{outcome.run.id}")


@pages.get("/rosters/{run_id}")
def get_link_run(request: Request, uow: UowDep, actor: Linker, run_id: uuid.UUID) -> HTMLResponse:
    """What came of one roster: how many rows matched, wait for a person, matched nothing."""
    run = services.get_link_run(uow, actor, run_id=run_id)
    return render(request, "linking/run.html", {"run": run})


@pages.get("/rosters/{run_id}/decisions.csv")
def download_decisions(uow: UowDep, actor: Linker, run_id: uuid.UUID) -> Response:
    """Every row's decision, score and explanation, for the organisation that sent the roster."""
    run = services.download_decisions(uow, actor, run_id=run_id)
    disposition = f'attachment; filename="roster-decisions-{run.id}.csv"'
    return Response(run.decisions_csv, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@pages.get("/match-reviews")
def list_possible_matches(request: Request, uow: UowDep, actor: Reviewer) -> HTMLResponse:
    """Roster rows that possibly match a child, waiting for someone to check."""
    reviews = services.list_possible_matches(uow, actor)
    return render(request, "linking/reviews.html", {"reviews": reviews})


@pages.get("/match-reviews/{review_id}")
def open_link_review(
    request: Request, uow: UowDep, actor: Reviewer, review_id: uuid.UUID
) -> HTMLResponse:
    """The roster row beside each candidate's identity (audited), and the decision to make."""
    comparison = services.open_link_review(uow, actor, review_id=review_id)
    return render(request, "linking/review.html", {"comparison": comparison, "form": None})


@pages.post("/match-reviews/{review_id}/decision")
def decide_link_review(
    request: Request, uow: UowDep, actor: Reviewer, review_id: uuid.UUID,
    form: Annotated[ReviewChoiceForm, Form()],
) -> Response:  # fmt: skip
    """Settle the possible match, then go back to the queue."""
    try:
        services.decide_link_review(uow, actor, review_id=review_id, decision=form.decision,
                                    child_id=form.child_id, note=form.note)  # fmt: skip
    except Invalid as error:
        comparison = services.open_link_review(uow, actor, review_id=review_id)
        context = {"comparison": comparison, "form": form, "errors": error.errors}
        return render(request, "linking/review.html", context, status=422)
    return redirect("/match-reviews")


@api.post("/rosters", response_model=LinkRunView, responses={422: {"description": "Bad rows"}})
def upload_roster(
    uow: UowDep, actor: Linker, roster: RosterFile = None,
    role: Annotated[str, Form()] = "",
    create: Annotated[bool, Form()] = False,  # noqa: FBT002 - a form field, sent by name
) -> Any:  # fmt: skip
    """Link a roster (multipart, field ``roster``) for the token's organisation.

    All rows are checked first: if any has a problem, nothing is linked and the answer is 422
    with every problem as ``{row, column, message}``.
    """
    try:
        outcome = services.link_roster(uow, actor, organisation_id=_own(actor),
                                       roster=_read(roster), role=role, create=create)  # fmt: skip
    except services.RosterRejected as rejected:
        errors = [RowErrorView.from_error(e).model_dump() for e in rejected.problems]
        return problem(422, detail="Nothing was linked: fix these rows.", errors=errors)
    return LinkRunView.from_outcome(outcome)


@api.get("/match-reviews", response_model=list[LinkReviewView])
def list_match_reviews(uow: UowDep, actor: Reviewer) -> list[LinkReviewView]:
    """The organisation's possible matches waiting for a decision (levels only, no identities)."""
    return [LinkReviewView.from_review(r) for r in services.list_possible_matches(uow, actor)]


@api.get("/match-reviews/{review_id}", response_model=ReviewComparisonView)
def read_match_review(uow: UowDep, actor: Reviewer, review_id: uuid.UUID) -> ReviewComparisonView:
    """One possible match with each candidate's identity; audited as compared."""
    comparison = services.open_link_review(uow, actor, review_id=review_id)
    return ReviewComparisonView.from_comparison(comparison)


@api.post("/match-reviews/{review_id}/decision", response_model=LinkReviewView)
def decide_match_review(
    uow: UowDep, actor: Reviewer, review_id: uuid.UUID, form: ReviewDecisionForm
) -> LinkReviewView:
    """Settle a possible match: confirmed (with ``child_id``), new_child or rejected."""
    review = services.decide_link_review(uow, actor, review_id=review_id, decision=form.decision,
                                         child_id=form.child_id, note=form.note)  # fmt: skip
    return LinkReviewView.from_review(review)


def _own(actor: Actor) -> uuid.UUID:
    """The actor's organisation: pages and tokens link their own roster only."""
    if actor.organisation_id is None:
        raise NotFound("organisation")
    return actor.organisation_id


def _read(roster: UploadFile | None) -> bytes:
    """The file's bytes, one past the limit at most (the roster check reports a file too big)."""
    return b"" if roster is None else roster.file.read(MAX_ROSTER_BYTES + 1)


def _upload_context(
    uow: UowDep, actor: Actor, *, role: str = "", create: bool = False
) -> dict[str, Any]:
    default = rules.DEFAULT_ROLES.get(actor.agency_kind) if actor.agency_kind else None
    return {
        "overview": services.roster_overview(uow, actor),
        "roles": rules.ROSTER_ROLES,
        "role": role or (default.value if default else ""),
        "create": create,
        "format_help": FORMAT_HELP,
        "problems": [],
        "problem_count": 0,
    }
