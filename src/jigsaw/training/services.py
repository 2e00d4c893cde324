"""Running a training space: marking it, starting a scenario, advancing its timeline.

Each is one transaction, audited. A scenario's events are written by the events service
(``events.services.record``), held by their agency, so they land on the child's chronology
and are seen by whoever would see them live: the agency itself, those it was shared with.
"""

import uuid
from datetime import datetime

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.services import record
from jigsaw.training.models import TrainingSpace
from jigsaw.training.partnership import ScenarioIds
from jigsaw.training.reading import Item, Scenario, scenario_from_json
from jigsaw.training.rules import Progress, happened_at, space_name_problem


def mark_training_space(uow: UnitOfWork, actor: Actor, *, name: str) -> TrainingSpace:
    """Mark this (new, empty) database as a training space called ``name``.

    Raises:
        Conflict: the database is already a training space.
        ValueError: the name is not a training space's name.
    """
    if (problem := space_name_problem(name)) is not None:
        raise ValueError(problem)
    with uow:
        if uow.session.scalar(select(TrainingSpace.id)) is not None:
            raise Conflict("this database is already a training space")
        space = TrainingSpace(id=uuid.uuid4(), name=name, created_at=clock.now(), step=0)
        uow.session.add(space)
        uow.session.flush()
        audit.record(uow, actor, "training:space_marked", subject_type="training_space",
                     subject_id=space.id)  # fmt: skip
        uow.commit()
    return space


def start_scenario(uow: UnitOfWork, actor: Actor, *, key: str, scenario: Scenario) -> int:
    """Keep the scenario in the space and write what its agencies already hold (its history).

    Its people must already be loaded (``partnership.partnership_of`` and the demo loader).
    Returns how many events the history wrote.

    Raises:
        NotFound: the database is not a training space: synthetic people never go into live
            data.
        Conflict: the space already runs a scenario.
    """
    with uow:
        space = uow.session.scalar(select(TrainingSpace).with_for_update())
        if space is None:
            raise NotFound("training space")
        if space.scenario_key is not None:
            raise Conflict("this training space already runs a scenario")
        now = clock.now()
        written = _apply(uow, actor, key, scenario, scenario.history, anchor=now)
        space.scenario_key = key
        space.scenario = scenario.model_dump(mode="json")
        space.loaded_at = now
        space.step = 0
        audit.record(uow, actor, "training:scenario_loaded", subject_type="training_space",
                     subject_id=space.id)  # fmt: skip
        uow.commit()
    return written


def advance_scenario(uow: UnitOfWork, actor: Actor, *, from_step: int) -> int:
    """Apply the timeline's next step: its events land at their agencies; notes go out.

    ``from_step`` is the step the facilitator saw: a second press of the button (or a second
    facilitator) does not apply a step twice. Returns the step now reached.

    Raises:
        NotFound: not a training space, or the actor does not facilitate it.
        Conflict: every step has been applied, or the step has moved on since.
    """
    with uow:
        space = _facilitated(uow, actor)
        assert space.scenario_key is not None  # noqa: S101 - _facilitated checked it
        scenario = scenario_from_json(space.scenario or {})
        progress = Progress(space.step, len(scenario.timeline))
        if progress.next_step is None:
            raise Conflict("every step of this scenario has been applied")
        if space.step != from_step:
            raise Conflict("the scenario has already moved on to another step")
        step = scenario.timeline[space.step]
        assert space.loaded_at is not None  # noqa: S101 - set with the scenario
        _apply(uow, actor, space.scenario_key, scenario, step.items, anchor=space.loaded_at)
        space.step = progress.next_step
        space.advanced_at = clock.now()
        space.advanced_by_id = actor.id
        audit.record(uow, actor, "training:step_applied", subject_type="training_space",
                     subject_id=space.id)  # fmt: skip
        uow.commit()
    return space.step


def show_whole_picture(uow: UnitOfWork, actor: Actor) -> None:
    """The facilitator shows the whole picture: the debrief, once every step is applied.

    Raises:
        NotFound: not a training space, or the actor does not facilitate it.
        Conflict: steps remain to be applied.
    """
    with uow:
        space = _facilitated(uow, actor)
        scenario = scenario_from_json(space.scenario or {})
        if not Progress(space.step, len(scenario.timeline)).finished:
            raise Conflict("the whole picture is shown once every step has been applied")
        if space.revealed_at is None:
            space.revealed_at = clock.now()
        audit.record(uow, actor, "training:picture_shown", subject_type="training_space",
                     subject_id=space.id)  # fmt: skip
        uow.commit()


def _facilitated(uow: UnitOfWork, actor: Actor) -> TrainingSpace:
    """The space, locked, if the actor facilitates its scenario; else the same NotFound."""
    space = uow.session.scalar(select(TrainingSpace).with_for_update())
    if space is None or space.scenario_key is None:
        raise NotFound("training space")
    if not policy.may_facilitate_training(actor, training_space=True):
        raise NotFound("training space")
    return space


def _apply(
    uow: UnitOfWork,
    actor: Actor,
    key: str,
    scenario: Scenario,
    items: list[Item],
    *,
    anchor: datetime,
) -> int:
    """Write the items' events, each held by its agency (notes are read from the scenario).

    Their days count back from ``anchor``, when the scenario was loaded.
    """
    ids, now = ScenarioIds(key), clock.now()
    written: list[tuple[uuid.UUID, uuid.UUID]] = []
    for item in items:
        if item.event is None:
            continue
        child_id = ids.child(scenario.child_of(item.event))
        event = record(
            uow, child_id=child_id, organisation_id=ids.agency(item.agency),
            code=item.event.category, text=item.event.text,
            occurred_at=happened_at(days_ago=item.event.days_ago, at=item.event.at,
                                    anchor=anchor, now=now),
            shared_with=[ids.agency(other) for other in item.event.shared_with],
        )  # fmt: skip
        written.append((event.id, child_id))
    audit.record_many(uow, actor, "training:event_recorded", subject_type="child_event",
                      subject_ids=[e for e, _ in written],
                      child_ids=[c for _, c in written])  # fmt: skip
    return len(written)
