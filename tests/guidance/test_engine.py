"""Running a flow, refusing answers that do not follow it, and the decision record."""

import json
from typing import Any

import pytest

from jigsaw.core.errors import Invalid
from jigsaw.guidance import (
    DecisionRecord,
    Finished,
    FlowLibrary,
    InvalidAnswers,
    InvalidDecisionRecord,
    NextQuestion,
    advance,
    decision_record,
    parse_flow,
)
from jigsaw.taxonomy.lawful_basis import ConsentNotSoughtReason, ConsentPosition, Sector
from tests.guidance.flowdata import dump, tiny

SHARE = FlowLibrary.load(None).get("should-i-share")
TINY = parse_flow(dump(tiny()), source="tiny.yaml")


def test_no_answers_asks_the_first_question() -> None:
    step = advance(SHARE, [])
    assert isinstance(step, NextQuestion)
    assert step.question_id == "immediate-danger"
    assert step.answered == ()


def test_each_answer_moves_to_the_question_it_names() -> None:
    step = advance(SHARE, [("immediate-danger", "no"), ("purpose", "yes")])
    assert isinstance(step, NextQuestion)
    assert step.question_id == "identifiable"
    assert [(a.question_id, a.answer_value, a.answer_label) for a in step.answered] == [
        ("immediate-danger", "no", "No"),
        ("purpose", "yes", "Yes"),
    ]
    assert step.answered[1].question_text == SHARE.questions["purpose"].text


def test_an_answer_for_another_question_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        advance(SHARE, [("immediate-danger", "no"), ("Jane Doe lives at 4 Elm Row", "yes")])
    message = caught.value.errors["answers"]
    assert message == 'Answer 2 is not for the question the flow asks next ("purpose").'
    assert isinstance(caught.value, Invalid)  # the pages show it as 422


def test_an_answer_that_is_not_one_of_the_questions_answers_is_refused() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        advance(SHARE, [("immediate-danger", "Jane Doe")])
    assert caught.value.errors == {
        "answers": 'Answer 1 is not one of the answers to "immediate-danger".'
    }


def test_answers_after_the_flow_has_finished_are_refused() -> None:
    with pytest.raises(InvalidAnswers, match="Answer 2 comes after the flow has finished"):
        advance(SHARE, [("immediate-danger", "yes"), ("purpose", "yes")])


def test_a_record_needs_a_finished_flow() -> None:
    with pytest.raises(InvalidAnswers, match='"purpose" is still to answer'):
        decision_record(SHARE, [("immediate-danger", "no")], sector=Sector.PUBLIC_BODY)


def test_finished_says_whether_any_answer_flagged_significant_harm() -> None:
    step = advance(TINY, [("harm", "yes")])
    assert isinstance(step, Finished)
    assert step.significant_harm
    step = advance(TINY, [("harm", "no"), ("purpose", "yes")])
    assert isinstance(step, Finished)
    assert not step.significant_harm


def test_the_rationale_reads_the_answers_then_the_outcome() -> None:
    answers = [
        ("immediate-danger", "no"),
        ("purpose", "yes"),
        ("identifiable", "yes"),
        ("significant-harm", "yes"),
    ]
    record = decision_record(SHARE, answers, sector=Sector.PUBLIC_BODY)
    assert record.rationale == (
        "I used 'Should I share this information?' (version 1). "
        "No child is in immediate danger. "
        "I want to share it to keep a child safe or to support their well-being. "
        "The information identifies the child or other people. "
        "I have reasonable cause to suspect that the child may be suffering, or likely to "
        "suffer, significant harm. "
        "So I decided to share now with children's social care or the police, without asking "
        "for consent."
    )


def test_without_rationale_wording_the_question_and_answer_are_used() -> None:
    record = decision_record(TINY, [("harm", "no"), ("purpose", "no")], sector=Sector.POLICE)
    assert record.rationale == (
        "I used 'Tiny' (version 1). Might the child be at risk of significant harm? No. "
        "Is there a clear purpose? No. So: Do not share."
    )


def test_an_answers_prefill_overrides_the_outcomes() -> None:
    data = tiny()
    data["outcomes"]["share"]["prefill"] = {
        "consent": "not_sought",
        "consent_not_sought_reason": "would_prejudice_protection",
    }
    data["questions"]["purpose"]["answers"][0]["prefill"] = {"consent": "sought_given"}
    flow = parse_flow(dump(data), source="tiny.yaml")

    asked = decision_record(flow, [("harm", "no"), ("purpose", "yes")], sector=Sector.POLICE)
    assert asked.prefill.consent is ConsentPosition.SOUGHT_AND_GIVEN
    # A reason for not seeking consent means nothing once it was sought.
    assert asked.prefill.consent_not_sought_reason is None

    urgent = decision_record(flow, [("harm", "yes")], sector=Sector.POLICE)
    assert urgent.prefill.consent is ConsentPosition.NOT_SOUGHT
    assert (
        urgent.prefill.consent_not_sought_reason
        is ConsentNotSoughtReason.WOULD_PREJUDICE_PROTECTION
    )


def test_the_record_round_trips_through_json() -> None:
    answers = [
        ("immediate-danger", "no"),
        ("purpose", "yes"),
        ("identifiable", "yes"),
        ("significant-harm", "no"),
        ("early-help", "no"),
        ("confidential", "yes"),
        ("consent", "not-asked"),
        ("why-not-asked", "more-risk"),
        ("other-basis", "yes"),
    ]
    record = decision_record(SHARE, answers, sector=Sector.VOLUNTARY_SECTOR)
    stored = json.loads(json.dumps(record.to_json()))
    assert stored["format"] == 1
    assert stored["flow_id"] == "should-i-share"
    assert stored["prefill"]["article_6"] == "6(1)(ea)"
    assert stored["prefill"]["consent_not_sought_reason"] == "would_increase_risk"
    assert DecisionRecord.from_json(stored) == record


def test_a_level_round_trips_as_its_number() -> None:
    level = FlowLibrary.load(None).get("level-of-need")
    record = decision_record(level, [("level-4", "yes")], sector=Sector.PUBLIC_BODY)
    stored = json.loads(json.dumps(record.to_json()))
    assert stored["prefill"]["level_of_need"] == 4
    assert DecisionRecord.from_json(stored) == record


def test_reading_a_bad_record_names_places_never_values() -> None:
    record = decision_record(TINY, [("harm", "yes")], sector=Sector.PUBLIC_BODY)
    stored: dict[str, Any] = record.to_json()
    stored["rationale"] = ["Jane Doe told me"]
    stored["answered"][0]["answer_label"] = {"Jane": "Doe"}
    with pytest.raises(InvalidDecisionRecord) as caught:
        DecisionRecord.from_json(stored)
    assert "answered[0].answer_label" in str(caught.value)
    assert "rationale" in str(caught.value)
    assert "Jane" not in str(caught.value)
    with pytest.raises(InvalidDecisionRecord, match="not a decision record in format 1"):
        DecisionRecord.from_json({**record.to_json(), "format": 99})
