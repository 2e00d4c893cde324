"""Stories: the published list and search, telling one, the author's own, moderation, the API."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.errors import Invalid
from jigsaw.stories import queries, services
from jigsaw.stories.anonymisation import Check, paragraphs
from jigsaw.stories.queries import StoryRecord
from jigsaw.stories.rules import Party, Theme, agency_label
from jigsaw.stories.schemas import ReturnForm, SearchForm, StoryForm, StoryView
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render

pages = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_protect)])
api = APIRouter(prefix="/api/v1", tags=["stories"])
Reader = Annotated[Actor, Depends(Requires(Permission.STORY_READ))]
Teller = Annotated[Actor, Depends(Requires(Permission.STORY_SUBMIT))]
Moderator = Annotated[Actor, Depends(Requires(Permission.STORY_MODERATE))]
Filters = Annotated[SearchForm, Query()]


@pages.get("/stories")
def published_stories(request: Request, uow: UowDep, actor: Reader, filters: Filters) -> Response:
    """Published stories of sharing that went well, searchable by words, agency and theme."""
    stories = queries.list_published(uow, actor, search=filters.to_search())
    return render(request, "stories/list.html", {"stories": stories, "filters": filters}
                  | _choices(actor))  # fmt: skip


@pages.get("/stories/new")
def new_story(request: Request, actor: Teller) -> HTMLResponse:
    """The form to tell a story."""
    return render(request, "stories/edit.html", _form_context(None, StoryForm(), actor))


@pages.post("/stories")
def start_story(
    request: Request, uow: UowDep, actor: Teller, form: Annotated[StoryForm, Form()]
) -> Response:
    """Save the new story as a draft, and submit it if asked and the check finds nothing."""
    try:
        outcome = services.start_story(uow, actor, draft=form.to_draft(),
                                       submit=form.action == "submit")  # fmt: skip
    except Invalid as error:
        context = _form_context(None, form, actor) | {"errors": error.errors}
        return render(request, "stories/edit.html", context, status=422)
    return _after_writing(outcome, form)


@pages.get("/stories/mine")
def my_stories(request: Request, uow: UowDep, actor: Teller) -> HTMLResponse:
    """The stories the practitioner has told, where each is, and what the check finds."""
    return render(request, "stories/mine.html", {"lines": queries.list_mine(uow, actor)})


@pages.get("/stories/moderation")
def moderation_queue(request: Request, uow: UowDep, actor: Moderator) -> HTMLResponse:
    """Stories waiting for the moderator, longest waiting first."""
    return render(request, "stories/queue.html",
                  {"lines": queries.moderation_queue(uow, actor)})  # fmt: skip


@pages.get("/stories/{story_id}")
def story_page(
    request: Request,
    uow: UowDep,
    actor: Reader,
    story_id: uuid.UUID,
    *,
    refused: bool = False,
) -> Response:
    """A story: published, to read; before that, with what the check finds and the next steps."""
    record = queries.open_story(uow, actor, story_id=story_id)
    return render(request, "stories/view.html", _view_context(record, refused=refused))


@pages.get("/stories/{story_id}/edit")
def edit_page(
    request: Request,
    uow: UowDep,
    actor: Reader,
    story_id: uuid.UUID,
    *,
    refused: bool = False,
) -> Response:
    """The story's form, with what the check finds highlighted above it."""
    record = queries.open_story(uow, actor, story_id=story_id)
    context = _form_context(record, StoryForm.from_record(record), actor, refused=refused)
    return render(request, "stories/edit.html", context)


@pages.post("/stories/{story_id}")
def edit_story(
    request: Request, uow: UowDep, actor: Reader, story_id: uuid.UUID,
    form: Annotated[StoryForm, Form()],
) -> Response:  # fmt: skip
    """Save the changes (and, for the author, submit if asked and the check finds nothing)."""
    try:
        outcome = services.edit_story(uow, actor, story_id=story_id, draft=form.to_draft(),
                                      submit=form.action == "submit")  # fmt: skip
    except Invalid as error:
        record = queries.open_story(uow, actor, story_id=story_id)
        context = _form_context(record, form, actor) | {"errors": error.errors}
        return render(request, "stories/edit.html", context, status=422)
    return _after_writing(outcome, form)


@pages.post("/stories/{story_id}/publish")
def publish_story(uow: UowDep, actor: Moderator, story_id: uuid.UUID) -> Response:
    """Publish it for the partnership; refused, with the findings, while the check finds any."""
    outcome = services.publish_story(uow, actor, story_id=story_id)
    return redirect(f"/stories/{story_id}" + ("" if outcome.done else "?refused=1"))


@pages.post("/stories/{story_id}/return")
def return_story(
    request: Request, uow: UowDep, actor: Moderator, story_id: uuid.UUID,
    form: Annotated[ReturnForm, Form()],
) -> Response:  # fmt: skip
    """Send it back to its author with a note of what to change."""
    try:
        services.return_story(uow, actor, story_id=story_id, note=form.note)
    except Invalid as error:
        context = _view_context(queries.open_story(uow, actor, story_id=story_id))
        context |= {"errors": error.errors, "note": form.note}
        return render(request, "stories/view.html", context, status=422)
    return redirect("/stories/moderation")


@pages.post("/stories/{story_id}/withdraw")
def withdraw_story(uow: UowDep, actor: Reader, story_id: uuid.UUID) -> Response:
    """Take it back (the author) or down (the moderator)."""
    services.withdraw_story(uow, actor, story_id=story_id)
    return redirect(f"/stories/{story_id}")


@api.get("/stories", response_model=list[StoryView])
def list_stories_api(uow: UowDep, actor: Reader, filters: Filters) -> list[StoryView]:
    """Published stories, newest first, narrowed by words (`q`), `agency` and `theme`."""
    stories = queries.list_published(uow, actor, search=filters.to_search())
    return [StoryView.from_record(record) for record in stories]


@api.get("/stories/{story_id}", response_model=StoryView)
def read_story_api(uow: UowDep, actor: Reader, story_id: uuid.UUID) -> StoryView:
    """One published story (nothing unpublished is ever given out here)."""
    return StoryView.from_record(queries.published_story(uow, actor, story_id=story_id))


def _after_writing(outcome: services.Outcome, form: StoryForm) -> Response:
    """Submitted: on to the author's list. Saved, or refused by the check: back to the form."""
    if outcome.done:
        return redirect("/stories/mine")
    refused = "?refused=1" if form.action == "submit" else ""
    return redirect(f"/stories/{outcome.story.id}/edit{refused}")


def _refused(check: Check) -> dict[str, str]:
    """The error summary's line when a step was refused because the check found something."""
    count = len(check.findings)
    things = "thing" if count == 1 else "things"
    return {"findings": f"The anonymisation check found {count} {things} that could identify "
                        "someone. Change them, then try again."}  # fmt: skip


def _highlights(record: StoryRecord | None, check: Check) -> dict[str, Any]:
    title, text = (record.title, record.text) if record else ("", "")
    return {
        "check": check,
        "title_pieces": paragraphs(title, check.of("title")),
        "text_pieces": paragraphs(text, check.of("text")),
    }


def _form_context(
    record: StoryRecord | None, form: StoryForm, actor: Actor, *, refused: bool = False
) -> dict[str, Any]:
    check = record.check if record else Check(())
    return {
        "record": record, "story": record.story if record else None, "form": form,
        "errors": _refused(check) if refused and not check.clear else {},
        "is_author": record is None or record.party is Party.AUTHOR,
    } | _highlights(record, check) | _choices(actor)  # fmt: skip


def _view_context(record: StoryRecord, *, refused: bool = False) -> dict[str, Any]:
    check = record.check
    return {
        "record": record, "story": record.story,
        "errors": _refused(check) if refused and not check.clear else {},
        "agency_labels": [agency_label(a) for a in record.agencies],
    } | _highlights(record, check)  # fmt: skip


def _choices(actor: Actor) -> dict[str, Any]:
    return {
        "agency_choices": [(a.value, agency_label(a)) for a in AgencyKind],
        "theme_choices": [(t.value, t.label) for t in Theme],
        "may_tell": queries.may_tell(actor),
        "may_moderate": queries.may_moderate(actor),
    }
