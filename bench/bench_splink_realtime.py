"""Jigsaw's "Find a child" against Splink's own real-time matching, on the same index and searches.

Splink is given the product's model exactly (every level's m and u and the name frequencies,
`matching.training.settings(model=...)`; tests/matching/test_training.py checks that Splink then
gives the same match weight as our scorer, pair by pair), the index registered once in DuckDB
with its comparison columns computed before the clock starts, and blocking rules as close to
ours as equi-joins allow. Each search is then one `predict_between` call of a one-row table
against the index, as Splink's documentation does real-time linkage; its answer is its best
pair when that is a match (p >= 0.95), judged as bench_lookup.py judges ours.

Ours is the whole `find_children` service call on SQLite (access checks and audit included),
for the same searches. The ratio is Splink's median time over ours.
"""

import logging
import statistics
import time
import uuid
from pathlib import Path

import pandas as pd
from splink import DuckDBAPI, Linker

import bench_lookup
import lookup_index
from harness import Figure, Measurement
from jigsaw.children.search import matching_model
from jigsaw.matching import PersonRecord
from jigsaw.matching.features import features
from jigsaw.matching.levels import Field
from jigsaw.matching.model import MATCH_THRESHOLD, MatchModel
from jigsaw.matching.training import settings

SIZES = (100_000, 1_000_000)
SEARCHES = 200
WARM_UP = 10
RATIO_TARGET = 10.0
FOLDER = Path(__file__).parent.parent / "var" / "bench"
# Equi-join blocking rules (Splink cannot use our many-keys-per-record index in real time).
BLOCKING_RULES = [
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.birth_digits = r.birth_digits",
    "l.postcode = r.postcode",
    "l.birth_year = r.birth_year AND l.family = r.family",
]


def _frame(records: list[PersonRecord], ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ids,
            "given_names": [r.given_names for r in records],
            "family_name": [r.family_name for r in records],
            "previous_family_names": ["|".join(r.previous_family_names) for r in records],
            "date_of_birth": [r.date_of_birth for r in records],
            "sex": [r.sex for r in records],
            "postcode": [r.postcode for r in records],
            "nhs_number": [r.nhs_number for r in records],
            "upn": [r.upn for r in records],
            "household_key": [r.household_key for r in records],
            "address_line": [r.address_line for r in records],
        }
    )


class SplinkSearch:
    """Splink's real-time matching with the product's model against one registered index."""

    def __init__(self, index: lookup_index.SyntheticIndex, model: MatchModel) -> None:
        self.api = DuckDBAPI()
        people = _frame(index.records, [str(i) for i in index.ids])
        self.index = self.api.register(features(people))
        self.linker = Linker(
            self.index,
            settings("dedupe_only", model=model, blocking_rules=BLOCKING_RULES),
            log_level=logging.WARNING,
        )
        for field, column in ((Field.GIVEN_NAME, "given"), (Field.FAMILY_NAME, "family")):
            frequencies = model.frequencies[field]
            names = sorted(set(features(people).column(column).to_pylist()) - {None, ""})
            table = pd.DataFrame({column: names, f"tf_{column}": [
                frequencies.values.get(n, frequencies.floor) for n in names
            ]})  # fmt: skip
            self.linker.table_management.register_term_frequency_lookup(
                self.api.register(table), column
            )

    def answer(self, query: PersonRecord) -> uuid.UUID | None:
        """Splink's answer for one search: its best pair, when that is a match."""
        left = self.api.register(features(_frame([query], ["query"])))
        found = self.linker.inference.predict_between(
            left, self.index, threshold_match_probability=MATCH_THRESHOLD, warning_mode="never"
        ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
        if found.empty:
            return None
        best = found.sort_values("match_probability", ascending=False).iloc[0]
        other = best["unique_id_r"] if best["unique_id_l"] == "query" else best["unique_id_l"]
        return uuid.UUID(str(other))


def compare() -> list[Figure]:
    """Both engines on the same searches at each size: medians, p99s, F1s and the ratio."""
    figures = []
    for size in SIZES:
        index = lookup_index.generate(size)
        found = lookup_index.searches(index, SEARCHES + WARM_UP, seed=11)
        engine = lookup_index.sqlite_index(FOLDER, index)
        ours, our_quality = bench_lookup.time_searches(engine, found, warm_up=WARM_UP)
        engine.dispose()
        splink = SplinkSearch(index, matching_model())
        for search in found[:WARM_UP]:
            splink.answer(search.query)
        theirs, answers = [], []
        for search in found[WARM_UP:]:
            started = time.perf_counter()
            answers.append(splink.answer(search.query))
            theirs.append(time.perf_counter() - started)
        their_quality = bench_lookup.judge(answers, [s.truth for s in found[WARM_UP:]])
        ratio = statistics.median(theirs) / statistics.median(ours)
        label = f"{size:,} children"
        figures += [
            Figure(
                f"Splink p50 / p99, {label}",
                f"{statistics.median(theirs) * 1000:.0f} ms / "
                f"{bench_lookup.percentile(theirs, 0.99) * 1000:.0f} ms",
            ),
            Figure(
                f"Jigsaw p50 / p99, {label}",
                f"{statistics.median(ours) * 1000:.1f} ms / "
                f"{bench_lookup.percentile(ours, 0.99) * 1000:.1f} ms",
            ),
            Figure(
                f"F1 Splink / Jigsaw, {label}",
                f"{their_quality.f1:.3f} / {our_quality.f1:.3f}",
                target="Jigsaw's at least Splink's",
                met=our_quality.f1 >= their_quality.f1,
            ),
            Figure(
                f"speed-up (Splink median / Jigsaw median), {label}",
                f"{ratio:.0f}x",
                target=f">= {RATIO_TARGET:.0f}x",
                met=ratio >= RATIO_TARGET,
            ),
        ]
    return figures


BENCHMARKS = [
    Measurement(
        "lookup: Jigsaw against Splink real-time (SQLite, same searches)",
        compare,
        how=(
            f"{SEARCHES} searches per index after {WARM_UP} warm-up. Splink 5 (DuckDB) is given "
            "the product's model and name frequencies and the index registered in advance; each "
            "search is one `predict_between` call. Jigsaw's figure is the whole `find_children` "
            "service call, access checks and audit included."
        ),
    ),
]
