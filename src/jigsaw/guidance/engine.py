"""Running a flow: the next question for the answers so far, and the record of a finished one.

Pure functions over a ``Flow``: the pages keep the answers (question id, answer value) and
call ``advance`` after each; ``decision_record`` turns a finished run into what is stored on
the concern.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from jigsaw.core.errors import Invalid
from jigsaw.guidance.flows import Flow, Outcome, Question
from jigsaw.guidance.records import AnsweredQuestion, DecisionRecord, Prefill
from jigsaw.taxonomy.lawful_basis import ConsentPosition, Sector


class InvalidAnswers(Invalid):
    """The answers do not follow the flow; the message names only the flow's own ids."""

    def __init__(self, message: str) -> None:
        super().__init__({"answers": message})


@dataclass(frozen=True)
class NextQuestion:
    """The flow is not finished: ask this question next."""

    question_id: str
    question: Question
    answered: tuple[AnsweredQuestion, ...] = field(default=())


@dataclass(frozen=True)
class Finished:
    """The flow ended in an outcome."""

    outcome_id: str
    outcome: Outcome
    answered: tuple[AnsweredQuestion, ...]

    @property
    def significant_harm(self) -> bool:
        """Whether any answer said a child may be at risk of significant harm."""
        return any(answered.significant_harm for answered in self.answered)


Step = NextQuestion | Finished


def advance(flow: Flow, answers: Sequence[tuple[str, str]]) -> Step:
    """Follow the answers, in order, from the flow's start; say what comes next.

    Raises:
        InvalidAnswers: an answer is for another question, is not one of the question's
            answers, or comes after the flow has finished.
    """
    answered: list[AnsweredQuestion] = []
    question_id = flow.start
    outcome_id: str | None = None
    for position, (given_question, given_value) in enumerate(answers, start=1):
        # The given ids may be anything a browser sent: never put them in a message.
        if outcome_id is not None:
            raise InvalidAnswers(f"Answer {position} comes after the flow has finished.")
        if given_question != question_id:
            raise InvalidAnswers(
                f'Answer {position} is not for the question the flow asks next ("{question_id}").'
            )
        question = flow.questions[question_id]
        answer = question.answer(given_value)
        if answer is None:
            raise InvalidAnswers(f'Answer {position} is not one of the answers to "{question_id}".')
        answered.append(
            AnsweredQuestion(
                question_id=question_id,
                question_text=question.text,
                answer_value=answer.value,
                answer_label=answer.label,
                significant_harm=answer.significant_harm,
            )
        )
        if answer.next is not None:
            question_id = answer.next
        else:
            outcome_id = answer.outcome  # a checked flow gives one or the other
    if outcome_id is None:
        return NextQuestion(question_id, flow.questions[question_id], tuple(answered))
    return Finished(outcome_id, flow.outcomes[outcome_id], tuple(answered))


def decision_record(
    flow: Flow, answers: Sequence[tuple[str, str]], *, sector: Sector
) -> DecisionRecord:
    """The record of a finished flow, with the lawful basis pre-filled for the sector.

    Raises:
        InvalidAnswers: the answers do not follow the flow, or do not finish it.
    """
    step = advance(flow, answers)
    if isinstance(step, NextQuestion):
        raise InvalidAnswers(f'The flow is not finished: "{step.question_id}" is still to answer.')
    return DecisionRecord(
        flow_id=flow.id,
        flow_version=flow.version,
        flow_title=flow.title,
        sector=sector,
        answered=step.answered,
        outcome_id=step.outcome_id,
        outcome_title=step.outcome.title,
        decision=step.outcome.decision,
        explanation=step.outcome.explanation,
        prefill=_prefill(flow, step, sector),
        significant_harm=step.significant_harm,
        rationale=rationale(flow, step),
    )


def _prefill(flow: Flow, step: Finished, sector: Sector) -> Prefill:
    """The outcome's prefill, then each answer's on top (an answer is the more specific)."""
    codes = step.outcome.prefill.for_sector(sector)
    for answered in step.answered:
        answer = flow.questions[answered.question_id].answer(answered.answer_value)
        if answer is not None and answer.prefill is not None:
            codes |= answer.prefill.for_sector(sector)
    if codes.get("consent") not in {None, ConsentPosition.NOT_SOUGHT}:
        # A reason for not seeking consent means nothing once it was sought.
        codes.pop("consent_not_sought_reason", None)
    return Prefill(**codes)


def rationale(flow: Flow, step: Finished) -> str:
    """A plain-English account of the decision, for the practitioner to edit and keep.

    Each answer reads as its ``rationale`` (or as the question and the answer given), then the
    outcome as its ``rationale`` (or "So: " and its title).
    """
    sentences = [f"I used '{flow.title}' (version {flow.version})."]
    for answered in step.answered:
        answer = flow.questions[answered.question_id].answer(answered.answer_value)
        said = answer.rationale if answer is not None else None
        sentences.append(said or f"{answered.question_text} {answered.answer_label}")
    sentences.append(step.outcome.rationale or f"So: {step.outcome.title}")
    return " ".join(_sentence(text) for text in sentences)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."
