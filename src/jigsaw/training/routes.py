"""Training pages and API: the facilitator's view and controls, a participant's part.

Only in a training space: on a live database every training address is not found, for
everyone (``in_training_space``, after sign-in and before the permission). Participants
otherwise use the ordinary pages, which is the point.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.core.errors import NotFound
from jigsaw.training import picture, queries, services
from jigsaw.training.schemas import AdvanceForm, TrainingStateView
from jigsaw.web.auth import Requires
from jigsaw.web.csrf import csrf_protect
from jigsaw.web.deps import UowDep
from jigsaw.web.pages import redirect, render


def in_training_space(request: Request) -> None:
    """Training addresses exist only in an app started on a training space's database."""
    if getattr(request.app.state, "training", None) is None:
        raise NotFound("training space")


_SIGNED_IN_TRAINING = [Depends(Requires()), Depends(in_training_space)]
pages = APIRouter(
    include_in_schema=False, dependencies=[Depends(csrf_protect), *_SIGNED_IN_TRAINING]
)
api = APIRouter(prefix="/api/v1", tags=["training"], dependencies=_SIGNED_IN_TRAINING)
Facilitator = Annotated[Actor, Depends(Requires(Permission.TRAINING_FACILITATE))]
Participant = Annotated[Actor, Depends(Requires())]
Reader = Annotated[Actor, Depends(Requires(Permission.SUMMARY_READ))]


@pages.get("/training")
def overview(request: Request, uow: UowDep, actor: Facilitator) -> HTMLResponse:
    """The scenario, the step it is at, and every agency's part side by side."""
    return render(request, "training/overview.html", {"view": picture.overview(uow, actor)})


@pages.post("/training/advance")
def advance_scenario(
    uow: UowDep, actor: Facilitator, form: Annotated[AdvanceForm, Form()]
) -> Response:
    """Apply the next step of the timeline."""
    services.advance_scenario(uow, actor, from_step=form.step)
    return redirect("/training#agencies")


@pages.post("/training/picture")
def show_whole_picture(uow: UowDep, actor: Facilitator) -> Response:
    """Show the whole picture (the debrief), once every step is applied."""
    services.show_whole_picture(uow, actor)
    return redirect("/training/picture")


@pages.get("/training/picture")
def whole_picture(request: Request, uow: UowDep, actor: Facilitator) -> HTMLResponse:
    """Everything each agency held, in one chronology, and what was shared and what was not."""
    return render(request, "training/picture.html", {"view": picture.whole_picture(uow, actor)})


@pages.get("/training/my-part")
def my_part(request: Request, uow: UowDep, actor: Participant) -> HTMLResponse:
    """A participant's briefing and the notes their agency has had so far."""
    return render(request, "training/part.html", {"part": queries.my_part(uow, actor)})


@api.get("/training")
def training_state(uow: UowDep, actor: Reader) -> TrainingStateView:
    """Which training space this is, its scenario, and how far the timeline has got."""
    del actor  # the state names no one: any token that reads the summary may read it
    state = queries.get_state(uow)
    return TrainingStateView(name=state.name, scenario=state.scenario, title=state.title,
                             step=state.step, steps=state.steps)  # fmt: skip
