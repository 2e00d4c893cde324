"""Each measure worked out from the rows of its period: pure, so it is tested by hand.

The definitions here are the ones the page's "How these are counted" repeats. Every
duration is in working hours (``rules.WorkingClock``); "now" is when the page was asked for.
Times are instants (``rules.instant``: microseconds since 1970, UTC), as they are read.
Agencies are keys of any kind ``K``: the rows name them as the database gives them (text),
and ``queries`` turns the few that remain into ids.
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Generic, TypeVar

from jigsaw.consultations.rules import ConsultationOutcome, ConsultationState
from jigsaw.core.working_time import LONDON
from jigsaw.mash.rules import ContactState, Outcome
from jigsaw.measures.rules import (
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
ContactRow = tuple[int, int | None, ContactState, Outcome | None, K, int | None]
# received, decided, state, outcome, source organisation, the child's previous contact here
FeedbackRow = tuple[int, int | None]  # decided, feedback sent
RequestRow = tuple[K, int, int, int | None]  # agency asked, asked, due, answered
ConsultationRow = tuple[ConsultationState, ConsultationOutcome | None, int, int, int | None]
# state, outcome, created, due, advised

_DAY = 86_400_000_000  # microseconds
_SURELY_WITHIN, _SURELY_OLDER = 364 * _DAY, 367 * _DAY


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


def count_per_day(rows: Iterable[ContactRow[K]], period: Period) -> DailyContacts[K]:
    """Contacts received in the period, per London date of receipt and source agency."""
    days = period.days
    # Each day's first moment: a contact's London date is the last day begun by its receipt.
    starts = [instant(datetime.combine(day, time(), LONDON)) for day in days]
    counts: Counter[tuple[date, K]] = Counter()
    for received, *_rest, source, _previous in rows:
        counts[(days[bisect_right(starts, received) - 1], source)] += 1
    by_day: Counter[date] = Counter()
    by_source: Counter[K] = Counter()
    for (day, source), count in counts.items():
        by_day[day] += count
        by_source[source] += count
    return DailyContacts(
        days=days, sources=_busiest(by_source), counts=dict(counts),
        by_day=dict(by_day), by_source=dict(by_source), total=sum(by_source.values()),
    )  # fmt: skip


def time_to_decision(
    rows: Iterable[ContactRow[K]], clock: WorkingClock, *, day: int, now: int
) -> DecisionTimes[K]:
    """Contacts received in the period: working hours to decision and decided within a day.

    A decision is due within one working day of the referral (guidance.md §3.4).

    The median and 90th percentile are of the decided contacts' working hours from received
    to decided. "Within one working day" counts contacts decided no later than one working
    day (``day``, in microseconds) after they were received, of the contacts decided, or
    undecided and already past that time ``now``; rejected and withdrawn contacts are in
    neither.
    """
    rows = list(rows)
    decided_rows = [row for row in rows if row[1] is not None]
    hours, in_time = clock.timed_many([r[0] for r in decided_rows],
                                      [r[1] or 0 for r in decided_rows], day)  # fmt: skip
    on_time: Counter[K] = Counter()
    settled: Counter[K] = Counter()
    states: Counter[ContactState] = Counter()
    outcomes: Counter[Outcome] = Counter()
    for (_received, _decided, _state, outcome, source, _previous), timely in zip(
        decided_rows, in_time, strict=True
    ):
        if outcome is not None:
            outcomes[outcome] += 1
        settled[source] += 1
        on_time[source] += timely
    for received, decided, state, _outcome, source, _previous in rows:
        states[state] += 1
        if decided is None and state.is_open and not clock.timed_at(received, now, day)[1]:
            settled[source] += 1
    return DecisionTimes(
        decided=len(hours), median_hours=median(hours), p90_hours=percentile_90(hours),
        within_one_day=Share(sum(on_time.values()), sum(settled.values())),
        within_one_day_by_source={s: Share(on_time[s], n) for s, n in settled.items()},
        outcomes={outcome: outcomes[outcome] for outcome in Outcome},
        undecided=sum(n for state, n in states.items() if state.is_open),
        rejected=states[ContactState.REJECTED], revoked=states[ContactState.REVOKED],
    )  # fmt: skip


def time_to_feedback(rows: Iterable[FeedbackRow], clock: WorkingClock) -> FeedbackTimes:
    """Contacts decided in the period: feedback sent to the referrer, and how soon.

    The share is of contacts decided in the period whose feedback has been sent; the median
    is of the working hours from the decision to the feedback being sent.
    """
    rows = list(rows)
    sent = [(decided_at, sent_at) for decided_at, sent_at in rows if sent_at is not None]
    hours = clock.hours_many([d for d, _ in sent], [s for _, s in sent])
    return FeedbackTimes(sent=Share(len(hours), len(rows)), median_hours=median(hours))


def partner_responses(
    rows: Iterable[RequestRow[K]], clock: WorkingClock, *, now: int
) -> list[PartnerLine[K]]:
    """Partner checks asked in the period, per agency asked, then every agency together.

    Answered by their due time: answered no later than due, of the checks answered or
    unanswered and already past due ``now``. The median is of answered checks' working
    hours from asked to answered.
    """
    hours: defaultdict[K, list[float]] = defaultdict(list)
    asked: Counter[K] = Counter()
    on_time: Counter[K] = Counter()
    settled: Counter[K] = Counter()
    rows = list(rows)
    answered = [(agency, a, d, done) for agency, a, d, done in rows if done is not None]
    taken = clock.hours_many([a for _, a, _, _ in answered], [done for *_, done in answered])
    for (agency, _asked, due, done), spent in zip(answered, taken, strict=True):
        hours[agency].append(spent)
        settled[agency] += 1
        on_time[agency] += done <= due
    for agency, _asked, due, reply in rows:
        asked[agency] += 1
        if reply is None and due < now:
            settled[agency] += 1
    lines = [
        PartnerLine(agency, n, len(hours[agency]), median(hours[agency]),
                    Share(on_time[agency], settled[agency]))
        for agency, n in ((a, asked[a]) for a in _busiest(asked))
    ]  # fmt: skip
    every = [h for agency_hours in hours.values() for h in agency_hours]
    total: PartnerLine[K] = PartnerLine(None, asked.total(), len(every), median(every),
                        Share(on_time.total(), settled.total()))  # fmt: skip
    return [*lines, total]


def consultation_figures(
    rows: Iterable[ConsultationRow], clock: WorkingClock, *, now: int
) -> ConsultationFigures:
    """Consultations created in the period: outcomes, still waiting, advice on time.

    Advised by due time: advised no later than due, of the consultations advised or still
    waiting and already past due ``now``; withdrawn ones are in neither. The median is of
    advised consultations' working hours from created to advised.
    """
    states: Counter[ConsultationState] = Counter()
    outcomes: Counter[ConsultationOutcome] = Counter()
    rows = list(rows)
    advised = [(created, done) for _s, _o, created, _d, done in rows if done is not None]
    hours = clock.hours_many([c for c, _ in advised], [done for _, done in advised])
    on_time = settled = 0
    for state, outcome, _created_at, due_at, advised_at in rows:
        states[state] += 1
        if advised_at is not None:
            if outcome is not None:
                outcomes[outcome] += 1
            settled += 1
            on_time += advised_at <= due_at
        elif state is ConsultationState.REQUESTED and due_at < now:
            settled += 1
    return ConsultationFigures(
        created=states.total(), outcomes={o: outcomes[o] for o in ConsultationOutcome},
        waiting=states[ConsultationState.REQUESTED],
        withdrawn=states[ConsultationState.WITHDRAWN], median_hours=median(hours),
        advised_by_due=Share(on_time, settled),
    )  # fmt: skip


def repeat_contacts(rows: Sequence[ContactRow[K]]) -> Share:
    """Contacts received in the period that are repeats, of all contacts received in it.

    A repeat is about an identified child with another contact at the same MASH (from any
    agency) received before it and on or after the same London date and time a year earlier.
    Each row carries when the child's latest contact before it was received (None: no
    earlier contact, or no identified child).
    """
    repeats = 0
    for received, *_rest, previous in rows:
        if previous is None or received - previous > _SURELY_OLDER:
            continue
        # A year back is 365 or 366 days, give or take the clocks' hour: check closely only
        # near that edge (the check converts to London time, which is slow over many rows).
        repeats += received - previous < _SURELY_WITHIN or (
            previous >= instant(a_year_before(moment_at(received)))
        )
    return Share(repeats, len(rows))


def _busiest(counts: Counter[K]) -> list[K]:
    """Keys by count, largest first; ties in a fixed order whatever order rows came in."""
    return sorted(counts, key=lambda key: (-counts[key], str(key)))
