"""The facilitator's view: every agency's part side by side, then the whole picture.

Only the facilitator, and only in a training space (``policy.may_facilitate_training``,
never on live data). Reads of the children's information are audited.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.accounts import Organisation, User
from jigsaw.core.encryption import unseal
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.models import ChildEvent, EventAudience, MatchState
from jigsaw.events.services import event_text
from jigsaw.sharing.models import Concern, ConcernRecipient, ConcernStatus
from jigsaw.taxonomy.events import POSTABLE, category
from jigsaw.training.models import TrainingSpace
from jigsaw.training.partnership import ScenarioIds
from jigsaw.training.queries import Note, children_of, notes_for
from jigsaw.training.reading import Scenario, Step, scenario_from_json
from jigsaw.training.rules import Block, Progress, blocks


@dataclass(frozen=True, slots=True)
class Held:
    """Something an agency holds about a child, and who else may see it."""

    id: uuid.UUID
    child: str
    occurred_at: datetime
    label: str
    text: str
    holder_id: uuid.UUID
    holder: str
    shared_with: tuple[str, ...]
    shared_with_ids: frozenset[uuid.UUID]
    # Made by the participants in Jigsaw (a concern shared, a MASH decision), not the scenario's.
    made_in_session: bool

    @property
    def shared(self) -> bool:
        """Whether any other agency may see it."""
        return bool(self.shared_with)


@dataclass(frozen=True, slots=True)
class Share:
    """A concern an agency raised in the session: shared (with whom), or decided against."""

    reference: str
    sent_at: datetime | None
    sharer: str
    recipients: tuple[str, ...]
    shared: bool
    narrative: str
    reason: str


@dataclass(frozen=True, slots=True)
class AgencyPart:
    """One agency's part: its participants, what it holds, what others shared with it."""

    id: uuid.UUID
    name: str
    people: tuple[str, ...]
    held: tuple[Held, ...]
    received: tuple[Held, ...]
    notes: tuple[Note, ...]

    @property
    def kept(self) -> int:
        """How many of the agency's own records no other agency may see."""
        return sum(1 for h in self.held if not h.made_in_session and not h.shared)


@dataclass(frozen=True, slots=True)
class Overview:
    """The facilitator's view of the space: the scenario, where it is, every agency's part."""

    name: str
    title: str
    summary: str
    briefing: str
    progress: Progress
    current: Step | None
    upcoming: Step | None
    children: tuple[tuple[uuid.UUID, str], ...]
    agencies: tuple[AgencyPart, ...]
    shares: tuple[Share, ...]
    revealed_at: datetime | None

    @property
    def briefing_paragraphs(self) -> tuple[Block, ...]:
        """The facilitator's briefing as a page shows it."""
        return blocks(self.briefing)

    @property
    def current_narration(self) -> tuple[Block, ...]:
        """What to read out at the step reached."""
        return blocks(self.current.narration) if self.current else ()

    @property
    def upcoming_narration(self) -> tuple[Block, ...]:
        """What will be read out at the next step."""
        return blocks(self.upcoming.narration) if self.upcoming else ()

    @property
    def everything(self) -> tuple[Held, ...]:
        """Every record of every agency in one chronology, oldest first."""
        return tuple(sorted((h for a in self.agencies for h in a.held),
                            key=lambda h: (h.occurred_at, h.id)))  # fmt: skip


def overview(uow: UnitOfWork, actor: Actor) -> Overview:
    """The facilitator's view: every agency's part side by side; an audited read.

    Raises:
        NotFound: not a training space running a scenario, or the actor does not facilitate.
    """
    return _view(uow, actor, "training:overview_viewed")


def whole_picture(uow: UnitOfWork, actor: Actor) -> Overview:
    """The debrief: everything each agency held and what was shared; an audited read.

    Raises:
        NotFound: as ``overview``, or the facilitator has not shown the whole picture yet.
    """
    return _view(uow, actor, "training:picture_viewed", revealed=True)


def _view(uow: UnitOfWork, actor: Actor, action: str, *, revealed: bool = False) -> Overview:
    with uow:
        space = uow.session.scalar(select(TrainingSpace))
        if space is None or space.scenario_key is None or space.scenario is None:
            raise NotFound("training space")
        if not policy.may_facilitate_training(actor, training_space=True):
            raise NotFound("training space")
        if revealed and space.revealed_at is None:
            raise NotFound("whole picture")
        scenario, ids = scenario_from_json(space.scenario), ScenarioIds(space.scenario_key)
        children = children_of(uow, ids, scenario)
        held = _held(uow, dict(children))
        parts = tuple(
            _part(uow, scenario, k, ids=ids, step=space.step, held=held) for k in scenario.agencies
        )
        shares = _shares(uow)
        audit.record_many(uow, actor, action, subject_type="child",
                          subject_ids=[c for c, _ in children],
                          child_ids=[c for c, _ in children])  # fmt: skip
        uow.commit()
    progress = Progress(space.step, len(scenario.timeline))
    return Overview(
        name=space.name, title=scenario.title, summary=scenario.summary,
        briefing=scenario.facilitator.briefing, progress=progress,
        current=scenario.timeline[space.step - 1] if progress.started else None,
        upcoming=scenario.timeline[space.step] if not progress.finished else None,
        children=children, agencies=parts, shares=shares, revealed_at=space.revealed_at,
    )  # fmt: skip


def _held(uow: UnitOfWork, children: dict[uuid.UUID, str]) -> list[Held]:
    """Every event about the scenario's children, with the agencies each was shared with."""
    session = uow.session
    rows = session.scalars(
        select(ChildEvent)
        .where(ChildEvent.child_id.in_(children), ChildEvent.match_state == MatchState.MATCHED)
        .order_by(ChildEvent.occurred_at, ChildEvent.id)
    ).all()
    audiences: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for event_id, organisation_id in session.execute(
        select(EventAudience.event_id, EventAudience.organisation_id).where(
            EventAudience.event_id.in_([row.id for row in rows])
        )
    ):
        audiences[event_id].append(organisation_id)
    names = _organisation_names(uow)
    return [
        Held(
            id=row.id,
            child=children.get(row.child_id, "") if row.child_id else "",
            occurred_at=row.occurred_at,
            label=category(row.category).label,
            text=event_text(row.id, row.text_sealed),
            holder_id=row.organisation_id,
            holder=names.get(row.organisation_id, ""),
            shared_with=tuple(sorted(names.get(o, "") for o in audiences[row.id])),
            shared_with_ids=frozenset(audiences[row.id]),
            made_in_session=row.category not in POSTABLE,
        )
        for row in rows
    ]


def _part(
    uow: UnitOfWork, scenario: Scenario, key: str, *, ids: ScenarioIds, step: int, held: list[Held]
) -> AgencyPart:
    organisation_id = ids.agency(key)
    people = uow.session.execute(
        select(User.display_name, User.job_title)
        .where(User.organisation_id == organisation_id)
        .order_by(User.display_name)
    ).all()
    name = scenario.agencies[key].name
    return AgencyPart(
        id=organisation_id, name=name,
        people=tuple(f"{person}, {job}" for person, job in people),
        held=tuple(h for h in held if h.holder_id == organisation_id),
        received=tuple(h for h in held if organisation_id in h.shared_with_ids),
        notes=notes_for(scenario, step, key),
    )  # fmt: skip


def _shares(uow: UnitOfWork) -> tuple[Share, ...]:
    """Every concern raised in the space that was sent or decided against, oldest first."""
    session = uow.session
    concerns = session.scalars(
        select(Concern)
        .where(Concern.status != ConcernStatus.DRAFT, Concern.sent_at.is_not(None))
        .order_by(Concern.sent_at, Concern.id)
    ).all()
    names = _organisation_names(uow)
    recipients: dict[uuid.UUID, list[str]] = defaultdict(list)
    for concern_id, organisation_id in session.execute(
        select(ConcernRecipient.concern_id, ConcernRecipient.organisation_id).where(
            ConcernRecipient.concern_id.in_([c.id for c in concerns])
        )
    ):
        recipients[concern_id].append(names.get(organisation_id, ""))
    return tuple(
        Share(
            reference=c.reference,
            sent_at=c.sent_at,
            sharer=names.get(c.organisation_id, ""),
            recipients=tuple(sorted(recipients[c.id])),
            shared=c.status is not ConcernStatus.NOT_SHARED,
            narrative=unseal("concerns", "narrative_sealed", c.id, c.narrative_sealed),
            reason=unseal("concerns", "decision_reason_sealed", c.id, c.decision_reason_sealed),
        )
        for c in concerns
    )


def _organisation_names(uow: UnitOfWork) -> dict[uuid.UUID, str]:
    """Every organisation's name: a training space holds a handful."""
    rows = uow.session.execute(select(Organisation.id, Organisation.name))
    return {row.id: row.name for row in rows}
