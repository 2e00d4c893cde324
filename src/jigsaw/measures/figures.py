"""Each measure worked out from the rows of its period: pure, so it is tested by hand.

The definitions here are the ones the page's "How these are counted" repeats. Every
duration is in working hours (``rules.WorkingClock``); "now" is when the page was asked for.
Times are instants (``rules.instant``: microseconds since 1970, UTC), as they are read.
Agencies are keys of any kind ``K``: the rows name them as the database gives them (text),
and ``queries`` turns the few that remain into ids.

A period's rows come as columns (``Contacts``, ``Decisions``, ``Checks``, ``Advice``): a
month of a busy MASH is thousands of rows, and each figure is a few passes over arrays
rather than a Python loop over tuples. Enum values and agencies, a few values over and over,
are coded as numbers (``Coded``) and counted as such. ``Contacts.of_rows`` makes columns of
rows written out by hand.
"""

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from jigsaw.consultations.rules import ConsultationOutcome, ConsultationState
from jigsaw.core.working_time import LONDON
from jigsaw.mash.rules import ContactState, Outcome
from jigsaw.measures.rules import (
    MISSING,
    Instants,
    Period,
    Share,
    WorkingClock,
    a_year_before,
    instant,
    median,
    moment_at,
    percentile_90,
)

K = TypeVar("K", bound=Hashable)
J = TypeVar("J", bound=Hashable)
V = TypeVar("V", bound=Hashable)
ContactRow = tuple[int, int | None, ContactState, Outcome | None, K, int | None]
# received, decided, state, outcome, source organisation, the child's previous contact here
Codes = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]

_DAY = 86_400_000_000  # microseconds
_SURELY_WITHIN, _SURELY_OLDER = 364 * _DAY, 367 * _DAY
_OPEN_STATES = frozenset(state.value for state in ContactState if state.is_open)
_WAITING = frozenset({ConsultationState.REQUESTED.value})


@dataclass(frozen=True, slots=True)
class Coded(Generic[V]):
    """A column of a few values over and over (states, agencies): each row's as its place."""

    codes: Codes  # each row's value, as its place in ``values``
    values: list[V]

    @classmethod
    def of(cls, column: Iterable[V]) -> "Coded[V]":
        """The column coded, its values in the order first seen."""
        column = list(column)
        values = list(dict.fromkeys(column))
        places = {value: n for n, value in enumerate(values)}
        codes = np.fromiter(map(places.__getitem__, column), dtype=np.intp, count=len(column))
        return cls(codes, values)

    def __getitem__(self, rows: Mask) -> "Coded[V]":
        """The rows chosen."""
        return Coded(self.codes[rows], self.values)

    def counts(self) -> dict[V, int]:
        """How many rows hold each value (values no row holds left out)."""
        counted = np.bincount(self.codes, minlength=len(self.values)).tolist()
        return {value: n for value, n in zip(self.values, counted, strict=True) if n}

    def holds(self, wanted: Collection[V]) -> Mask:
        """Whether each row's value is one of ``wanted``."""
        return np.array([value in wanted for value in self.values], dtype=np.bool_)[self.codes]


@dataclass(frozen=True, slots=True)
class Contacts(Generic[K]):
    """Contacts received in the period, a column each: row n of every column is one contact."""

    received: Instants
    decided: Instants  # MISSING: not decided
    states: Coded[str]  # ContactState values
    outcomes: Coded[str]  # Outcome values, "" for none
    sources: Coded[K]
    previous: Instants  # the child's latest earlier contact here; MISSING: none

    @classmethod
    def of_rows(cls, rows: Iterable[ContactRow[K]]) -> "Contacts[K]":
        """Columns of rows (tuples written out by hand)."""
        rows = list(rows)
        return cls(
            received=_instants([row[0] for row in rows]),
            decided=_instants([row[1] for row in rows]),
            states=Coded.of(row[2].value for row in rows),
            outcomes=Coded.of(row[3].value if row[3] else "" for row in rows),
            sources=Coded.of(row[4] for row in rows), previous=_instants([row[5] for row in rows]),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decisions:
    """Contacts decided in the period: when, and when the feedback on each was sent."""

    decided: Instants
    sent: Instants  # MISSING: not sent


@dataclass(frozen=True, slots=True)
class Checks(Generic[K]):
    """Partner checks asked in the period, a column each."""

    asked_of: Coded[K]
    asked: Instants
    due: Instants
    answered: Instants  # MISSING: not answered


@dataclass(frozen=True, slots=True)
class Advice:
    """Consultations created in the period, a column each."""

    states: Coded[str]  # ConsultationState values
    outcomes: Coded[str]  # ConsultationOutcome values, "" for none
    created: Instants
    due: Instants
    advised: Instants  # MISSING: not advised


def _instants(values: Iterable[int | None]) -> Instants:
    return np.array([MISSING if v is None else v for v in values], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class DailyContacts(Generic[K]):
    """Contacts received in the period, per London date and source agency."""

    days: list[date]
    sources: list[K]  # agencies with at least one contact, most contacts first
    counts: dict[tuple[date, K], int]
    by_day: dict[date, int]
    by_source: dict[K, int]
    total: int

    def rekeyed(self, key: Callable[[K], J]) -> "DailyContacts[J]":
        """The same figures with each agency's key converted."""
        return DailyContacts(
            days=self.days, sources=[key(s) for s in self.sources],
            counts={(day, key(s)): n for (day, s), n in self.counts.items()},
            by_day=self.by_day, by_source={key(s): n for s, n in self.by_source.items()},
            total=self.total,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DecisionTimes(Generic[K]):
    """Contacts received in the period: how long decisions took and what they were."""

    decided: int
    median_hours: float | None
    p90_hours: float | None
    within_one_day: Share
    within_one_day_by_source: dict[K, Share]
    outcomes: dict[Outcome, int]  # every outcome, 0 included, in the rules' order
    undecided: int  # still being worked
    rejected: int
    revoked: int

    def rekeyed(self, key: Callable[[K], J]) -> "DecisionTimes[J]":
        """The same figures with each agency's key converted."""
        return DecisionTimes(
            decided=self.decided, median_hours=self.median_hours, p90_hours=self.p90_hours,
            within_one_day=self.within_one_day,
            within_one_day_by_source={key(s): n for s, n in
                                      self.within_one_day_by_source.items()},
            outcomes=self.outcomes, undecided=self.undecided, rejected=self.rejected,
            revoked=self.revoked,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeedbackTimes:
    """Contacts decided in the period: feedback sent to the referrer, and how soon."""

    sent: Share  # feedback sent, of contacts decided
    median_hours: float | None


@dataclass(frozen=True, slots=True)
class PartnerLine(Generic[K]):
    """Partner checks asked of one agency in the period."""

    organisation_id: K | None  # None: every agency together
    asked: int
    answered: int
    median_hours: float | None
    answered_by_due: Share

    def rekeyed(self, key: Callable[[K], J]) -> "PartnerLine[J]":
        """The same figures with the agency's key converted."""
        agency = None if self.organisation_id is None else key(self.organisation_id)
        return PartnerLine(agency, self.asked, self.answered, self.median_hours,
                           self.answered_by_due)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConsultationFigures:
    """Consultations created in the period: their outcomes and how soon advice came."""

    created: int
    outcomes: dict[ConsultationOutcome, int]  # advised, by outcome, 0 included
    waiting: int
    withdrawn: int
    median_hours: float | None
    advised_by_due: Share


def count_per_day(
    contacts: "Contacts[K] | Iterable[ContactRow[K]]", period: Period
) -> DailyContacts[K]:
    """Contacts received in the period, per London date of receipt and source agency."""
    if not isinstance(contacts, Contacts):
        contacts = Contacts.of_rows(contacts)
    sources = contacts.sources
    days, width = period.days, len(sources.values)
    # Each day's first moment: a contact's London date is the last day begun by its receipt.
    starts = np.array([instant(datetime.combine(day, time(), LONDON)) for day in days])
    on_day = np.searchsorted(starts, contacts.received, side="right") - 1
    grid = np.bincount(on_day * width + sources.codes, minlength=len(days) * width)
    grid = grid.reshape(len(days), width)
    counts = {
        (days[d], sources.values[s]): n
        for d, s, n in zip(*np.nonzero(grid), grid[grid > 0].tolist(), strict=True)
    }
    by_day = {days[d]: n for d, n in enumerate(grid.sum(axis=1).tolist()) if n}
    by_source = {sources.values[s]: n for s, n in enumerate(grid.sum(axis=0).tolist()) if n}
    return DailyContacts(
        days=days, sources=_busiest(by_source), counts=counts, by_day=by_day,
        by_source=by_source, total=sum(by_source.values()),
    )  # fmt: skip


def time_to_decision(
    contacts: Contacts[K], clock: WorkingClock, *, day: int, now: int
) -> DecisionTimes[K]:
    """Contacts received in the period: working hours to decision and decided within a day.

    A decision is due within one working day of the referral (guidance.md §3.4).

    The median and 90th percentile are of the decided contacts' working hours from received
    to decided. "Within one working day" counts contacts decided no later than one working
    day (``day``, in microseconds) after they were received, of the contacts decided, or
    undecided and already past that time ``now``; rejected and withdrawn contacts are in
    neither.
    """
    c, sources = contacts, contacts.sources.codes
    decided = c.decided != MISSING
    hours, in_time = clock.timed_many(c.received[decided], c.decided[decided], day)
    hours.sort()  # once, for the median and the 90th percentile
    waiting = np.flatnonzero(~decided & c.states.holds(_OPEN_STATES))
    _, timely = clock.timed_many(c.received[waiting], np.full(waiting.size, now), day)
    late = waiting[~np.asarray(timely, dtype=np.bool_)]
    # Due a decision: decided, or undecided and past due; agencies in the order first due.
    due = np.concatenate([sources[decided], sources[late]])
    width = len(c.sources.values)
    settled = np.bincount(due, minlength=width).tolist()
    on_time = np.bincount(sources[decided], weights=np.asarray(in_time, dtype=np.int64),
                          minlength=width).astype(np.int64).tolist()  # fmt: skip
    order = due[np.sort(np.unique(due, return_index=True)[1])].tolist()
    outcomes, states = c.outcomes[decided].counts(), c.states.counts()
    return DecisionTimes(
        decided=len(hours), median_hours=median(hours), p90_hours=percentile_90(hours),
        within_one_day=Share(sum(on_time), sum(settled)),
        within_one_day_by_source={c.sources.values[s]: Share(on_time[s], settled[s])
                                  for s in order},
        outcomes={outcome: outcomes.get(outcome.value, 0) for outcome in Outcome},
        undecided=sum(n for state, n in states.items() if state in _OPEN_STATES),
        rejected=states.get(ContactState.REJECTED.value, 0),
        revoked=states.get(ContactState.REVOKED.value, 0),
    )  # fmt: skip


def time_to_feedback(decisions: Decisions, clock: WorkingClock) -> FeedbackTimes:
    """Contacts decided in the period: feedback sent to the referrer, and how soon.

    The share is of contacts decided in the period whose feedback has been sent; the median
    is of the working hours from the decision to the feedback being sent.
    """
    sent = decisions.sent != MISSING
    hours = clock.hours_many(decisions.decided[sent], decisions.sent[sent])
    return FeedbackTimes(sent=Share(len(hours), decisions.decided.size),
                         median_hours=median(hours))  # fmt: skip


def partner_responses(checks: Checks[K], clock: WorkingClock, *, now: int) -> list[PartnerLine[K]]:
    """Partner checks asked in the period, per agency asked, then every agency together.

    Answered by their due time: answered no later than due, of the checks answered or
    unanswered and already past due ``now``. The median is of answered checks' working
    hours from asked to answered.
    """
    k, agencies = checks, checks.asked_of.values
    width, asked_of = len(agencies), checks.asked_of.codes
    answered = k.answered != MISSING
    taken = np.asarray(clock.hours_many(k.asked[answered], k.answered[answered]))
    by = asked_of[answered]
    asked = np.bincount(asked_of, minlength=width).tolist()
    replies = np.bincount(by, minlength=width).tolist()
    on_time = np.bincount(by, weights=k.answered[answered] <= k.due[answered], minlength=width)
    overdue = np.bincount(asked_of[~answered & (k.due < now)], minlength=width).tolist()
    lines = []
    for agency in _busiest(dict(zip(agencies, asked, strict=True))):
        n = agencies.index(agency)
        lines.append(PartnerLine(agency, asked[n], replies[n], median(taken[by == n].tolist()),
                                 Share(int(on_time[n]), replies[n] + overdue[n])))  # fmt: skip
    total: PartnerLine[K] = PartnerLine(None, sum(asked), int(answered.sum()),
                        median(taken.tolist()),
                        Share(int(on_time.sum()), sum(replies) + sum(overdue)))  # fmt: skip
    return [*lines, total]


def consultation_figures(advice: Advice, clock: WorkingClock, *, now: int) -> ConsultationFigures:
    """Consultations created in the period: outcomes, still waiting, advice on time.

    Advised by due time: advised no later than due, of the consultations advised or still
    waiting and already past due ``now``; withdrawn ones are in neither. The median is of
    advised consultations' working hours from created to advised.
    """
    a = advice
    advised = a.advised != MISSING
    hours = clock.hours_many(a.created[advised], a.advised[advised])
    waiting = a.states.holds(_WAITING)
    states, outcomes = a.states.counts(), a.outcomes[advised].counts()
    on_time = int((advised & (a.advised <= a.due)).sum())
    settled = int(advised.sum() + (~advised & waiting & (a.due < now)).sum())
    return ConsultationFigures(
        created=a.created.size, outcomes={o: outcomes.get(o.value, 0) for o in ConsultationOutcome},
        waiting=int(waiting.sum()),
        withdrawn=states.get(ConsultationState.WITHDRAWN.value, 0), median_hours=median(hours),
        advised_by_due=Share(on_time, settled),
    )  # fmt: skip


def repeat_contacts(contacts: Contacts[K]) -> Share:
    """Contacts received in the period that are repeats, of all contacts received in it.

    A repeat is about an identified child with another contact at the same MASH (from any
    agency) received before it and on or after the same London date and time a year earlier.
    Each row carries when the child's latest contact before it was received (MISSING: no
    earlier contact, or no identified child).
    """
    received, previous = contacts.received, contacts.previous
    known = previous != MISSING
    since = np.where(known, received - np.where(known, previous, 0), _SURELY_OLDER + 1)
    repeats = int((since < _SURELY_WITHIN).sum())
    # A year back is 365 or 366 days, give or take the clocks' hour: check closely only
    # near that edge (the check converts to London time, which is slow over many rows).
    for row in np.flatnonzero((since >= _SURELY_WITHIN) & (since <= _SURELY_OLDER)).tolist():
        at = int(received[row])
        repeats += int(previous[row]) >= instant(a_year_before(moment_at(at)))
    return Share(repeats, received.size)


def _busiest(counts: Mapping[K, int]) -> list[K]:
    """Keys by count, largest first; ties in a fixed order whatever order rows came in."""
    return sorted(counts, key=lambda key: (-counts[key], str(key)))
