"""Online lookup: how long "Find a child" takes server-side at 100,000 and 1,000,000 children.

Each search is the whole service call a page or API request makes (`children.find_children`):
candidates by blocking keys, their match records, scoring and explanation, the access checks,
and the audit rows of every child shown, committed. 1,000 searches per index (after 50 to warm
up), timed one by one; p50 and p99 of those. The answer of a search is its best result when
that is a "match" (p >= 0.95): right if it is the child searched for, wrong otherwise; a search
for a child in the index with no such answer is a miss. Precision, recall and F1 follow.

The indexes are built once (bench/lookup_index.py) and kept: SQLite files under var/bench/, and
PostgreSQL databases named ``jigsaw_bench_lookup_<size>`` beside the one
``JIGSAW_BENCH_DATABASE_URL`` names (PostgreSQL runs only when that is set).
"""

import os
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, make_url, text

import lookup_index
from harness import Figure, Measurement
from jigsaw import migrations
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.children.search import SearchResult, find_children
from jigsaw.config import normalise_database_url
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.matching import Band

SIZES = (100_000, 1_000_000)
SEARCHES = 1_000
WARM_UP = 50
P99_TARGET_MS = 20.0
FOLDER = Path(__file__).parent.parent / "var" / "bench"
PG_URL = os.environ.get("JIGSAW_BENCH_DATABASE_URL")

# A designated safeguarding lead at a school: searches as a practitioner does.
ACTOR = Actor.user(
    uuid.UUID(int=1),
    organisation_id=uuid.UUID(int=2),
    agency_kind=AgencyKind.SCHOOL,
    roles=frozenset({Role.DESIGNATED_SAFEGUARDING_LEAD}),
)


@dataclass(frozen=True)
class Quality:
    """Right and wrong answers of a set of searches."""

    right: int
    wrong: int
    missed: int

    @property
    def precision(self) -> float:
        return self.right / max(1, self.right + self.wrong)

    @property
    def recall(self) -> float:
        return self.right / max(1, self.right + self.wrong + self.missed)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def judge(answers: list[uuid.UUID | None], truths: list[uuid.UUID | None]) -> Quality:
    """Count right, wrong and missed answers against the truth."""
    right = wrong = missed = 0
    for answer, truth in zip(answers, truths, strict=True):
        if answer is None:
            missed += truth is not None
        elif answer == truth:
            right += 1
        else:
            wrong += 1
    return Quality(right, wrong, missed)


def answer_of(results: list[SearchResult]) -> uuid.UUID | None:
    """A search's answer: its best result when that is a match."""
    if results and results[0].match.band is Band.MATCH:
        return results[0].child_id
    return None


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * len(ordered)) - 1)]


def time_searches(
    engine: Engine, found: list[lookup_index.Search], *, warm_up: int = WARM_UP
) -> tuple[list[float], Quality]:
    """Run every search as the service does; give each one's seconds and the answers' quality.

    The first ``warm_up`` searches are run untimed and left out of the quality too.
    """
    uow = UnitOfWork(make_session_factory(engine))
    for search in found[:warm_up]:
        find_children(uow, ACTOR, query=search.query)
    seconds, answers = [], []
    for search in found[warm_up:]:
        started = time.perf_counter()
        results = find_children(uow, ACTOR, query=search.query)
        seconds.append(time.perf_counter() - started)
        answers.append(answer_of(results))
    return seconds, judge(answers, [search.truth for search in found[warm_up:]])


def postgres_index(index: lookup_index.SyntheticIndex) -> Engine:
    """A PostgreSQL database holding ``index``, built once (beside the named bench database)."""
    assert PG_URL is not None  # noqa: S101 - only called when set
    url = make_url(normalise_database_url(PG_URL))
    name = f"jigsaw_bench_lookup_{len(index.ids)}_{lookup_index.keys_version()}"
    admin = make_engine(url.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    if not migrations.is_at_head(engine) or lookup_index.count_children(engine) != len(index.ids):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        migrations.upgrade(engine)
        lookup_index.load(engine, index)
    return engine


def lookup_figures(engine_for: Callable[[lookup_index.SyntheticIndex], Engine]) -> list[Figure]:
    """p50 and p99 latency and answer quality at each size."""
    figures = []
    for size in SIZES:
        index = lookup_index.generate(size)
        engine = engine_for(index)
        seconds, quality = time_searches(engine, lookup_index.searches(index, SEARCHES + WARM_UP))
        engine.dispose()
        label = f"{size:,} children"
        p99 = percentile(seconds, 0.99) * 1000
        figures += [
            Figure(f"p50, {label}", f"{statistics.median(seconds) * 1000:.1f} ms"),
            Figure(
                f"p99, {label}",
                f"{p99:.1f} ms",
                target=f"<= {P99_TARGET_MS:.0f} ms at 1,000,000" if size == SIZES[-1] else "",
                met=p99 <= P99_TARGET_MS if size == SIZES[-1] else None,
            ),
            Figure(
                f"answers, {label}",
                f"precision {quality.precision:.3f}, recall {quality.recall:.3f}, "
                f"F1 {quality.f1:.3f}",
            ),
        ]
    return figures


HOW = (
    f"{SEARCHES:,} searches per index, each the whole `find_children` service call (candidates, "
    "scoring, explanation, access checks, audit rows committed), timed one by one after "
    f"{WARM_UP} warm-up searches; 10% are for children not in the index. Synthetic index: "
    "bench/lookup_index.py."
)

BENCHMARKS = [
    Measurement(
        "lookup: find a child (SQLite)",
        lambda: lookup_figures(lambda index: lookup_index.sqlite_index(FOLDER, index)),
        how=HOW,
    ),
]
if PG_URL and "bench" in PG_URL:
    BENCHMARKS.append(Measurement("lookup: find a child (PostgreSQL)",
                                  lambda: lookup_figures(postgres_index), how=HOW))  # fmt: skip
