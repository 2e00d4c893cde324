"""Linking a roster: every row checked, matched against the index, and decided in one transaction.

Reading the index and matching happen before the write transaction opens (matching a large
roster takes a while, and SQLite writers take the database's one write lock); the write
transaction then checks again what could have changed meanwhile (a child restricted or
merged, an involvement or local id recorded) before recording anything.
"""

import uuid
from collections import Counter, namedtuple
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from jigsaw import audit
from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.models import InvolvementRole
from jigsaw.accounts import Organisation
from jigsaw.children.search import matching_model
from jigsaw.core import clock
from jigsaw.core.db import insert_many
from jigsaw.core.errors import Invalid
from jigsaw.core.memory import collector_paused
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import queries, rules
from jigsaw.linking.models import LinkReview, LinkReviewStatus, LinkRun
from jigsaw.linking.roster import RosterRow, RowError, parse_roster
from jigsaw.linking.rules import Decision, RowDecision
from jigsaw.linking.services import recording
from jigsaw.matching import Band, PersonRecord
from jigsaw.matching import batch as matcher
from jigsaw.matching.batch import Candidate

KNOWN_BY_LOCAL_ID = "already linked to this child by your local id"
LOCAL_ID_NAMES_ANOTHER = "your local id already names another child, so it was not recorded"
NOTHING_MATCHED = "no child in the index matched"
ADDED = "no child in the index matched, so the child was added"
WAITING = "already waiting for a person in your organisation to check"
CHECKED_BEFORE = "checked before: a person found none of the children was this child"


class RosterRejected(Invalid):
    """Rows of a roster have problems, so nothing in it was linked; ``problems`` lists them all."""

    def __init__(self, problems: list[RowError], local_ids: dict[int, str]) -> None:
        super().__init__({"roster": f"The roster has {len(problems)} problems"})
        self.problems = problems
        self.local_ids = local_ids


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    """A linked roster: the run with its counts, and each row's decision."""

    run: LinkRun
    decisions: list[RowDecision]


def link_roster(
    uow: UnitOfWork,
    actor: Actor,
    *,
    organisation_id: uuid.UUID,
    roster: bytes,
    role: str | None = None,
    create: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LinkOutcome:
    """Link an organisation's roster to the child index, all of it or (if any row is bad) none.

    Matches record (or confirm) the organisation's involvement and its local id; possible
    matches are queued for a person; the rest are reported, or added with ``create``.

    Raises:
        NotFound: no such organisation, or the actor may not link its roster.
        Invalid: the role is not one a roster records.
        RosterRejected: rows have problems (every one listed); nothing was linked.
    """
    with uow:
        organisation = queries.access_organisation_roster(uow, actor, organisation_id)
    chosen = rules.roster_role(organisation.kind, role)
    if chosen is None:
        raise Invalid({"role": "Choose how your organisation works with these children"})
    with collector_paused():
        parsed = parse_roster(roster, today=clock.today())
        if parsed.errors:
            raise RosterRejected(parsed.errors, parsed.local_ids)
        return _link(uow, actor, organisation, chosen, parsed.rows, create=create,
                     progress=progress)  # fmt: skip


def _link(
    uow: UnitOfWork,
    actor: Actor,
    organisation: Organisation,
    role: InvolvementRole,
    rows: list[RosterRow],
    *,
    create: bool,
    progress: Callable[[int], None] | None,
) -> LinkOutcome:
    """Match checked rows against the index, then decide and record them in one transaction."""
    started = clock.now()
    with uow:
        index = queries.index_frame(uow)
    found = matcher.link(_roster_frame(rows), index, matching_model(), progress=progress)
    records = _candidate_records(index, found)
    del index
    with uow:
        recorder = _Recorder(uow.session, organisation, role, rows, create=create)
        decisions = recorder.decide(found, records)
        run = recorder.write(actor, started=started, decisions=decisions)
        _audit(uow, actor, run, recorder)
        uow.commit()
    return LinkOutcome(run=run, decisions=decisions)


def _roster_frame(rows: list[RosterRow]) -> pd.DataFrame:
    """The roster as batch linking wants it: ``record_id`` is the row number."""
    records = []
    for row in rows:
        person = row.person()
        records.append(
            {
                "record_id": str(row.row_number),
                "given_names": person.given_names,
                "family_name": person.family_name,
                "previous_family_names": "|".join(person.previous_family_names),
                "date_of_birth": person.date_of_birth,
                "sex": person.sex,
                "postcode": person.postcode,
                "nhs_number": person.nhs_number,
                "upn": person.upn,
                "household_key": None,
            }
        )
    return pd.DataFrame(records, columns=list(matcher.INDEX_COLUMNS))


def _candidate_records(
    index: pd.DataFrame, found: dict[str, list[Candidate]]
) -> dict[str, PersonRecord]:
    """The index records of every candidate (for the twin and sibling checks)."""
    wanted = pa.array(list({c.record_id for candidates in found.values() for c in candidates}),
                      type=pa.string())  # fmt: skip
    table = pa.Table.from_pandas(index, preserve_index=False)
    chosen = table.filter(pc.is_in(table["record_id"], value_set=wanted))
    row = namedtuple("row", chosen.column_names)  # type: ignore[misc]
    columns = [chosen[name].to_pylist() for name in chosen.column_names]
    return {
        values[0]: matcher.person_from_series(row(*values)) for values in zip(*columns, strict=True)
    }


def _audit(uow: UnitOfWork, actor: Actor, run: LinkRun, recorder: "_Recorder") -> None:
    """The run, and each child it added or newly involved the organisation with.

    The local ids recorded are listed by the run's decisions file, not audited one by one:
    a school's roll sent each term would otherwise add a line per pupil for nothing new.
    """
    audit.record(uow, actor, "roster:linked", subject_type="link_run", subject_id=run.id)
    audit.record_many(uow, actor, "child:recorded", subject_type="child",
                      subject_ids=recorder.created_ids)  # fmt: skip
    audit.record_many(uow, actor, "involvement:recorded", subject_type="child",
                      subject_ids=recorder.involved_ids)  # fmt: skip
    audit.record_many(uow, actor, "link_review:queued", subject_type="link_review",
                      subject_ids=recorder.review_ids)  # fmt: skip


@dataclass(slots=True)
class _Plan:
    """What is to become of one row, before rows that chose the same child are compared."""

    row: RosterRow
    decision: Decision
    child_id: uuid.UUID | None = None
    candidates: tuple[tuple[uuid.UUID, Candidate], ...] = ()
    explanation: str = ""


class _Recorder:
    """Decides every row against what the database holds now, then writes it all at once."""

    def __init__(
        self,
        session: Session,
        organisation: Organisation,
        role: InvolvementRole,
        rows: list[RosterRow],
        *,
        create: bool,
    ) -> None:
        self.session, self.organisation, self.role = session, organisation, role
        self.rows, self.create = rows, create
        self.today, self.now = clock.today(), clock.now()
        self.run_id = uuid.uuid4()
        self.local_ids = recording.LocalIds(
            session, organisation.id, [row.local_id for row in rows if row.local_id]
        )
        self.involved = recording.involved_children(session, organisation.id, role)
        self.reviewed = _reviewed_rows(session, organisation.id)
        self.created_ids: list[uuid.UUID] = []
        self.involved_ids: list[uuid.UUID] = []
        self.review_ids: list[uuid.UUID] = []
        self.reviews: list[dict[str, object]] = []

    def decide(
        self, found: dict[str, list[Candidate]], records: dict[str, PersonRecord]
    ) -> list[RowDecision]:
        """Each row's decision, in roster order."""
        known = [self.local_ids.child_for(row.local_id) for row in self.rows]
        ids = {c.record_id: uuid.UUID(c.record_id) for cs in found.values() for c in cs}
        usable = recording.still_usable(self.session, [*filter(None, known), *ids.values()])
        plans = []
        for row, known_child in zip(self.rows, known, strict=True):
            candidates = tuple(
                (ids[c.record_id], c)
                for c in found.get(str(row.row_number), ())
                if ids[c.record_id] in usable
            )
            plans.append(self._plan(row, known_child if known_child in usable else None,
                                    candidates, records))  # fmt: skip
        _hold_back_shared_children(plans)
        return [self._settle(plan) for plan in plans]

    def _plan(
        self,
        row: RosterRow,
        known: uuid.UUID | None,
        candidates: tuple[tuple[uuid.UUID, Candidate], ...],
        records: dict[str, PersonRecord],
    ) -> _Plan:
        if known is not None:
            return _Plan(row, Decision.MATCHED, known, explanation=KNOWN_BY_LOCAL_ID)
        if not candidates:
            return _Plan(row, Decision.CREATED if self.create else Decision.NO_MATCH)
        best_id, best = candidates[0]
        if rules.may_link_automatically(row.person(), [c for _i, c in candidates], records):
            return _Plan(row, Decision.MATCHED, best_id, candidates,
                         rules.plain_explanation(best.match))  # fmt: skip
        second = len(candidates) > 1 and candidates[1][1].match.band is Band.MATCH
        why = rules.TWO_MATCHES if second else rules.plain_explanation(best.match)
        return _Plan(row, Decision.POSSIBLE, None, candidates, why)

    def _settle(self, plan: _Plan) -> RowDecision:
        """Note what the plan needs written, and the row's line in the decisions file."""
        row = plan.row
        best = plan.candidates[0][1].match if plan.candidates else None
        line = RowDecision(row.row_number, row.local_id, plan.decision, plan.child_id,
                           best.probability if best else None, best.band.value if best else None,
                           plan.explanation)  # fmt: skip
        if plan.decision is Decision.MATCHED and plan.child_id is not None:
            return self._link(line, plan.child_id)
        if plan.decision is Decision.POSSIBLE:
            return self._queue(line, plan)
        if plan.decision is Decision.CREATED:
            return replace(line, explanation=ADDED)
        return replace(line, explanation=NOTHING_MATCHED)

    def _link(self, line: RowDecision, child_id: uuid.UUID) -> RowDecision:
        if child_id not in self.involved:
            self.involved.add(child_id)
            self.involved_ids.append(child_id)
        if not self.local_ids.add(child_id, line.local_id):
            return replace(line, explanation=f"{line.explanation}; {LOCAL_ID_NAMES_ANOTHER}")
        return line

    def _queue(self, line: RowDecision, plan: _Plan) -> RowDecision:
        identity = plan.row.identity()
        key = _row_key(identity)
        earlier = self.reviewed.get(key)
        if earlier is LinkReviewStatus.OPEN:
            return replace(line, explanation=f"{line.explanation}; {WAITING}")
        if earlier is LinkReviewStatus.REJECTED:
            return replace(line, decision=Decision.NO_MATCH, explanation=CHECKED_BEFORE)
        self.reviewed[key] = LinkReviewStatus.OPEN
        review_id = uuid.uuid4()
        self.review_ids.append(review_id)
        self.reviews.append({
            "id": review_id, "run_id": self.run_id, "organisation_id": self.organisation.id,
            "row_number": plan.row.row_number, "roster_row": identity,
            "candidates": [rules.candidate_json(i, c.match) for i, c in plan.candidates],
            "status": LinkReviewStatus.OPEN,
        })  # fmt: skip
        return line

    def write(self, actor: Actor, *, started: datetime, decisions: list[RowDecision]) -> LinkRun:
        """Record the run, the new children, involvements, local ids and reviews."""
        new_rows = [row for row, d in zip(self.rows, decisions, strict=True)
                    if d.decision is Decision.CREATED]  # fmt: skip
        created = recording.add_children(self.session, self.organisation, new_rows, now=self.now)
        decisions[:] = [
            replace(d, child_id=created[d.row]) if d.decision is Decision.CREATED else d
            for d in decisions
        ]
        for row in new_rows:
            self.local_ids.add(created[row.row_number], row.local_id)
        self.created_ids = list(created.values())
        self.involved_ids.extend(self.created_ids)
        counts = Counter(d.decision for d in decisions)
        run = LinkRun(
            id=self.run_id, organisation_id=self.organisation.id,
            started_by_id=actor.id if actor.kind is ActorKind.USER else None, role=self.role,
            started_at=started, finished_at=clock.now(), rows=len(decisions),
            matched=counts[Decision.MATCHED], possible=counts[Decision.POSSIBLE],
            unmatched=counts[Decision.NO_MATCH], created=counts[Decision.CREATED],
            decisions_csv=rules.decisions_csv(decisions),
        )  # fmt: skip
        self.session.add(run)
        self.session.flush()
        recording.add_involvements(self.session, self.organisation.id, self.role,
                                   self.involved_ids, today=self.today)  # fmt: skip
        self.local_ids.write(self.session)
        if self.reviews:
            insert_many(self.session, recording.table(LinkReview), self.reviews)
        return run


def _hold_back_shared_children(plans: list[_Plan]) -> None:
    """Two rows linked to one child is a warning sign (twins on the roster): a person checks."""
    chosen = Counter(p.child_id for p in plans if p.decision is Decision.MATCHED)
    for plan in plans:
        if plan.candidates and plan.decision is Decision.MATCHED and chosen[plan.child_id] > 1:
            plan.decision, plan.child_id = Decision.POSSIBLE, None
            plan.explanation = rules.SAME_CHILD_TWICE


def _reviewed_rows(session: Session, organisation_id: uuid.UUID) -> dict[str, LinkReviewStatus]:
    """Rows already queued (and waiting) or settled as nobody, so a re-sent roster adds none."""
    query = select(LinkReview.roster_row, LinkReview.status).where(
        LinkReview.organisation_id == organisation_id,
        LinkReview.status.in_([LinkReviewStatus.OPEN, LinkReviewStatus.REJECTED]),
    )
    return {_row_key(identity): status for identity, status in session.execute(query)}


def _row_key(identity: dict[str, str]) -> str:
    return "\x1f".join(f"{key}={identity[key]}" for key in sorted(identity))


@dataclass(frozen=True, slots=True)
class RosterOverview:
    """The actor's organisation's latest runs, and how many possible matches wait."""

    runs: list[LinkRun]
    open_reviews: int


def roster_overview(uow: UnitOfWork, actor: Actor) -> RosterOverview:
    """The latest runs of the actor's organisation (counts only, no personal data)."""
    with uow:
        return RosterOverview(
            runs=queries.list_link_runs(uow, actor),
            open_reviews=queries.count_open_reviews(uow, actor),
        )


def get_link_run(uow: UnitOfWork, actor: Actor, *, run_id: uuid.UUID) -> LinkRun:
    """One run of the actor's organisation, with its counts.

    Raises:
        NotFound: no such run, or another organisation's.
    """
    with uow:
        return queries.access_link_run(uow, actor, run_id)


def download_decisions(uow: UnitOfWork, actor: Actor, *, run_id: uuid.UUID) -> LinkRun:
    """A run's decisions file, for its own organisation only; the download is audited.

    Raises:
        NotFound: no such run, or another organisation's.
    """
    with uow:
        run = queries.access_link_run(uow, actor, run_id)
        audit.record(uow, actor, "roster:decisions_downloaded", subject_type="link_run",
                     subject_id=run.id)  # fmt: skip
        uow.commit()
    return run


def find_organisation(uow: UnitOfWork, actor: Actor, *, reference: str) -> Organisation:
    """The organisation whose roster the actor links, by id, name, URN or ODS code.

    Raises:
        NotFound: none or several answer to the reference, or the actor may not link its roster.
    """
    with uow:
        organisation = queries.get_organisation(uow, reference)
        return queries.access_organisation_roster(uow, actor, organisation.id)
