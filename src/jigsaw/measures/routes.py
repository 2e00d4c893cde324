"""The MASH's measures: a page with charts, the same figures as CSV, and in the API."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.core import clock
from jigsaw.core.errors import Invalid
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.measures import charts, export, queries, views
from jigsaw.measures.queries import Measures
from jigsaw.measures.schemas import MeasuresForm, MeasuresView
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["measures"])
Reader = Annotated[Actor, Depends(Requires(Permission.MEASURES_READ))]
Filters = Annotated[MeasuresForm, Query()]
PAGE = "measures/page.html"


@pages.get("/mash/measures")
def measures_page(request: Request, uow: UowDep, actor: Reader, form: Filters) -> HTMLResponse:
    """The MASH's measures for a period, each chart with its figures beside it."""
    try:
        found = _measures_for(uow, actor, form)
    except Invalid as error:
        return _refused(request, uow, actor, form, error)
    return render(request, PAGE, {"form": form, "agencies": found.agencies, "measures": found,
                                  "charts": _charts(found)})  # fmt: skip


@pages.get("/mash/measures.csv")
def measures_csv(request: Request, uow: UowDep, actor: Reader, form: Filters) -> Response:
    """The same figures as a CSV file, for the same period and agency."""
    try:
        found = _measures_for(uow, actor, form)
    except Invalid as error:
        return _refused(request, uow, actor, form, error)
    disposition = f'attachment; filename="{export.file_name(found)}"'
    return Response(export.csv_text(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@api.get("/mash/measures", response_model=MeasuresView)
def measures_api(uow: UowDep, actor: Reader, form: Filters) -> MeasuresView:
    """The MASH's measures for a period (by default the last 28 days), for a council's reports.

    ``from`` and ``to`` are London dates, both included; ``agency`` narrows the figures to
    one organisation (by id).
    """
    return MeasuresView.of_measures(_measures_for(uow, actor, form))


def _measures_for(uow: UnitOfWork, actor: Actor, form: MeasuresForm) -> Measures:
    """The measures the form asks for, as of now (Invalid: what is wrong with the form)."""
    now = clock.now()
    period, agency_id = form.read(today=now.astimezone(LONDON).date())
    return queries.get_measures(uow, actor, period=period, agency_id=agency_id, now=now)


def _refused(
    request: Request, uow: UnitOfWork, actor: Actor, form: MeasuresForm, error: Invalid
) -> HTMLResponse:
    """The page again with the form as typed, saying what is wrong (no figures)."""
    context = {"form": form, "agencies": queries.list_agencies(uow, actor), "measures": None,
               "charts": None, "errors": error.errors}  # fmt: skip
    return render(request, PAGE, context, status=422)


def _charts(found: Measures) -> dict[str, Any]:
    names, decisions = found.names, found.decisions
    within = sorted(((names.get(source, "Unknown"), share)
                     for source, share in decisions.within_one_day_by_source.items()),
                    key=lambda item: item[0])  # fmt: skip
    contacts = charts.contacts_per_day(found.contacts, names)
    return {
        "contacts": contacts,
        "rects": views.rects_svg(contacts),
        "days": views.day_lines(found.contacts, names),
        "outcomes": charts.bars([(o.label, n) for o, n in decisions.outcomes.items()]),
        "within": within,
        "advice": charts.bars([(o.label, n) for o, n in found.consultations.outcomes.items()]),
    }
