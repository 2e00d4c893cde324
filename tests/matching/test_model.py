import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from jigsaw.matching.levels import Field
from jigsaw.matching.model import (
    NHS_CONFLICT_RULE,
    TWIN_RULE,
    Band,
    MatchModel,
    ModelFileError,
    band_for,
    load_model,
    may_merge_automatically,
    score,
)
from jigsaw.matching.records import PersonRecord

JAKE = PersonRecord(
    given_names="Jake",
    family_name="Smith",
    date_of_birth=date(2014, 3, 9),
    sex="male",
    postcode="EM4 2XY",
    nhs_number="999 000 0018",
    household_key="h1",
)


@pytest.fixture(scope="module")
def model() -> MatchModel:
    return load_model()


def test_default_model_says_how_it_was_trained(model: MatchModel) -> None:
    assert "Splink" in model.description
    assert model.weights[Field.GIVEN_NAME]["missing"] == 0


def test_identical_record_with_nhs_number_is_a_near_certain_match(model: MatchModel) -> None:
    result = score(JAKE, JAKE, model)
    assert result.probability >= 0.99
    assert result.band is Band.MATCH
    assert [item.field for item in result.explanation] == list(Field)


def test_an_nhs_number_alone_finds_the_child(model: MatchModel) -> None:
    # A health visitor with only the NHS number, as CP-IS is searched: an issued-once number
    # is decisive when nothing contradicts it.
    result = score(PersonRecord("", "", nhs_number="9990000018"), JAKE, model)
    assert result.band is Band.MATCH


def test_an_nhs_number_alone_does_not_outweigh_everything_else(model: MatchModel) -> None:
    # The same number on a record of another name, birthday and sex is a recording error.
    other = replace(JAKE, given_names="Amara", family_name="Okafor", sex="female",
                    date_of_birth=date(2019, 11, 30), postcode="B33 8TH")  # fmt: skip
    assert score(other, JAKE, model).band is Band.UNLIKELY


def test_nickname_and_transposed_date_is_at_least_possible(model: MatchModel) -> None:
    query = PersonRecord("Jake", "Smith", date_of_birth=date(2014, 3, 9), postcode="EM4 2XY")
    candidate = PersonRecord("Jacob", "Smith", date_of_birth=date(2014, 9, 3), postcode="em42xy")
    result = score(query, candidate, model)
    assert result.probability >= 0.85
    assert result.band in {Band.MATCH, Band.POSSIBLE}
    texts = [item.text for item in result.explanation]
    assert "given name: known nickname (Jake / Jacob)" in texts
    assert "date of birth: day and month swapped" in texts


def test_same_name_with_different_date_and_postcode_is_unlikely(model: MatchModel) -> None:
    other = PersonRecord("Jake", "Smith", date_of_birth=date(2012, 6, 1), postcode="EM1 5AB")
    result = score(replace(JAKE, nhs_number=None), other, model)
    assert result.probability < 0.85
    assert result.band is Band.UNLIKELY


def test_sibling_at_the_same_address_is_unlikely(model: MatchModel) -> None:
    sibling = replace(JAKE, given_names="Amy", date_of_birth=date(2016, 7, 21), nhs_number=None)
    assert score(JAKE, sibling, model).probability < 0.85


def test_conflicting_nhs_number_is_never_a_match(model: MatchModel) -> None:
    result = score(JAKE, replace(JAKE, nhs_number="9990000026"), model)
    assert result.probability == 0
    assert result.band is Band.UNLIKELY
    assert result.rule == NHS_CONFLICT_RULE
    nhs = next(item for item in result.explanation if item.field is Field.NHS_NUMBER)
    assert nhs.level == "conflicting"
    assert "different children" in nhs.text


def test_explanations_never_show_dates_postcodes_or_identifiers(model: MatchModel) -> None:
    result = score(JAKE, replace(JAKE, upn="B801200005001"), model)
    shown = " ".join(item.text for item in result.explanation)
    for secret in ("2014", "EM4", "999", "B8012"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("probability", "band"),
    [(0.95, Band.MATCH), (0.9499, Band.POSSIBLE), (0.85, Band.POSSIBLE), (0.8499, Band.UNLIKELY)],
)
def test_bands(probability: float, band: Band) -> None:
    assert band_for(probability) is band


def test_extreme_weights_do_not_overflow(model: MatchModel) -> None:
    tiny = MatchModel(prior=1e-300, weights=model.weights)
    nobody = PersonRecord("Amy", "Okafor", date_of_birth=date(2001, 1, 1), postcode="ZZ9 9ZZ")
    assert score(JAKE, nobody, tiny).probability >= 0
    assert math.isfinite(score(JAKE, JAKE, model).match_weight)


class TestMayMergeAutomatically:
    def test_a_confident_match_outside_the_household_may_merge(self, model: MatchModel) -> None:
        other = replace(JAKE, household_key="h2")
        assert may_merge_automatically(JAKE, other, score(JAKE, other, model))

    def test_same_household_never_merges(self, model: MatchModel) -> None:
        assert not may_merge_automatically(JAKE, JAKE, score(JAKE, JAKE, model))

    def test_twins_never_merge_whatever_the_score(self, model: MatchModel) -> None:
        query = replace(JAKE, nhs_number=None, household_key=None)
        twin = replace(query, given_names="Tom")
        result = score(query, twin, model)
        # Twins agree on everything but the given name, so the model alone scores them high.
        assert result.probability > 0.5
        assert not may_merge_automatically(query, twin, result)

    def test_conflicting_nhs_numbers_never_merge(self, model: MatchModel) -> None:
        other = replace(JAKE, nhs_number="9990000026", household_key=None)
        assert not may_merge_automatically(JAKE, other, score(JAKE, other, model))

    def test_a_possible_match_never_merges(self, model: MatchModel) -> None:
        other = replace(JAKE, household_key="h2")
        result = replace(score(JAKE, other, model), probability=0.9, band=Band.POSSIBLE)
        assert not may_merge_automatically(JAKE, other, result)


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def _default_data() -> dict[str, object]:
    text = (Path(__file__).parents[2] / "src/jigsaw/matching/data/default_model.json").read_text()
    data: dict[str, object] = json.loads(text)
    return data


def test_load_model_from_a_path(tmp_path: Path) -> None:
    data = _default_data()
    data["prior"] = 0.5
    assert load_model(_write(tmp_path, data)).prior == 0.5


@pytest.mark.parametrize("prior", [0, 1, -0.1, "0.1", True, None])
def test_load_model_rejects_a_bad_prior(tmp_path: Path, prior: object) -> None:
    data = _default_data()
    data["prior"] = prior
    with pytest.raises(ModelFileError):
        load_model(_write(tmp_path, data))


def test_load_model_rejects_a_missing_field(tmp_path: Path) -> None:
    data = _default_data()
    fields = data["fields"]
    assert isinstance(fields, dict)
    del fields["postcode"]
    with pytest.raises(ModelFileError, match="postcode"):
        load_model(_write(tmp_path, data))


def test_load_model_rejects_a_missing_level(tmp_path: Path) -> None:
    data = _default_data()
    fields = data["fields"]
    assert isinstance(fields, dict)
    del fields["sex"]["missing"]
    with pytest.raises(ModelFileError, match=r"sex\.missing"):
        load_model(_write(tmp_path, data))


def test_load_model_rejects_a_zero_probability(tmp_path: Path) -> None:
    data = _default_data()
    fields = data["fields"]
    assert isinstance(fields, dict)
    fields["sex"]["same"]["u"] = 0
    with pytest.raises(ModelFileError, match=r"sex\.same\.u"):
        load_model(_write(tmp_path, data))


def test_possible_twins_are_capped_at_possible_so_a_person_checks() -> None:
    from datetime import date  # noqa: PLC0415

    from jigsaw.matching import Band, PersonRecord, load_model, score  # noqa: PLC0415
    from jigsaw.matching.model import TWIN_RULE  # noqa: PLC0415

    model = load_model()
    jake = PersonRecord(
        given_names="Jake",
        family_name="Smith",
        date_of_birth=date(2016, 4, 2),
        sex="male",
        postcode="EM4 2GX",
    )
    tom = PersonRecord(
        given_names="Tom",
        family_name="Smith",
        date_of_birth=date(2016, 4, 2),
        sex="male",
        postcode="EM4 2GX",
    )
    twins = score(jake, tom, model)
    assert twins.band is Band.POSSIBLE
    assert twins.rule == TWIN_RULE
    same = score(jake, jake, model)
    assert same.band is Band.MATCH
    assert same.rule is None


def test_twins_share_no_identifier_so_a_shared_one_lifts_the_twin_cap(model: MatchModel) -> None:
    # One child whose first name one agency got wrong: the shared UPN shows it is not a twin.
    query = replace(JAKE, nhs_number=None, household_key=None, upn="B801200005001")
    renamed = replace(query, given_names="Tom")
    assert score(query, renamed, model).rule is None
    # Without the identifier the same pair is capped, and never merged automatically.
    capped = score(replace(query, upn=None), replace(renamed, upn=None), model)
    assert capped.rule == TWIN_RULE
    assert capped.band is Band.POSSIBLE
    assert not may_merge_automatically(query, renamed, score(query, renamed, model))


def test_a_model_file_without_the_newer_fields_still_loads(tmp_path: Path) -> None:
    data = _default_data()
    fields = data["fields"]
    assert isinstance(fields, dict)
    del fields["address"], fields["other_identifier"]
    del data["term_frequencies"]
    old = load_model(_write(tmp_path, data))
    assert set(old.weights[Field.ADDRESS].values()) == {0.0}
    assert old.frequencies == {}


def test_an_exact_common_name_weighs_less_than_a_rare_one(model: MatchModel) -> None:
    def family_weight(family: str) -> float:
        record = replace(JAKE, family_name=family)
        result = score(record, record, model)
        return next(e.weight for e in result.explanation if e.field is Field.FAMILY_NAME)

    assert family_weight("Smith") < family_weight("Zebedee")
    assert family_weight("Zebedee") == pytest.approx(
        model.weights[Field.FAMILY_NAME]["exact"]
        + model.frequencies[Field.FAMILY_NAME].adjustment("zebedee")
    )


def test_explanations_of_the_address_and_other_identifier(model: MatchModel) -> None:
    query = replace(JAKE, address_line="12 Oak Road", other_identifier="police:1234567")
    result = score(query, replace(query, other_identifier="police:1234576"), model)
    texts = [item.text for item in result.explanation]
    assert "address: same" in texts
    assert "other identifier: one character different" in texts
    assert "1234567" not in " ".join(texts)
