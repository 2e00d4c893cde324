"""Pages and endpoints that belong to no one capability: home, health, API front matter."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse

from jigsaw import __version__
from jigsaw.access.permissions import Permission
from jigsaw.web.auth import Public, Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import TemplatesDep, UowDep
from jigsaw.web.problems import problem
from jigsaw.web.schemas import PartnershipSummaryView
from jigsaw.web.summary import database_is_at_head, get_partnership_summary

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect), Public])
api = APIRouter(prefix="/api/v1", tags=["partnership"])


@pages.get("/", response_class=HTMLResponse)
def home(request: Request, uow: UowDep, templates: TemplatesDep) -> HTMLResponse:
    """The home page: what Jigsaw is for and what this partnership holds."""
    summary = get_partnership_summary(uow)
    return templates.TemplateResponse(request, "home.html", {"summary": summary})


@pages.get("/api/v1/docs", response_class=HTMLResponse)
def api_documentation(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """A readable index of the JSON API, built from its OpenAPI document."""
    operations = _operations(request.app.openapi())
    context = {"operations": operations, "version": __version__}
    return templates.TemplateResponse(request, "api_docs.html", context)


@pages.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "alive"}


@pages.get("/readyz", response_model=None)
def readyz(uow: UowDep) -> JSONResponse | dict[str, str]:
    """Readiness: the database answers and its schema is at the newest migration."""
    try:
        at_head = database_is_at_head(uow)
    except Exception:  # noqa: BLE001 - any failure to reach the database means not ready
        return problem(503, detail="The database cannot be reached.")
    if not at_head:
        return problem(503, detail="The database needs upgrading: run `jigsaw db upgrade`.")
    return {"status": "ready"}


@api.get(
    "/summary",
    response_model=PartnershipSummaryView,
    dependencies=[Depends(Requires(Permission.SUMMARY_READ))],
)
def partnership_summary(uow: UowDep) -> PartnershipSummaryView:
    """Figures for the partnership: organisations, active users and children in the index."""
    summary = get_partnership_summary(uow)
    return PartnershipSummaryView.model_validate(summary, from_attributes=True)


def _operations(document: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "method": method.upper(),
            "path": path,
            "summary": (spec.get("description") or spec.get("summary", "")).split("\n")[0],
        }
        for path, methods in document.get("paths", {}).items()
        for method, spec in methods.items()
    ]
