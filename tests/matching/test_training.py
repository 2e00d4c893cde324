import json
import math
import random
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from splink import DuckDBAPI, Linker

from jigsaw.matching.features import FEATURE_COLUMNS, features
from jigsaw.matching.levels import LEVELS_BY_FIELD, Field
from jigsaw.matching.model import MatchModel, load_model, parse_model, score
from jigsaw.matching.records import PersonRecord
from jigsaw.matching.sql_levels import SQL_LEVELS, case_expression, gamma_levels
from jigsaw.matching.training import MIN_NAME_COUNT, TrainingOptions, settings, train
from tests.matching.pairs import frame, generated_pairs

PAIRS = generated_pairs(4_000, seed=11)


def sql_levels(pairs: list[tuple[PersonRecord, PersonRecord]]) -> list[dict[Field, str]]:
    """Each pair's levels as the Splink comparisons compute them in DuckDB."""
    con = duckdb.connect()
    con.register("l", features(frame([first for first, _ in pairs])))
    con.register("r", features(frame([second for _, second in pairs])))
    columns = [c for c in FEATURE_COLUMNS if c != "unique_id"]
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    gammas = ", ".join(f"{case_expression(field)}" for field in Field)
    rows = con.execute(
        f"WITH p AS (SELECT l.unique_id AS id, {sides} FROM l JOIN r USING (unique_id)) "  # noqa: S608
        f"SELECT {gammas} FROM p ORDER BY id::INTEGER"
    ).fetchall()
    names = {field: gamma_levels(field) for field in Field}
    return [
        {field: names[field][gamma] for field, gamma in zip(Field, row, strict=True)}
        for row in rows
    ]


def test_every_level_of_every_field_is_in_the_sql_mirror() -> None:
    for field in Field:
        assert {item.level for item in SQL_LEVELS[field]} == {
            level.value for level in LEVELS_BY_FIELD[field]
        }
        assert SQL_LEVELS[field][0].level == "missing"


def test_splink_levels_equal_python_levels_on_generated_pairs() -> None:
    found = sql_levels(PAIRS)
    python = [score(first, second, MODEL) for first, second in PAIRS]
    disagreements = [
        (field, expected.level, got[field])
        for result, got in zip(python, found, strict=True)
        for expected in result.explanation
        for field in [expected.field]
        if expected.level != got[field]
    ]
    assert disagreements == []
    # The generator reaches every level, so agreement is not vacuous.
    seen = {(field, levels[field]) for levels in found for field in Field}
    missed = {(field, level.value) for field in Field for level in LEVELS_BY_FIELD[field]} - seen
    assert missed == set()


MODEL = load_model()


def _records(count: int, seed: int) -> pd.DataFrame:
    """Records of children, each recorded twice with a slip in the second, for training."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data
    given = ["Jacob", "Jake", "Amelia", "Amy", "Oliver", "Ollie", "Aisha", "Zofia", "Chidi"]
    family = ["Smith", "Okafor", "Kowalski", "Khan", "Patel", "Nowak", "Brown", "Okonkwo"]
    records = []
    for child in range(count):
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(6000))
        record = PersonRecord(
            given_names=rng.choice(given),
            family_name=rng.choice(family) + ("" if rng.random() < 0.7 else f"{child % 50}"),
            date_of_birth=born,
            sex=rng.choice(["male", "female"]),
            postcode=f"EM{rng.randrange(1, 9)} {rng.randrange(10)}AB",
        )
        records.append(record)
        if rng.random() < 0.5:
            slipped = record.given_names[:-1] + "e" if rng.random() < 0.3 else record.given_names
            records.append(PersonRecord(slipped, record.family_name, date_of_birth=born,
                                        sex=record.sex, postcode=record.postcode))  # fmt: skip
    return frame(records)


@pytest.fixture(scope="module")
def trained() -> dict[str, object]:
    return train([_records(600, seed=3)], options=TrainingOptions(u_pairs=2e5, seed=1))


def test_training_writes_a_model_the_scorer_loads(trained: dict[str, object]) -> None:
    model = parse_model(trained)
    assert "Splink" in model.description
    assert 0 < model.prior < 1
    # Learned, not copied: agreeing on the date of birth is strong evidence, disagreeing is not.
    dob = model.weights[Field.DATE_OF_BIRTH]
    assert dob["exact"] > 5
    assert dob["different"] < 0
    assert model.weights[Field.GIVEN_NAME]["missing"] == 0


def test_training_is_repeatable_with_a_seed(trained: dict[str, object]) -> None:
    again = train([_records(600, seed=3)], options=TrainingOptions(u_pairs=2e5, seed=1))
    # Equal up to the last bits of DuckDB's parallel sums.
    assert again["prior"] == pytest.approx(trained["prior"], rel=1e-9)
    assert again["fields"] == _approx(trained["fields"])
    assert again["term_frequencies"] == trained["term_frequencies"]


def _approx(fields: object) -> object:
    assert isinstance(fields, dict)
    return {
        field: {level: pytest.approx(mu, rel=1e-9) for level, mu in levels.items()}
        for field, levels in fields.items()
    }


def test_rare_names_are_never_listed(trained: dict[str, object]) -> None:
    frequencies = trained["term_frequencies"]
    assert isinstance(frequencies, dict)
    family = frequencies["family_name"]["values"]
    # "Smith7" and the like are held by a handful of records: below the listing threshold.
    counts = _records(600, seed=3)["family_name"].str.casefold().value_counts()
    assert set(family) <= {name for name, n in counts.items() if n >= MIN_NAME_COUNT}
    assert "smith" in family
    # A name left out counts as less common than any listed, but as held at least once.
    floor = frequencies["family_name"]["floor"]
    assert 1 / counts.sum() <= floor < min(family.values())


def test_an_exact_common_family_name_weighs_less_than_a_rare_one(
    trained: dict[str, object],
) -> None:
    model = parse_model(trained)
    common = PersonRecord("Jacob", "Smith", date_of_birth=date(2014, 3, 9))
    rare = PersonRecord("Jacob", "Zebedee", date_of_birth=date(2014, 3, 9))
    weight = {
        record.family_name: next(
            e.weight
            for e in score(record, record, model).explanation
            if e.field is Field.FAMILY_NAME
        )
        for record in (common, rare)
    }
    assert weight["Smith"] < weight["Zebedee"]


def test_splink_scores_pairs_exactly_as_the_online_scorer(trained: dict[str, object]) -> None:
    """Splink, given our model, is the reference: same levels, weights and name frequencies."""
    model = parse_model(trained)
    pairs = PAIRS[:400]
    left, right = frame([a for a, _ in pairs], "l"), frame([b for _, b in pairs], "r")
    api = DuckDBAPI()
    linker = Linker(
        [api.register(features(left)), api.register(features(right))],
        settings(
            "link_only", model=model, blocking_rules=["l.unique_id = 'l' || substr(r.unique_id, 2)"]
        ),
        log_level=None,
    )
    for field, column in (("given_name", "given"), ("family_name", "family")):
        _register_frequencies(api, linker, model, Field(field), column, left, right)
    predictions = linker.inference.predict(warning_mode="never")
    predicted: pd.DataFrame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    splink = dict(zip(predicted["unique_id_l"], predicted["match_weight"], strict=True))
    for position, (first, second) in enumerate(pairs):
        ours = score(first, second, model)
        if ours.rule is not None:
            continue
        assert splink[f"l{position}"] == pytest.approx(ours.match_weight, abs=1e-6)


def _register_frequencies(
    api: DuckDBAPI,
    linker: Linker,
    model: MatchModel,
    field: Field,
    column: str,
    *frames: pd.DataFrame,
) -> None:
    """Give Splink the model's frequency of every name in the data, as the scorer uses it."""
    frequencies = model.frequencies[field]
    names = set()
    for people in frames:
        names |= {value for value in features(people).column(column).to_pylist() if value}
    table = pd.DataFrame(
        {column: sorted(names),
         f"tf_{column}": [frequencies.values.get(n, frequencies.floor) for n in sorted(names)]}
    )  # fmt: skip
    linker.table_management.register_term_frequency_lookup(api.register(table), column)


def test_the_packaged_default_was_trained_with_splink() -> None:
    path = Path(__file__).parents[2] / "src/jigsaw/matching/data/default_model.json"
    raw = json.loads(path.read_text("utf-8"))
    assert raw["description"].startswith("Default model: Trained with Splink")
    assert set(raw["term_frequencies"]) == {"given_name", "family_name"}
    assert math.isclose(load_model().prior, raw["prior"])
