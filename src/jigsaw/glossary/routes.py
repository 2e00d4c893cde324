"""Glossary pages (the list, a term, risk levels side by side, keeping it) and its read API."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.core.errors import Conflict, Invalid
from jigsaw.glossary import queries, risk_levels, services
from jigsaw.glossary.queries import TermRecord
from jigsaw.glossary.rules import AgencyGroup, Problem
from jigsaw.glossary.schemas import GlossaryView, NoteForm, TermForm, TermView
from jigsaw.glossary.table import FORMAT_HELP, MAX_BYTES, write_csv
from jigsaw.taxonomy.levels import LevelOfNeed
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["glossary"])
Reader = Annotated[Actor, Depends(Requires(Permission.GLOSSARY_READ))]
Keeper = Annotated[Actor, Depends(Requires(Permission.GLOSSARY_MANAGE))]
GlossaryFile = Annotated[UploadFile | None, File(description="The glossary, a UTF-8 CSV file.")]
GROUPS = [(group.value, group.label.capitalize()) for group in AgencyGroup]


@pages.get("/glossary")
def list_terms(
    request: Request, uow: UowDep, actor: Reader, q: str = "", letter: str = "",
    group: str = "", retired: bool = False,  # noqa: FBT001, FBT002 - a query flag
) -> HTMLResponse:  # fmt: skip
    """The glossary A to Z: search it, jump to a letter, show one agency group's terms."""
    chosen = next((g for g in AgencyGroup if g.value == group), None)  # "" or unknown: any
    listing = queries.list_terms(uow, search=q[:100], letter=letter[:1].upper(), group=chosen,
                                 retired=retired)  # fmt: skip
    context = {"listing": listing, "q": q[:100], "letter": letter[:1].upper(), "group": chosen,
               "retired": retired, "groups": GROUPS, "keeper": _keeps(actor)}  # fmt: skip
    return render(request, "glossary/list.html", context)


@pages.get("/glossary.csv")
def download_glossary(uow: UowDep, actor: Reader) -> Response:  # noqa: ARG001
    """The whole glossary as CSV, in the columns an import reads."""
    glossary = queries.current_glossary(uow)
    disposition = f'attachment; filename="glossary-v{glossary.version}.csv"'
    return Response(write_csv(glossary.terms), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@pages.get("/glossary/risk-levels")
def risk_levels_page(request: Request, uow: UowDep, actor: Reader) -> HTMLResponse:  # noqa: ARG001
    """Every organisation's risk scale against the shared levels of need."""
    context = {"scales": risk_levels.partnership_scales(uow), "levels": list(LevelOfNeed)}
    return render(request, "glossary/risk_levels.html", context)


@pages.get("/glossary/history")
def list_versions(request: Request, uow: UowDep, actor: Reader) -> HTMLResponse:  # noqa: ARG001
    """Every version of the glossary: who changed what, when and why."""
    return render(request, "glossary/history.html", {"versions": queries.list_versions(uow)})


@pages.get("/glossary/new")
def new_term(request: Request, actor: Keeper) -> HTMLResponse:  # noqa: ARG001
    """The form to add a term."""
    return render(request, "glossary/edit.html", _form_context(TermForm(), None))


@pages.post("/glossary")
def add_term(
    request: Request, uow: UowDep, actor: Keeper, form: Annotated[TermForm, Form()]
) -> Response:
    """Add the term, as a new version of the glossary."""
    try:
        services.add_term(uow, actor, term=form.to_term(), note=form.note)
    except Invalid as error:
        context = _form_context(form, None, error.errors)
        return render(request, "glossary/edit.html", context, status=422)
    return redirect(f"/glossary/{form.key.strip()}?saved=1")


@pages.get("/glossary/import")
def import_page(request: Request, actor: Keeper) -> HTMLResponse:  # noqa: ARG001
    """Upload a CSV file of terms."""
    return render(request, "glossary/import.html", _import_context())


@pages.post("/glossary/import")
def import_terms(
    request: Request, uow: UowDep, actor: Keeper, form: Annotated[NoteForm, Form()],
    glossary: GlossaryFile = None,
) -> Response:  # fmt: skip
    """Apply the file as one new version; any wrong row and nothing is applied."""
    data = b"" if glossary is None else glossary.file.read(MAX_BYTES + 1)
    try:
        changed = services.import_terms(uow, actor, data=data, note=form.note)
    except services.ImportRejected as rejected:
        context = _import_context(form.note, rejected.errors, rejected.problems)
        return render(request, "glossary/import.html", context, status=422)
    except Invalid as error:
        return render(request, "glossary/import.html", _import_context(form.note, error.errors),
                      status=422)  # fmt: skip
    return redirect(f"/glossary/history?imported={changed.version}")


@pages.get("/glossary/{key}")
def get_term(request: Request, uow: UowDep, actor: Reader, key: str) -> HTMLResponse:
    """One term: its definition, who uses it, each agency group's nearest words, its history."""
    record = queries.get_term(uow, key)
    context = {"record": record, "groups": list(AgencyGroup), "keeper": _keeps(actor),
               "saved": request.query_params.get("saved") == "1", "form": NoteForm()}  # fmt: skip
    return render(request, "glossary/term.html", context)


@pages.get("/glossary/{key}/edit")
def edit_page(request: Request, uow: UowDep, actor: Keeper, key: str) -> HTMLResponse:  # noqa: ARG001
    """The form to change a term, filled in."""
    record = queries.get_term(uow, key)
    form = TermForm.from_term(record.term, _changed_in(record))
    return render(request, "glossary/edit.html", _form_context(form, record))


@pages.post("/glossary/{key}")
def edit_term(
    request: Request, uow: UowDep, actor: Keeper, key: str, form: Annotated[TermForm, Form()]
) -> Response:
    """Save the change as a new version; if someone changed the term meanwhile, say so."""
    try:
        services.edit_term(uow, actor, key=key, term=form.to_term(), based_on=form.based_on,
                           note=form.note)  # fmt: skip
    except (Invalid, Conflict) as error:
        record = queries.get_term(uow, key)
        return _refused_edit(request, form, record, error)
    return redirect(f"/glossary/{key}?saved=1")


@pages.post("/glossary/{key}/retire")
def retire_term(
    request: Request, uow: UowDep, actor: Keeper, key: str, form: Annotated[NoteForm, Form()]
) -> Response:
    """Retire the term: kept with its history, no longer found in what people write."""
    return _retire(request, uow, actor, key, form, retired=True)


@pages.post("/glossary/{key}/restore")
def restore_term(
    request: Request, uow: UowDep, actor: Keeper, key: str, form: Annotated[NoteForm, Form()]
) -> Response:
    """Bring a retired term back."""
    return _retire(request, uow, actor, key, form, retired=False)


@api.get("/glossary", response_model=GlossaryView)
def read_glossary(uow: UowDep, actor: Reader) -> GlossaryView:  # noqa: ARG001
    """The glossary's version and every term, retired ones marked."""
    glossary = queries.current_glossary(uow)
    return GlossaryView(version=glossary.version,
                        terms=[TermView.from_term(t) for t in glossary.terms])  # fmt: skip


@api.get("/glossary/{key}", response_model=TermView)
def read_term(uow: UowDep, actor: Reader, key: str) -> TermView:  # noqa: ARG001
    """One term: its definition, forms, the agency groups that use it and their nearest words."""
    return TermView.from_term(queries.get_term(uow, key).term)


def _keeps(actor: Actor) -> bool:
    """Whether to offer the keeper's buttons (the services check again)."""
    return policy.may_manage_glossary(actor)


def _changed_in(record: TermRecord) -> int:
    return record.history[0].version if record.history else record.version


def _form_context(
    form: TermForm, record: TermRecord | None, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    return {"form": form, "record": record, "groups": GROUPS, "errors": errors or {}}


def _refused_edit(
    request: Request, form: TermForm, record: TermRecord, error: Invalid | Conflict
) -> HTMLResponse:
    """The edit page again with what was typed; after a clash, the term as it is now above."""
    if isinstance(error, Invalid):
        return render(request, "glossary/edit.html", _form_context(form, record, error.errors),
                      status=422)  # fmt: skip
    kept = form.model_copy(update={"based_on": _changed_in(record)})
    message = (
        "Someone else changed this term while you were editing it. Their version is shown "
        "above; your changes are still in the form. Save again to replace theirs."
    )
    context = {**_form_context(kept, record, {"term": message}), "clash": True}
    return render(request, "glossary/edit.html", context, status=409)


def _retire(
    request: Request, uow: UowDep, actor: Actor, key: str, form: NoteForm, *, retired: bool
) -> Response:
    try:
        services.retire_term(uow, actor, key=key, note=form.note, retired=retired)
    except Invalid as error:
        context = {"record": queries.get_term(uow, key), "groups": list(AgencyGroup),
                   "keeper": True, "saved": False, "form": form,
                   "errors": error.errors}  # fmt: skip
        return render(request, "glossary/term.html", context, status=422)
    return redirect(f"/glossary/{key}?saved=1")


def _import_context(
    note: str = "", errors: dict[str, str] | None = None, problems: list[Problem] | None = None
) -> dict[str, Any]:
    return {"note": note, "errors": errors or {}, "problems": problems or [],
            "format_help": FORMAT_HELP}  # fmt: skip
