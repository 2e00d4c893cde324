"""Flow files with errors are refused, each problem named by file and place."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jigsaw.guidance import Decision, FlowError, Purpose, load_flow, parse_flow
from jigsaw.taxonomy.lawful_basis import Article6Basis, Sector
from tests.guidance.flowdata import dump, tiny


def problems_of(change: Callable[[dict[str, Any]], object]) -> list[str]:
    data = tiny()
    change(data)
    with pytest.raises(FlowError) as caught:
        parse_flow(dump(data), source="tiny.yaml")
    assert caught.value.source == "tiny.yaml"
    return caught.value.problems


def test_the_tiny_flow_is_valid() -> None:
    flow = parse_flow(dump(tiny()), source="tiny.yaml")
    assert flow.purpose is Purpose.SHARE
    assert flow.outcomes["keep"].decision is Decision.DO_NOT_SHARE


def test_yaml_syntax_error_gives_the_line() -> None:
    with pytest.raises(FlowError) as caught:
        parse_flow("id: tiny\ntitle: Tiny\n  start: harm\n", source="tiny.yaml")
    assert str(caught.value) == "tiny.yaml: line 3, column 8: mapping values are not allowed here"


def test_a_key_given_twice_is_an_error_not_silently_replaced() -> None:
    text = dump(tiny()).replace("  purpose:\n", "  harm:\n", 1)
    with pytest.raises(FlowError) as caught:
        parse_flow(text, source="tiny.yaml")
    [problem] = caught.value.problems
    assert problem.endswith('"harm" is given twice in the same place')
    assert problem.startswith("line ")


def test_yes_and_no_stay_words_not_booleans() -> None:
    text = dump(tiny()).replace("'yes'", "yes").replace("'no'", "no")
    assert "value: yes" in text
    flow = parse_flow(text, source="tiny.yaml")
    assert [answer.value for answer in flow.questions["harm"].answers] == ["yes", "no"]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FlowError, match=r"^empty.yaml: the file is empty"):
        parse_flow("", source="empty.yaml")


def test_python_tags_are_refused() -> None:
    with pytest.raises(FlowError, match="could not determine a constructor"):
        parse_flow("id: !!python/object/apply:os.system [echo]\n", source="bad.yaml")


def test_unknown_field_is_named_with_its_place() -> None:
    def misspell(data: dict[str, Any]) -> None:
        data["questions"]["purpose"]["answers"][1]["nxt"] = "harm"

    assert problems_of(misspell) == [
        'questions.purpose.answers[1]: "nxt" is not a field that can go here (check the spelling)'
    ]


def test_missing_fields_are_each_named() -> None:
    def forget(data: dict[str, Any]) -> None:
        del data["title"]
        del data["questions"]["purpose"]["answers"][1]["label"]

    assert problems_of(forget) == [
        '"title" is missing',
        'questions.purpose.answers[1]: "label" is missing',
    ]


def test_ids_must_be_slugs() -> None:
    def rename(data: dict[str, Any]) -> None:
        data["outcomes"]["Keep It"] = data["outcomes"].pop("keep")

    assert problems_of(rename) == [
        'outcomes: the name "Keep It" must be lower-case letters, digits and hyphens, '
        'like "seek-advice"'
    ]


def test_unknown_decision_and_version_below_one_are_refused() -> None:
    def break_them(data: dict[str, Any]) -> None:
        data["version"] = 0
        data["outcomes"]["keep"]["decision"] = "maybe"

    problems = problems_of(break_them)
    assert problems[0] == "version: should be greater than 0"
    assert problems[1].startswith('outcomes.keep.decision: "maybe" is not one of ')


def test_a_start_that_is_not_a_question_is_refused() -> None:
    assert problems_of(lambda data: data.update(start="share")) == [
        'start: "share" is not a question in this flow (it is an outcome; a flow starts with '
        "a question)"
    ]


def test_an_answer_with_both_next_and_outcome_is_refused() -> None:
    def both(data: dict[str, Any]) -> None:
        data["questions"]["harm"]["answers"][1]["outcome"] = "share"

    assert problems_of(both) == [
        'questions.harm.answers[1]: has both "next" and "outcome"; give one (the next question '
        "or the outcome)"
    ]


def test_an_answer_with_neither_next_nor_outcome_is_refused() -> None:
    def neither(data: dict[str, Any]) -> None:
        del data["questions"]["purpose"]["answers"][0]["outcome"]

    assert problems_of(neither) == [
        'questions.purpose.answers[0]: has neither "next" nor "outcome"; give the next question '
        "or the outcome"
    ]


def test_duplicate_answer_values_are_refused() -> None:
    def duplicate(data: dict[str, Any]) -> None:
        data["questions"]["purpose"]["answers"][1]["value"] = "yes"

    assert problems_of(duplicate) == [
        'questions.purpose.answers[1]: the value "yes" is already used by another answer to '
        "this question; each answer needs its own"
    ]


def test_a_next_that_names_no_question_is_refused(tmp_path: Path) -> None:
    data = tiny()
    data["questions"]["harm"]["answers"][1]["next"] = "purpse"
    path = tmp_path / "tiny.yaml"
    path.write_text(dump(data), encoding="utf-8")
    with pytest.raises(FlowError) as caught:
        load_flow(path)
    assert str(caught.value).splitlines()[0] == (
        'tiny.yaml: questions.harm.answers[1]: "next" names "purpse", which is not a question '
        "in this flow"
    )


def test_an_outcome_that_names_no_outcome_is_refused() -> None:
    def misname(data: dict[str, Any]) -> None:
        data["questions"]["purpose"]["answers"][0]["outcome"] = "purpose"

    assert problems_of(misname)[0] == (
        'questions.purpose.answers[0]: "outcome" names "purpose", which is not an outcome in '
        'this flow (it is a question: use "next")'
    )


def test_a_loop_is_refused() -> None:
    def loop(data: dict[str, Any]) -> None:
        data["questions"]["purpose"]["answers"][1] = {"value": "no", "label": "No", "next": "harm"}

    assert problems_of(loop)[0] == (
        'questions.purpose.answers[1]: "next" goes back to "harm", which makes a loop '
        "(harm → purpose → harm); every answer must move the flow on"
    )


def test_unreachable_questions_and_outcomes_are_refused() -> None:
    def strand(data: dict[str, Any]) -> None:
        data["questions"]["harm"]["answers"][1] = {"value": "no", "label": "No", "outcome": "keep"}
        data["outcomes"]["spare"] = {"title": "Spare", "decision": "share", "explanation": "."}

    assert problems_of(strand) == [
        "questions.purpose: no answer leads to this question, so it is never asked",
        "outcomes.spare: no answer leads to this outcome, so it is never reached",
    ]


def test_unknown_prefill_codes_are_refused() -> None:
    def bad_codes(data: dict[str, Any]) -> None:
        data["outcomes"]["share"]["prefill"] = {
            "article_6": {"public_body": "6(1)(e)", "charity": "6(1)(f)"},
            "schedule_1": "para-99",
        }

    problems = problems_of(bad_codes)
    assert problems[0].startswith(
        'outcomes.share.prefill.article_6: "charity" is not a known sector; use one of '
        '"public_body", "police", "voluntary_sector"'
    )
    assert problems[1].startswith('outcomes.share.prefill.schedule_1: "para-99" is not a known')


def test_prefill_by_sector_or_for_all() -> None:
    data = tiny()
    data["outcomes"]["share"]["prefill"] = {"article_6": {"voluntary_sector": "6(1)(ea)"}}
    data["questions"]["harm"]["answers"][0]["prefill"] = {"article_6": "6(1)(e)"}
    flow = parse_flow(dump(data), source="tiny.yaml")
    prefill = flow.outcomes["share"].prefill
    assert prefill.for_sector(Sector.VOLUNTARY_SECTOR) == {
        "article_6": Article6Basis.RECOGNISED_LEGITIMATE_INTEREST
    }
    assert prefill.for_sector(Sector.POLICE) == {}
    answer_prefill = flow.questions["harm"].answers[0].prefill
    assert answer_prefill is not None
    assert answer_prefill.for_sector(Sector.POLICE) == {"article_6": Article6Basis.PUBLIC_TASK}


def test_significant_harm_may_never_lead_to_do_not_share() -> None:
    def unsafe(data: dict[str, Any]) -> None:
        harm_answers = data["questions"]["harm"]["answers"]
        harm_answers[0] = {"value": "yes", "label": "Yes", "next": "purpose"}
        harm_answers[0]["significant_harm"] = True
        harm_answers[1] = {"value": "no", "label": "No", "outcome": "keep"}

    assert problems_of(unsafe) == [
        "questions.harm.answers[0]: this answer says a child may be at risk of significant harm, "
        'but it can lead to "keep", which says do not share; guidance must never stop a '
        "practitioner sharing when a child may be at risk of significant harm"
    ]


def test_significant_harm_straight_to_do_not_share_is_refused() -> None:
    def unsafe(data: dict[str, Any]) -> None:
        data["questions"]["harm"]["answers"][0]["outcome"] = "keep"
        data["questions"]["purpose"]["answers"][0]["outcome"] = "keep"
        data["questions"]["purpose"]["answers"][1]["outcome"] = "share"

    assert problems_of(unsafe)[0].startswith(
        "questions.harm.answers[0]: this answer says a child may be at risk of significant harm, "
        'but it can lead to "keep"'
    )


def test_a_sharing_flow_must_ask_about_significant_harm() -> None:
    def no_screen(data: dict[str, Any]) -> None:
        data["questions"]["harm"]["answers"][0]["significant_harm"] = False

    assert problems_of(no_screen) == [
        "questions: a sharing flow must ask whether a child may be at risk of significant harm; "
        'mark the answer that says so with "significant_harm: true"'
    ]


def test_a_level_outcome_must_say_the_level() -> None:
    def no_level(data: dict[str, Any]) -> None:
        data["outcomes"]["share"]["decision"] = "level"

    assert problems_of(no_level) == [
        'outcomes.share: the decision is "level" but prefill.level_of_need is missing; say which '
        "level (1 to 4)"
    ]


def test_every_problem_is_listed_not_only_the_first() -> None:
    def several(data: dict[str, Any]) -> None:
        data["questions"]["harm"]["answers"][1]["value"] = "yes"
        data["questions"]["purpose"]["answers"][1]["outcome"] = "kept"

    problems = problems_of(several)
    assert len(problems) == 3
    assert problems[0].startswith('questions.harm.answers[1]: the value "yes" is already used')
    assert problems[1].startswith('questions.purpose.answers[1]: "outcome" names "kept"')
    assert problems[2].startswith("outcomes.keep: no answer leads")


def test_the_message_lists_each_problem_on_its_own_line() -> None:
    error = FlowError("tiny.yaml", ["first: wrong", "second: wrong"])
    assert str(error) == "tiny.yaml: first: wrong\ntiny.yaml: second: wrong"


def test_an_unreadable_file_is_a_flow_error(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"^gone.yaml: cannot read the file: not found$"):
        load_flow(tmp_path / "gone.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(FlowError, match="it is not UTF-8 text"):
        load_flow(latin)


def test_a_folder_is_not_a_flow_file(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"cannot read the file: it cannot be read$"):
        load_flow(tmp_path)


def test_characters_yaml_does_not_allow_are_refused() -> None:
    with pytest.raises(FlowError, match=r"^bad.yaml: the file is not valid YAML$"):
        parse_flow("id: tiny\x07\n", source="bad.yaml")


def test_a_list_used_as_a_name_is_refused() -> None:
    with pytest.raises(FlowError, match="found unhashable key"):
        parse_flow("? [a, b]\n: c\n", source="bad.yaml")


def test_a_flow_needs_questions_and_answers() -> None:
    def empty(data: dict[str, Any]) -> None:
        data["questions"]["purpose"]["answers"] = []

    assert problems_of(empty) == ["questions.purpose.answers: needs at least one entry"]
