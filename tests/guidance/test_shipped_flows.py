"""The two packaged flows: every branch reachable, and the paths practitioners rely on."""

import pytest

from jigsaw.guidance import Decision, Finished, Flow, FlowLibrary, Purpose, advance, decision_record
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
    Sector,
)
from jigsaw.taxonomy.levels import LevelOfNeed
from tests.guidance.flowdata import all_paths

LIBRARY = FlowLibrary.load(None)
SHARE = LIBRARY.get("should-i-share")
LEVEL = LIBRARY.get("level-of-need")

# The first answers of the sharing flow that reach the significant-harm screen.
TO_HARM_SCREEN = [("immediate-danger", "no"), ("purpose", "yes"), ("identifiable", "yes")]
TO_CONSENT = [
    *TO_HARM_SCREEN,
    ("significant-harm", "no"),
    ("early-help", "no"),
    ("confidential", "yes"),
]


@pytest.mark.parametrize("flow", [SHARE, LEVEL], ids=lambda flow: flow.id)
def test_every_outcome_is_reached_and_every_answer_given_on_some_path(flow: Flow) -> None:
    paths = all_paths(flow)
    outcomes = set()
    for path in paths:
        step = advance(flow, path)
        assert isinstance(step, Finished)
        outcomes.add(step.outcome_id)
    assert outcomes == set(flow.outcomes)
    given = {pair for path in paths for pair in path}
    assert given == {
        (question_id, answer.value)
        for question_id, question in flow.questions.items()
        for answer in question.answers
    }


@pytest.mark.parametrize("sector", list(Sector))
@pytest.mark.parametrize("flow", [SHARE, LEVEL], ids=lambda flow: flow.id)
def test_no_path_through_significant_harm_ends_in_do_not_share(flow: Flow, sector: Sector) -> None:
    records = [decision_record(flow, path, sector=sector) for path in all_paths(flow)]
    flagged = [record for record in records if record.significant_harm]
    assert flagged
    assert all(record.decision is not Decision.DO_NOT_SHARE for record in flagged)


@pytest.mark.parametrize("flow", [SHARE, LEVEL], ids=lambda flow: flow.id)
def test_every_question_is_short_and_says_where_it_comes_from(flow: Flow) -> None:
    for question in flow.questions.values():
        assert question.why
        assert len(question.text) <= 90
        assert question.text.endswith("?")


def test_the_library_finds_each_flow_by_purpose() -> None:
    assert LIBRARY.for_purpose(Purpose.SHARE) == [SHARE]
    assert LIBRARY.for_purpose(Purpose.LEVEL_OF_NEED) == [LEVEL]


def test_immediate_danger_says_call_999_and_still_share() -> None:
    record = decision_record(SHARE, [("immediate-danger", "yes")], sector=Sector.PUBLIC_BODY)
    assert record.outcome_id == "call-999"
    assert record.decision is Decision.SHARE
    assert record.significant_harm
    outcome = SHARE.outcomes["call-999"]
    assert outcome.warning == "Call the police on 999 now."
    assert "then share" in record.outcome_title.lower()
    assert record.prefill.consent is ConsentPosition.NOT_SOUGHT


def test_significant_harm_shares_now_without_consent_on_each_sectors_basis() -> None:
    answers = [*TO_HARM_SCREEN, ("significant-harm", "yes")]
    school = decision_record(SHARE, answers, sector=Sector.PUBLIC_BODY)
    assert school.outcome_id == "share-now"
    assert school.decision is Decision.SHARE
    assert school.significant_harm
    assert school.prefill.article_6 is Article6Basis.PUBLIC_TASK
    assert school.prefill.article_9 is Article9Condition.SUBSTANTIAL_PUBLIC_INTEREST
    assert school.prefill.schedule_1 is Schedule1Condition.SAFEGUARDING
    assert school.prefill.part_3 is None
    assert school.prefill.consent is ConsentPosition.NOT_SOUGHT
    assert school.prefill.level_of_need is LevelOfNeed.CHILD_PROTECTION

    charity = decision_record(SHARE, answers, sector=Sector.VOLUNTARY_SECTOR)
    assert charity.prefill.article_6 in {
        Article6Basis.RECOGNISED_LEGITIMATE_INTEREST,
        Article6Basis.LEGITIMATE_INTERESTS,
    }
    police = decision_record(SHARE, answers, sector=Sector.POLICE)
    assert police.prefill.part_3 is LawEnforcementBasis.SAFEGUARDING


def test_not_sure_about_significant_harm_seeks_advice_naming_the_contacts() -> None:
    answers = [*TO_HARM_SCREEN, ("significant-harm", "not-sure")]
    record = decision_record(SHARE, answers, sector=Sector.PUBLIC_BODY)
    assert record.decision is Decision.SEEK_ADVICE
    outcome = SHARE.outcomes[record.outcome_id]
    contacts = " ".join(outcome.steps)
    for contact in (
        "designated safeguarding lead",
        "named or designated nurse",
        "data protection officer",
        "Caldicott Guardian",
        "MASH consultation line",
    ):
        assert contact in contacts
    # Waiting for advice must not leave a child at risk (2024 rule 4).
    assert "share now" in outcome.explanation


def test_no_clear_purpose_means_do_not_share_and_record_why() -> None:
    record = decision_record(
        SHARE, [("immediate-danger", "no"), ("purpose", "no")], sector=Sector.PUBLIC_BODY
    )
    assert record.outcome_id == "do-not-share"
    assert record.decision is Decision.DO_NOT_SHARE
    assert "record why" in record.outcome_title.lower()


def test_anonymous_information_can_be_shared() -> None:
    answers = [("immediate-danger", "no"), ("purpose", "yes"), ("identifiable", "no")]
    record = decision_record(SHARE, answers, sector=Sector.PUBLIC_BODY)
    assert record.outcome_id == "not-personal-data"
    assert record.decision is Decision.SHARE


def test_early_help_needs_agreement_to_the_help_not_to_the_sharing() -> None:
    answers = [*TO_HARM_SCREEN, ("significant-harm", "no"), ("early-help", "yes")]
    record = decision_record(SHARE, answers, sector=Sector.PUBLIC_BODY)
    assert record.outcome_id == "early-help"
    assert "not your lawful basis for sharing" in record.explanation
    assert record.prefill.article_6 is Article6Basis.PUBLIC_TASK
    assert record.prefill.consent is None
    assert record.prefill.level_of_need is LevelOfNeed.FAMILY_HELP


def test_agreement_given_is_recorded_as_consent_sought_and_given() -> None:
    answers = [*TO_CONSENT, ("consent", "yes")]
    record = decision_record(SHARE, answers, sector=Sector.VOLUNTARY_SECTOR)
    assert record.outcome_id == "share-with-consent"
    assert record.prefill.consent is ConsentPosition.SOUGHT_AND_GIVEN
    assert record.prefill.consent_not_sought_reason is None


def test_refused_agreement_can_still_share_on_another_basis() -> None:
    answers = [*TO_CONSENT, ("consent", "refused"), ("other-basis", "yes")]
    record = decision_record(SHARE, answers, sector=Sector.PUBLIC_BODY)
    assert record.outcome_id == "share-on-another-basis"
    assert record.decision is Decision.SHARE
    assert record.prefill.consent is ConsentPosition.SOUGHT_AND_REFUSED
    assert record.prefill.article_6 is Article6Basis.PUBLIC_TASK


def test_not_asking_records_the_paragraph_18_reason() -> None:
    answers = [*TO_CONSENT, ("consent", "not-asked"), ("why-not-asked", "cannot-give")]
    record = decision_record(SHARE, [*answers, ("other-basis", "yes")], sector=Sector.POLICE)
    assert record.prefill.consent is ConsentPosition.NOT_SOUGHT
    assert record.prefill.consent_not_sought_reason is ConsentNotSoughtReason.CANNOT_BE_GIVEN


def test_no_other_basis_means_do_not_share() -> None:
    answers = [*TO_CONSENT, ("consent", "refused"), ("other-basis", "no")]
    record = decision_record(SHARE, answers, sector=Sector.VOLUNTARY_SECTOR)
    assert record.decision is Decision.DO_NOT_SHARE
    assert not record.significant_harm


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ([("level-4", "yes")], LevelOfNeed.CHILD_PROTECTION),
        ([("level-4", "no"), ("level-3", "yes")], LevelOfNeed.CHILD_IN_NEED),
        ([("level-4", "no"), ("level-3", "no"), ("level-2", "yes")], LevelOfNeed.FAMILY_HELP),
        ([("level-4", "no"), ("level-3", "no"), ("level-2", "no")], LevelOfNeed.UNIVERSAL),
    ],
)
def test_each_level_is_reached_from_the_top_down(
    answers: list[tuple[str, str]], level: LevelOfNeed
) -> None:
    record = decision_record(LEVEL, answers, sector=Sector.PUBLIC_BODY)
    assert record.decision is Decision.LEVEL
    assert record.prefill.level_of_need is level
    assert record.significant_harm is (level is LevelOfNeed.CHILD_PROTECTION)


def test_level_4_lists_its_indicators_and_warns_about_immediate_danger() -> None:
    question = LEVEL.questions[LEVEL.start]
    assert question.text == "Do any of these describe the child's situation?"
    assert any("abused" in example for example in question.examples)
    assert "999" in (LEVEL.outcomes["level-4"].warning or "")
