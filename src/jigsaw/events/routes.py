"""A child's chronology (page, CSV, PDF), marking events, reviewing posted events, and the API."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import AwareDatetime

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.children.queries import MergedRecord
from jigsaw.core.errors import Invalid
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import export, posting, queries, services, waiting
from jigsaw.events.export import ChronologyExport, ExportFormat
from jigsaw.events.rules import ChronologyFilter
from jigsaw.events.schemas import (
    ChronologyForm,
    ChronologyView,
    EventBatchIn,
    EventBatchView,
    ReviewForm,
    SignificanceForm,
)
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["events"])
Reader = Annotated[Actor, Depends(Requires(Permission.CHILD_READ))]
Exporter = Annotated[Actor, Depends(Requires(Permission.CHRONOLOGY_EXPORT))]
Marker = Annotated[Actor, Depends(Requires(Permission.EVENT_MARK))]
Reviewer = Annotated[Actor, Depends(Requires(Permission.MATCH_REVIEW))]
Poster = Annotated[Actor, Depends(Requires(Permission.EVENT_POST))]
Filters = Annotated[ChronologyForm, Query()]
Before = Annotated[AwareDatetime | None, Query(description="The last page's next_before")]
# A page of the full view is the hundred newest events with their words (some 200 KB of
# page for a busy child); "Show earlier events" goes on. The compact view shows no words,
# so a long history is read a thousand lines at a time.
PAGE_LIMIT = 100
COMPACT_LIMIT = 1000
MOVED: dict[int | str, dict[str, object]] = {
    307: {"description": "Merged into another record: the Location header gives its address."}
}


@pages.get("/children/{child_id}/chronology")
def chronology_page(
    request: Request, uow: UowDep, actor: Reader, child_id: uuid.UUID, form: Filters
) -> Response:
    """Every event the reader may see from every agency, newest first, with the filters."""
    filters, errors = _filters(form)
    try:
        found = queries.chronology(
            uow, actor, child_id, filters, before=form.earlier_than(),
            limit=COMPACT_LIMIT if form.compact else PAGE_LIMIT, with_text=not form.compact,
        )  # fmt: skip
    except MergedRecord as merged:
        return redirect(f"/children/{merged.kept_id}/chronology?{form.query(before='')}")
    context = {"found": found, "form": form, "errors": errors, "pdf_most": export.PDF_MOST}
    return render(request, "events/chronology.html", context, status=422 if errors else 200)


@pages.get("/children/{child_id}/chronology.csv")
def chronology_csv(uow: UowDep, actor: Exporter, child_id: uuid.UUID, form: Filters) -> Response:
    """The same events, oldest first, as a CSV file for a spreadsheet; audited."""
    exported = _export(uow, actor, child_id, form, ExportFormat.CSV)
    if isinstance(exported, RedirectResponse):
        return exported
    return Response(export.csv_bytes(exported), media_type="text/csv; charset=utf-8",
                    headers=_attachment(exported))  # fmt: skip


@pages.get("/children/{child_id}/chronology.pdf")
def chronology_pdf(
    request: Request, uow: UowDep, actor: Exporter, child_id: uuid.UUID, form: Filters
) -> Response:
    """The same events, oldest first, laid out for a strategy discussion; audited."""
    exported = _export(uow, actor, child_id, form, ExportFormat.PDF)
    if isinstance(exported, RedirectResponse):
        return exported
    html = request.app.state.templates.get_template("events/print.html").render(export=exported)
    return Response(export.pdf_bytes(html), media_type="application/pdf",
                    headers=_attachment(exported))  # fmt: skip


@pages.post("/children/{child_id}/chronology/events/{event_id}/significant")
def mark_significant(
    request: Request, uow: UowDep, actor: Marker, child_id: uuid.UUID, event_id: uuid.UUID,
    form: Annotated[SignificanceForm, Form()],
) -> Response:  # fmt: skip
    """Mark an event significant (or take the mark off); htmx swaps just the mark."""
    services.mark_significant(uow, actor, child_id=child_id, event_id=event_id,
                              significant=form.marked)  # fmt: skip
    if request.headers.get("HX-Request"):
        event = {"id": event_id, "significant": form.marked, "may_mark": True}
        return render(request, "events/_significance.html", {"event": event, "child_id": child_id})
    return redirect(f"/children/{child_id}/chronology#event-{event_id}")


@pages.get("/events/waiting")
def waiting_page(request: Request, uow: UowDep, actor: Reviewer, done: str = "") -> HTMLResponse:
    """Your agency's posted events that found no sure child, oldest first."""
    lines = waiting.waiting_events(uow, actor)
    return render(request, "events/waiting.html", {"lines": lines, "done": done})


@pages.get("/events/waiting/{event_id}")
def waiting_event_page(
    request: Request, uow: UowDep, actor: Reviewer, event_id: uuid.UUID
) -> HTMLResponse:
    """One waiting event beside the children it may be about."""
    found = waiting.open_waiting(uow, actor, event_id)
    return render(request, "events/review.html", {"waiting": found})


@pages.post("/events/waiting/{event_id}")
def review_posted(
    request: Request, uow: UowDep, actor: Reviewer, event_id: uuid.UUID,
    form: Annotated[ReviewForm, Form()],
) -> Response:  # fmt: skip
    """Put the event on the chosen child's chronology, or set it aside."""
    try:
        child_id = form.child_id()
        posting.review_posted(uow, actor, event_id=event_id, child_id=child_id)
    except Invalid as error:
        context = {"waiting": waiting.open_waiting(uow, actor, event_id), "errors": error.errors}
        return render(request, "events/review.html", context, status=422)
    return redirect(f"/events/waiting?done={'matched' if child_id else 'set_aside'}")


@api.post("/events", response_model=EventBatchView)
def post_events(uow: UowDep, actor: Poster, body: EventBatchIn) -> EventBatchView:
    """Post up to 500 events from your agency's system; each is answered in its place.

    An event is accepted (matched to a child, or waiting for a person at your agency to say
    which child), replayed (sent before under the same id), or refused with its problems.
    Only a body that is not a batch of events is refused whole (422).
    """
    readable = body.posted()
    accepted = posting.post_events(uow, actor, readable) if readable or not body.sent else []
    return body.answer(accepted)


@api.get("/children/{child_id}/events", response_model=ChronologyView, responses=MOVED)
def chronology_api(
    uow: UowDep, actor: Reader, child_id: uuid.UUID,
    before: Before = None, limit: Annotated[int, Query(ge=1, le=500)] = queries.LIMIT,
) -> ChronologyView | Response:  # fmt: skip
    """A child's events your organisation may see, newest first, as the page shows them."""
    try:
        found = queries.chronology(uow, actor, child_id, ChronologyFilter(), before=before,
                                   limit=limit)  # fmt: skip
    except MergedRecord as merged:
        return RedirectResponse(f"/api/v1/children/{merged.kept_id}/events", status_code=307)
    return ChronologyView.of(found)


def _filters(form: ChronologyForm) -> tuple[ChronologyFilter, dict[str, str]]:
    """The filters asked for; when they are wrong, none, with what is wrong."""
    try:
        return form.filters(), {}
    except Invalid as error:
        return ChronologyFilter(), error.errors


def _export(
    uow: UnitOfWork, actor: Actor, child_id: uuid.UUID, form: ChronologyForm, fmt: ExportFormat
) -> ChronologyExport | RedirectResponse:
    try:
        return export.export_chronology(uow, actor, child_id, form.filters(), fmt=fmt)
    except MergedRecord as merged:
        return redirect(f"/children/{merged.kept_id}/chronology.{fmt}?{form.query(before='')}")


def _attachment(exported: ChronologyExport) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{exported.file_name}"'}
