"""A whole roster link, end to end: a 100,000-row roster against a 1,000,000-child index.

Everything the command does after reading the file is timed: every row checked, the index
read out of the database, every row matched (`matching.batch`), and one transaction writing
the involvements, the local ids, the reviews, the run and the audit rows. The index is the
synthetic million of bench/lookup_index.py on SQLite (a copy, so the kept one is unchanged);
the roster is a school trust's view of 95,000 of its children (with the slips of
`lookup_index.as_typed` and its own ids) and 5,000 children the index does not hold.
"""

import csv
import io
import random
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import lookup_index
from harness import Figure, Measurement
from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts.models import Organisation
from jigsaw.core import clock
from jigsaw.core.db import make_engine, make_session_factory
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking.services import link_roster

INDEX_SIZE = 1_000_000
ROSTER_ROWS = 100_000
NEW_CHILDREN = 5_000
TARGET = 5_000
FOLDER = Path(__file__).parent.parent / "var" / "bench"
COLUMNS = ("given_names", "family_name", "date_of_birth", "local_id", "sex", "postcode",
           "nhs_number", "upn")  # fmt: skip


def roster(index: lookup_index.SyntheticIndex, seed: int = 3) -> bytes:
    """A roster CSV: most rows children of the index as the school has them, some new."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(index.ids)), ROSTER_ROWS - NEW_CHILDREN)
    records = [lookup_index.as_typed(rng, index.records[at], len(index.ids)) for at in chosen]
    records += lookup_index.generate(NEW_CHILDREN, seed=seed + 1).records
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for number, record in enumerate(records):
        writer.writerow([
            record.given_names, record.family_name,
            record.date_of_birth.isoformat() if record.date_of_birth else "",
            f"ADM{number:07d}", record.sex or "", record.postcode or "",
            record.nhs_number or "", record.upn or "",
        ])  # fmt: skip
    return out.getvalue().encode("utf-8")


def link_once() -> list[Figure]:
    """Copy the kept index, add the school, and time one whole link."""
    index = lookup_index.generate(INDEX_SIZE)
    kept = lookup_index.sqlite_index(FOLDER, index)
    kept.dispose()
    source = Path(str(kept.url.database))
    content = roster(index)
    with tempfile.TemporaryDirectory(dir=FOLDER) as folder:
        copy = Path(folder) / "link.db"
        shutil.copyfile(source, copy)
        engine = make_engine(f"sqlite:///{copy}")
        uow = UnitOfWork(make_session_factory(engine))
        school = uuid.uuid4()
        with uow:
            uow.session.add(Organisation(id=school, name="Moorside Academy Trust",
                                         kind=AgencyKind.SCHOOL, identifier_scheme="urn",
                                         identifier="999999", created_at=clock.now()))  # fmt: skip
            uow.commit()
        started = time.perf_counter()
        outcome = link_roster(uow, Actor.system("bench:link"), organisation_id=school,
                              roster=content)  # fmt: skip
        seconds = time.perf_counter() - started
        engine.dispose()
    run = outcome.run
    rate = ROSTER_ROWS / seconds
    return [
        Figure("rows per second", f"{rate:,.0f}", target=f">= {TARGET:,}", met=rate >= TARGET),
        Figure("time", f"{seconds:.1f} s"),
        Figure(
            "decisions",
            f"{run.matched:,} matched, {run.possible:,} possible, {run.unmatched:,} not found",
        ),
    ]


BENCHMARKS = [
    Measurement(
        "link: `jigsaw link` of a 100,000-row roster to a 1,000,000-child index (SQLite)",
        link_once,
        how=(
            "The link service end to end (checking every row, reading the index, matching, "
            "writing involvements, local ids, reviews and audit in one transaction); the "
            "synthetic index and roster are built before the clock starts."
        ),
    ),
]
