"""Bulk link throughput (issue 4, acceptance 3): a 100,000-row roster against 1,000,000 children.

The index is 1,000,000 synthetic children (bench/synthetic_people.py: households, twins, names
from the demo's pools, NHS numbers); the roster is an agency's records of 90,000 of them, with
the usual slips (nicknames, typos, changed family names, swapped dates, moves, no NHS number
for 40%), and of 10,000 children the index does not hold. Both are built with numpy before the
clock starts. The timed call is the whole of ``matching.batch.link`` as the linking capability
makes it: comparison columns for both tables, blocking, scoring in DuckDB, and the explained
``MatchScore`` of every candidate kept, with the packaged default model. Rows per second is the
roster's rows over that time; the answer of a row is its best candidate when that is a
"match" (p >= 0.95), right when it is the child the row was made from.
"""

import time

import numpy as np
import pandas as pd

from harness import Figure, Measurement
from jigsaw.matching import Band, load_model
from jigsaw.matching.batch import link
from synthetic_people import children, records_of

INDEX = 1_000_000
ROSTER = 100_000
KNOWN = 0.9
TARGET = 5_000


def inputs() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str | None]]:
    """The index, the roster, and the index record each roster row is really of (or None)."""
    index = children(INDEX, seed=1)
    rng = np.random.default_rng(2)
    known = int(ROSTER * KNOWN)
    picked = rng.choice(INDEX, known, replace=False)
    of_known = records_of(index.iloc[picked].reset_index(drop=True), seed=3, prefix="k")
    strangers = records_of(children(ROSTER - known, seed=99), seed=4, prefix="n")
    roster = pd.concat([of_known, strangers], ignore_index=True)
    truth: dict[str, str | None] = dict.fromkeys(strangers["record_id"])
    truth |= dict(zip(of_known["record_id"], index["record_id"].to_numpy()[picked], strict=True))
    return index.drop(columns=["child"]), roster.drop(columns=["child"]), truth


def throughput() -> list[Figure]:
    """Link the roster once and report the rate and the answers."""
    index, roster, truth = inputs()
    model = load_model()
    started = time.perf_counter()
    found = link(roster, index, model)
    seconds = time.perf_counter() - started
    rate = len(roster) / seconds
    answers = {
        row: candidates[0].record_id
        for row, candidates in found.items()
        if candidates[0].match.band is Band.MATCH
    }
    right = sum(truth[row] == answer for row, answer in answers.items())
    known = sum(answer is not None for answer in truth.values())
    precision = right / len(answers)
    recall = right / known
    return [
        Figure("rows per second", f"{rate:,.0f}", f">= {TARGET:,}", met=rate >= TARGET),
        Figure("time", f"{seconds:.1f} s"),
        Figure("precision / recall of matches", f"{precision:.4f} / {recall:.4f}"),
    ]


BENCHMARKS = [
    Measurement(
        "batch: link a 100,000-row roster to a 1,000,000-child index",
        throughput,
        how="matching.batch.link on 2 cores, default model; synthetic index and roster built "
        "before the clock starts (bench/synthetic_people.py).",
    )
]
