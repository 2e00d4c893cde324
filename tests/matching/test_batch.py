import random
from dataclasses import replace
from datetime import date

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from jigsaw.matching.batch import (
    CANDIDATE_LIMIT,
    Candidate,
    duplicates,
    link,
    person_from_series,
)
from jigsaw.matching.model import NHS_CONFLICT_RULE, TWIN_RULE, Band, MatchModel, load_model, score
from jigsaw.matching.records import PersonRecord
from tests.matching.pairs import frame, generated_pairs

MODEL = load_model()

JAKE = PersonRecord(
    given_names="Jacob Oliver",
    family_name="Smith",
    date_of_birth=date(2014, 3, 9),
    sex="male",
    postcode="EM4 2XY",
    nhs_number="9990000018",
)


def _by_id(people: pd.DataFrame) -> dict[str, PersonRecord]:
    return {str(row.record_id): person_from_series(row) for row in people.itertuples(index=False)}


def _own_identifiers(
    position: int, pair: tuple[PersonRecord, PersonRecord]
) -> tuple[PersonRecord, PersonRecord]:
    """Give a generated pair identifiers of its own, as real children have (same or not)."""
    first, second = pair
    number = f"{position:010d}"
    return (
        replace(first, nhs_number=number if first.nhs_number else None,
                other_identifier=f"police:{number}" if first.other_identifier else None),
        replace(second, nhs_number=(number if second.nhs_number == first.nhs_number
                                    else f"9{number}") if second.nhs_number else None,
                other_identifier=f"police:{number}" if second.other_identifier else None),
    )  # fmt: skip


@pytest.fixture(scope="module")
def linked() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Candidate]]]:
    pairs = [_own_identifiers(p, pair) for p, pair in enumerate(generated_pairs(1_500, seed=5))]
    roster, index = frame([a for a, _ in pairs], "q"), frame([b for _, b in pairs], "i")
    return roster, index, link(roster, index, MODEL)


def test_batch_scores_every_candidate_exactly_as_the_online_scorer(
    linked: tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Candidate]]],
) -> None:
    roster, index, found = linked
    queries, records = _by_id(roster), _by_id(index)
    compared = 0
    for row, candidates in found.items():
        for candidate in candidates:
            assert candidate.match == score(queries[row], records[candidate.record_id], MODEL)
            compared += 1
    assert compared > 300


def test_candidates_are_possible_or_better_best_first_and_few(
    linked: tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Candidate]]],
) -> None:
    _, _, found = linked
    for candidates in found.values():
        assert 1 <= len(candidates) <= CANDIDATE_LIMIT
        assert all(c.match.band is not Band.UNLIKELY for c in candidates)
        probabilities = [c.match.probability for c in candidates]
        assert probabilities == sorted(probabilities, reverse=True)


def test_blocking_finds_nearly_every_pair_the_online_scorer_calls_a_match(
    linked: tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Candidate]]],
) -> None:
    roster, index, found = linked
    queries, records = _by_id(roster), _by_id(index)
    missed, matches = 0, 0
    for position in range(len(roster)):
        expected = score(queries[f"q{position}"], records[f"i{position}"], MODEL)
        if expected.band is not Band.MATCH:
            continue
        matches += 1
        candidates = found.get(f"q{position}", [])
        kept = f"i{position}" in {c.record_id for c in candidates}
        # Displaced by as many better candidates as a row keeps is not a blocking miss.
        displaced = len(candidates) == CANDIDATE_LIMIT and all(
            c.match.probability >= expected.probability for c in candidates
        )
        missed += not (kept or displaced)
    assert matches > 200
    assert missed <= 0.03 * matches


def _slipped(rng: random.Random, record: PersonRecord) -> PersonRecord:
    return replace(
        record,
        given_names=rng.choice(["Jake", "Jacob", "Jakob"]),
        date_of_birth=rng.choice([record.date_of_birth, date(2014, 9, 3)]),
        nhs_number=None,
        postcode=rng.choice([record.postcode, "EM9 9ZZ", None]),
    )


def test_a_roster_row_with_the_usual_slips_finds_its_child() -> None:
    rng = random.Random(1)  # noqa: S311 - synthetic test data
    index = frame([JAKE, replace(JAKE, given_names="Amy", date_of_birth=date(2016, 7, 21),
                                 nhs_number="9990000026")], "i")  # fmt: skip
    roster = frame([_slipped(rng, JAKE) for _ in range(20)], "q")
    done: list[int] = []
    found = link(roster, index, MODEL, progress=done.append)
    assert sum(done) == len(roster)
    assert {candidates[0].record_id for candidates in found.values()} == {"i0"}
    assert len(found) == len(roster)


def test_a_conflicting_nhs_number_is_never_a_candidate() -> None:
    index = frame([JAKE], "i")
    roster = frame([replace(JAKE, nhs_number="9990000026")], "q")
    assert link(roster, index, MODEL) == {}
    assert score(JAKE, replace(JAKE, nhs_number="9990000026"), MODEL).rule == NHS_CONFLICT_RULE


def test_twins_are_capped_in_batch_as_online() -> None:
    twin = replace(JAKE, given_names="Tom", nhs_number=None)
    found = link(frame([replace(JAKE, nhs_number=None)], "q"), frame([twin], "i"), MODEL)
    match = found["q0"][0].match
    assert match.rule == TWIN_RULE
    assert match.band is Band.POSSIBLE


def test_duplicates_gives_each_pair_once_smaller_id_first() -> None:
    people = frame([JAKE, replace(JAKE, given_names="Jake", nhs_number=None),
                    replace(JAKE, given_names="Amy", date_of_birth=date(2001, 1, 1),
                            nhs_number=None, postcode="EM1 1AA")])  # fmt: skip
    found = duplicates(people, MODEL)
    assert [(a, b) for a, b, _ in found] == [("0", "1")]
    assert found[0][2] == score(JAKE, replace(JAKE, given_names="Jake", nhs_number=None), MODEL)


def test_an_empty_roster_links_nothing() -> None:
    model: MatchModel = MODEL
    assert link(frame([]).reindex(columns=frame([JAKE]).columns), frame([JAKE]), model) == {}


def test_an_index_held_as_arrow_text_links_exactly_as_one_held_in_python_objects(
    linked: tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Candidate]]],
) -> None:
    """Linking reads the index as Arrow text (dates as ISO text): the outcome is the same."""
    roster, index, found = linked

    def as_text(value: object) -> str | None:
        if isinstance(value, date):
            return value.isoformat()
        return value if isinstance(value, str) else None  # None or NaN: missing

    as_read = pa.table(
        {name: pa.array([as_text(v) for v in index[name]], type=pa.string()) for name in index}
    ).to_pandas(types_mapper=pd.ArrowDtype)
    assert link(roster, as_read, MODEL) == found
    assert _by_id(as_read) == _by_id(index)
