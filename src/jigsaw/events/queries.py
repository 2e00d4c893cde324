"""A child's chronology as its reader may see it.

The chronology is every matched event about the child (and the duplicate records merged
into it) that ``policy.event_is_visible`` lets the reader see, newest first, a page at a
time. Columns are read, not entities, on the index ``ix_child_events_chronology``; only
the rows shown are unsealed; counts are one GROUP BY. That other agencies hold more is
said in one line, never what, whose or when.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, and_, case, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.policy import ChildAccess, ChronologyScope
from jigsaw.accounts import Organisation
from jigsaw.children.queries import access_child, identities_of
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.events.models import ChildEvent, ChronologyLook, EventAudience, MatchState
from jigsaw.events.rules import ChronologyFilter
from jigsaw.events.services import event_text, family
from jigsaw.taxonomy.events import EVENT_CATEGORIES, GROUP_LABELS, EventGroup, category

LIMIT = 200


@dataclass(frozen=True, slots=True)
class EventLine:
    """One event as its reader sees it on the chronology."""

    id: uuid.UUID
    occurred_at: datetime
    recorded_at: datetime
    organisation_id: uuid.UUID
    agency: str
    category: str  # the shared code (taxonomy.events)
    label: str
    group: EventGroup
    source_system: str
    source_code: str | None
    text: str  # empty in the compact view, which unseals nothing
    significant: bool
    new: bool  # recorded since the reader last looked
    may_mark: bool

    @property
    def local(self) -> datetime:
        """When it happened, in London time (as the page and the files show it)."""
        return self.occurred_at.astimezone(LONDON)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many events the reader may see from one agency, or in one category group."""

    key: str  # the agency's id, or the group's code
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Opened:
    """A child's chronology opened for one reader: whose, on what basis, what they see."""

    child_id: uuid.UUID
    name: str
    born_on: date | None
    access: ChildAccess
    scope: ChronologyScope
    records: tuple[uuid.UUID, ...]  # the child and the records merged into it

    def about(self) -> list[ColumnElement[bool]]:
        """The child's matched events, whoever holds them."""
        on = (
            ChildEvent.child_id == self.records[0]
            if len(self.records) == 1
            else ChildEvent.child_id.in_(self.records)
        )
        return [on, ChildEvent.match_state == MatchState.MATCHED]

    def visible(self) -> ColumnElement[bool]:
        """Which of them this reader may see."""
        return policy.event_is_visible(
            self.scope, holder=ChildEvent.organisation_id.expression,
            open_to_all=ChildEvent.open_to_all.expression, shared_with=_shared_with,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Chronology:
    """A page of a child's chronology, with what the filter form and the banners need."""

    opened: Opened
    filters: ChronologyFilter
    events: list[EventLine]
    more: bool  # earlier events match the filter
    next_before: datetime | None  # "show earlier": events before this moment
    matching: int  # events the reader may see that match the filter
    everything: int  # events the reader may see
    hidden: bool  # other agencies hold events the reader may not see
    agencies: list[Tally]
    groups: list[Tally]
    new: int  # visible events recorded since the reader last looked
    last_looked_at: datetime | None
    may_export: bool

    @property
    def months(self) -> list[tuple[str, list[EventLine]]]:
        """The page's events by London month, newest first: the compact view's groups."""
        months: dict[str, list[EventLine]] = {}
        for event in self.events:
            months.setdefault(event.local.strftime("%B %Y"), []).append(event)
        return list(months.items())


def chronology(
    uow: UnitOfWork,
    actor: Actor,
    child_id: uuid.UUID,
    filters: ChronologyFilter,
    *,
    before: datetime | None = None,
    limit: int = LIMIT,
    with_text: bool = True,
) -> Chronology:
    """A child's events the actor may see, newest first, ``limit`` at a time; an audited read.

    ``before`` shows the events before that moment ("show earlier"). The first page marks
    what is new since the reader last looked and remembers that they looked now.

    Raises:
        NotFound: no such child, or the actor may not reach them (the same answer).
        MergedRecord: the record was merged into one the actor may reach.
    """
    now = clock.now()
    with uow:
        session = uow.session
        opened = open_chronology(uow, actor, child_id)
        looked = _last_look(session, actor, child_id, now, remember=before is None)
        where, narrowing = [*opened.about(), opened.visible()], narrowed_by(filters)
        rows, more, next_before = _page(session, [*where, *narrowing], before, limit,
                                        with_text=with_text)  # fmt: skip
        counted = _tallies(session, where, narrowing, looked)
        held = counted.held
        names = organisation_names(session, {o for o, _code in held})  # every shown one
        events = [_line(row, names, actor, opened.scope, looked) for row in rows]
        audit.record(uow, actor, "chronology:viewed", subject_type="child", subject_id=child_id,
                     child_id=child_id, basis=opened.access.basis,
                     basis_id=opened.access.basis_id)  # fmt: skip
        hidden = _hidden(session, opened)
        uow.commit()
    return Chronology(
        opened=opened, filters=filters, events=events, more=more, next_before=next_before,
        matching=counted.matching, everything=sum(held.values()), hidden=hidden,
        agencies=_agency_tallies(held, names), groups=_group_tallies(held), new=counted.new,
        last_looked_at=looked, may_export=policy.may_export_chronology(actor),
    )  # fmt: skip


def open_chronology(uow: UnitOfWork, actor: Actor, child_id: uuid.UUID) -> Opened:
    """The child's chronology as the actor may read it, inside the caller's unit of work.

    Raises:
        NotFound: no such child, or the actor may not reach them (the same answer).
        MergedRecord: the record was merged into one the actor may reach.
    """
    _child, access = access_child(uow, actor, child_id)
    identity = identities_of(uow, {child_id}).get(child_id)
    merged = sorted(i for i in family(uow, child_id) if i is not None and i != child_id)
    return Opened(
        child_id=child_id, name=identity.name if identity else "",
        born_on=identity.born_on if identity else None, access=access,
        scope=policy.chronology_scope(actor, access), records=(child_id, *merged),
    )  # fmt: skip


def narrowed_by(filters: ChronologyFilter) -> list[ColumnElement[bool]]:
    """The reader's filters as conditions on the events (periods are London dates)."""
    found: list[ColumnElement[bool]] = []
    if filters.agencies:
        found.append(ChildEvent.organisation_id.in_(sorted(filters.agencies)))
    if filters.groups:
        codes = sorted(c.code for c in EVENT_CATEGORIES.values() if c.group in filters.groups)
        in_groups: ColumnElement[bool] = ChildEvent.category.in_(codes)
        if EventGroup.OTHER in filters.groups:  # a retired code reads as "Other event"
            in_groups = or_(in_groups, ChildEvent.category.not_in(sorted(EVENT_CATEGORIES)))
        found.append(in_groups)
    if filters.start:
        found.append(ChildEvent.occurred_at >= london_midnight(filters.start))
    if filters.end:
        found.append(ChildEvent.occurred_at < london_midnight(filters.end + timedelta(days=1)))
    if filters.significant_only:
        found.append(ChildEvent.significant.is_(True))
    return found


def london_midnight(day: date) -> datetime:
    """The moment a London date starts (midnight, in British Summer Time or not)."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def every_event(
    uow: UnitOfWork, actor: Actor, opened: Opened, filters: ChronologyFilter
) -> list[EventLine]:
    """Every event the reader may see that matches the filter, oldest first, with its words.

    For an export, inside the caller's unit of work; nothing is marked new.
    """
    session = uow.session
    where = [*opened.about(), opened.visible(), *narrowed_by(filters)]
    rows = session.execute(
        select(*_COLUMNS).where(*where).order_by(ChildEvent.occurred_at, ChildEvent.id)
    ).all()
    names = organisation_names(session, {row.organisation_id for row in rows})
    return [_line(row, names, actor, opened.scope, None) for row in rows]


def hidden_from(uow: UnitOfWork, opened: Opened) -> bool:
    """Whether other agencies hold events about the child that the reader may not see."""
    return _hidden(uow.session, opened)


def organisation_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Organisations' names by id (one query)."""
    if not ids:
        return {}
    rows = session.execute(select(Organisation.id, Organisation.name)
                           .where(Organisation.id.in_(sorted(ids))))  # fmt: skip
    return {row[0]: row[1] for row in rows}


# An event's columns as the chronology reads them (text last: the compact view skips it).
_Row = Row[*tuple[Any, ...]]
_COLUMNS = (
    ChildEvent.id, ChildEvent.occurred_at, ChildEvent.recorded_at, ChildEvent.organisation_id,
    ChildEvent.category, ChildEvent.source_system, ChildEvent.source_code,
    ChildEvent.significant, ChildEvent.text_sealed,
)  # fmt: skip


def _shared_with(organisation_id: uuid.UUID) -> ColumnElement[bool]:
    return exists().where(
        EventAudience.event_id == ChildEvent.id,
        EventAudience.organisation_id == organisation_id,
    )


def _page(
    session: Session,
    where: list[ColumnElement[bool]],
    before: datetime | None,
    limit: int,
    *,
    with_text: bool,
) -> tuple[list[_Row], bool, datetime | None]:
    """The newest ``limit`` events before ``before``; whether earlier ones exist; the cursor.

    A page never ends part-way through one moment: events at the same time as the last
    one shown are shown too, so "show earlier" (events before that time) loses none.
    """
    columns = _COLUMNS if with_text else (*_COLUMNS[:-1], literal(None).label("text_sealed"))
    query = select(*columns).where(*where)
    if before is not None:
        query = query.where(ChildEvent.occurred_at < before)
    newest = query.order_by(ChildEvent.occurred_at.desc(), ChildEvent.id.desc())
    rows = list(session.execute(newest.limit(limit + 1)).all())
    if len(rows) <= limit:
        return rows, False, None
    boundary = rows[limit - 1].occurred_at
    page = rows[:limit]
    if rows[limit].occurred_at != boundary:
        return page, True, boundary
    shown = {row.id for row in page}
    at_boundary = query.where(ChildEvent.occurred_at == boundary).order_by(ChildEvent.id.desc())
    page += [row for row in session.execute(at_boundary) if row.id not in shown]
    earlier = session.scalar(select(query.where(ChildEvent.occurred_at < boundary).exists()))
    return page, bool(earlier), boundary if earlier else None


@dataclass(frozen=True, slots=True)
class _Counted:
    """What one pass over the visible events counts."""

    held: Counter[tuple[uuid.UUID, str]]  # by agency and category
    new: int  # recorded since the reader last looked
    matching: int  # matching the reader's filter


def _tallies(
    session: Session,
    where: list[ColumnElement[bool]],
    narrowing: list[ColumnElement[bool]],
    looked: datetime | None,
) -> _Counted:
    """Visible events by agency and category, how many are new, how many match the filter.

    One GROUP BY: the counts come from the same pass over the child's rows.
    """

    def counted(conditions: list[ColumnElement[bool]]) -> ColumnElement[Any]:
        return func.sum(case((and_(*conditions), 1), else_=0)) if conditions else func.count()

    fresh = counted([ChildEvent.recorded_at > looked]) if looked is not None else literal(0)
    rows = session.execute(
        select(ChildEvent.organisation_id, ChildEvent.category, func.count(), fresh,
               counted(narrowing))
        .where(*where).group_by(ChildEvent.organisation_id, ChildEvent.category)
    )  # fmt: skip
    held: Counter[tuple[uuid.UUID, str]] = Counter()
    new = matching = 0
    for organisation_id, code, count, newly, matched in rows:
        held[(organisation_id, code)] += count
        new += int(newly or 0)
        matching += int(matched or 0)
    return _Counted(held, new, matching)


def _hidden(session: Session, opened: Opened) -> bool:
    if opened.scope.everything:
        return False
    query = select(ChildEvent.id).where(*opened.about(), not_(opened.visible())).limit(1)
    return session.scalar(query) is not None


def _last_look(
    session: Session, actor: Actor, child_id: uuid.UUID, now: datetime, *, remember: bool
) -> datetime | None:
    """When the person last looked at this chronology; now is remembered for next time.

    Systems (API tokens) have no "last looked"; earlier pages do not count as a new look.
    """
    if actor.kind is not ActorKind.USER or actor.id is None:
        return None
    look = session.get(ChronologyLook, (actor.id, child_id))
    if look is None:
        if remember:
            session.add(ChronologyLook(user_id=actor.id, child_id=child_id, looked_at=now))
        return None
    previous = look.looked_at
    if remember:
        look.looked_at = now
    return previous


def _line(
    row: _Row,
    names: dict[uuid.UUID, str],
    actor: Actor,
    scope: ChronologyScope,
    looked: datetime | None,
) -> EventLine:
    kind = category(row.category)
    return EventLine(
        id=row.id, occurred_at=row.occurred_at, recorded_at=row.recorded_at,
        organisation_id=row.organisation_id, agency=names.get(row.organisation_id, ""),
        category=row.category, label=kind.label, group=kind.group,
        source_system=row.source_system, source_code=row.source_code,
        text=event_text(row.id, row.text_sealed), significant=row.significant,
        new=looked is not None and row.recorded_at > looked,
        may_mark=policy.may_mark_event(actor, scope, row.organisation_id),
    )  # fmt: skip


def _agency_tallies(
    held: Counter[tuple[uuid.UUID, str]], names: dict[uuid.UUID, str]
) -> list[Tally]:
    by_agency: Counter[uuid.UUID] = Counter()
    for (organisation_id, _code), count in held.items():
        by_agency[organisation_id] += count
    tallies = [Tally(str(o), names.get(o, ""), n) for o, n in by_agency.items()]
    return sorted(tallies, key=lambda t: t.label)


def _group_tallies(held: Counter[tuple[uuid.UUID, str]]) -> list[Tally]:
    by_group: Counter[EventGroup] = Counter()
    for (_organisation_id, code), count in held.items():
        by_group[category(code).group] += count
    return [Tally(g.value, GROUP_LABELS[g], by_group[g]) for g in EventGroup if by_group[g]]
