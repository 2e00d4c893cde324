"""Running the deployment's guidance flows for a practitioner: the bridge to ``guidance``."""

from fastapi import Request

from jigsaw.access.actor import Actor
from jigsaw.core.errors import NotFound
from jigsaw.guidance import engine
from jigsaw.guidance.flows import Flow
from jigsaw.guidance.library import FlowLibrary, UnknownFlow
from jigsaw.guidance.records import DecisionRecord
from jigsaw.sharing import services
from jigsaw.taxonomy.lawful_basis import Sector


def library(request: Request) -> FlowLibrary:
    """The flows this deployment runs: the packaged ones, or its own in the data directory."""
    loaded: FlowLibrary = request.app.state.guidance
    return loaded


def flow(request: Request, flow_id: str) -> Flow:
    """One flow by its id.

    Raises:
        NotFound: no flow has this id here.
    """
    try:
        return library(request).get(flow_id)
    except UnknownFlow:
        raise NotFound("guidance flow") from None


def sector(actor: Actor) -> Sector:
    """Which lawful bases the actor's organisation can rely on."""
    return services.sector_of_actor(actor)


def finished(
    request: Request, actor: Actor, *, flow_id: str, answers: list[tuple[str, str]]
) -> DecisionRecord:
    """The decision record of a flow answered to its end.

    Raises:
        NotFound: no such flow.
        Invalid: the answers do not follow the flow, or stop before an outcome.
    """
    return engine.decision_record(flow(request, flow_id), answers, sector=sector(actor))
