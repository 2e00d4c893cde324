"""Reading a training space: its mark, its state, a participant's part.

A participant sees their agency's briefing and notes here, and everything else through the
ordinary pages; the facilitator's view of every agency is ``picture``. Reads are audited.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.children.queries import identities_of
from jigsaw.core import clock
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.training.models import TrainingSpace
from jigsaw.training.partnership import FACILITATOR, ScenarioIds
from jigsaw.training.reading import Scenario, scenario_from_json
from jigsaw.training.rules import Block, blocks


@dataclass(frozen=True, slots=True)
class TrainingMark:
    """What every page of a training space shows, read when the app starts."""

    name: str


@dataclass(frozen=True, slots=True)
class Note:
    """A note to an agency's participants: before the start (step 0) or at a step."""

    step: int
    title: str
    text: str

    @property
    def paragraphs(self) -> tuple[Block, ...]:
        """The note as a page shows it."""
        return blocks(self.text)


@dataclass(frozen=True, slots=True)
class Part:
    """A participant's own part: their agency, their briefing, the notes so far."""

    space: str
    title: str
    agency: str | None
    briefing: str | None
    notes: tuple[Note, ...]
    facilitator: bool
    children: tuple[tuple[uuid.UUID, str], ...]

    @property
    def briefing_paragraphs(self) -> tuple[Block, ...]:
        """The participant's briefing as a page shows it."""
        return blocks(self.briefing or "")


@dataclass(frozen=True, slots=True)
class State:
    """The space's state for the API: which space, which scenario, which step."""

    name: str
    scenario: str | None
    title: str | None
    step: int
    steps: int


def get_training_mark(uow: UnitOfWork, *, configured: str | None = None) -> TrainingMark | None:
    """The database's training mark; None for a live database (or one not yet migrated).

    ``configured`` is the space the settings say is served (``jigsaw training serve`` sets
    it): its mark stands when the database cannot be reached at start-up, so a training
    space never shows a page without saying so.
    """
    try:
        with uow:
            if not inspect(uow.session.connection()).has_table(TrainingSpace.__tablename__):
                name = None
            else:
                name = uow.session.scalar(select(TrainingSpace.name))
    except OperationalError:  # unreachable: /readyz says so; the settings may still mark it
        name = None
    name = name or configured
    return None if name is None else TrainingMark(name)


def get_state(uow: UnitOfWork) -> State:
    """The space's name, scenario and step (no one's information).

    Raises:
        NotFound: not a training space.
    """
    with uow:
        space = uow.session.scalar(select(TrainingSpace))
        if space is None:
            raise NotFound("training space")
        scenario = scenario_from_json(space.scenario) if space.scenario else None
        return State(space.name, space.scenario_key, scenario.title if scenario else None,
                     space.step, len(scenario.timeline) if scenario else 0)  # fmt: skip


def get_scenario(uow: UnitOfWork) -> tuple[str, Scenario] | None:
    """The scenario the space runs, with its key; None before one is loaded (the CLI's)."""
    with uow:
        space = uow.session.scalar(select(TrainingSpace))
    if space is None or space.scenario_key is None or space.scenario is None:
        return None
    return space.scenario_key, scenario_from_json(space.scenario)


def my_part(uow: UnitOfWork, actor: Actor) -> Part:
    """A participant's briefing and the notes to their agency so far; an audited read.

    Raises:
        NotFound: not a training space running a scenario.
    """
    with uow:
        space = uow.session.scalar(select(TrainingSpace))
        if space is None or space.scenario_key is None or space.scenario is None:
            raise NotFound("training space")
        key, scenario = space.scenario_key, scenario_from_json(space.scenario)
        ids = ScenarioIds(key)
        seat = next((k for k in [*scenario.participants, FACILITATOR]
                     if ids.participant(k) == actor.id), None)  # fmt: skip
        participant = scenario.participants.get(seat or "")
        agency = participant.agency if participant else None
        # Links only to the records the participant may open now (the MASH: once shared).
        children = tuple(
            (child_id, name)
            for child_id, name in (children_of(uow, ids, scenario) if participant else ())
            if policy.child_access(uow.session, actor, child_id, now=clock.now()) is not None
        )
        audit.record(uow, actor, "training:part_viewed", subject_type="training_space",
                     subject_id=space.id)  # fmt: skip
        uow.commit()
    return Part(
        space=space.name, title=scenario.title,
        agency=scenario.agencies[agency].name if agency else None,
        briefing=participant.briefing if participant else None,
        notes=notes_for(scenario, space.step, agency) if agency else (),
        facilitator=seat == FACILITATOR, children=children,
    )  # fmt: skip


def children_of(
    uow: UnitOfWork, ids: ScenarioIds, scenario: Scenario
) -> tuple[tuple[uuid.UUID, str], ...]:
    """The scenario's children, each with their name (the caller has checked who may know)."""
    child_ids = [ids.child(k) for k in scenario.children]
    names = identities_of(uow, set(child_ids))
    return tuple((c, names[c].name if c in names else "") for c in child_ids)


def notes_for(scenario: Scenario, step: int, agency: str) -> tuple[Note, ...]:
    """The notes to an agency's participants up to ``step``: the history's, then each step's."""
    notes = [Note(0, "Before the session", i.note) for i in scenario.history
             if i.agency == agency and i.note]  # fmt: skip
    for number, done in enumerate(scenario.timeline[:step], start=1):
        notes += [Note(number, done.title, i.note) for i in done.items
                  if i.agency == agency and i.note]  # fmt: skip
    return tuple(notes)
